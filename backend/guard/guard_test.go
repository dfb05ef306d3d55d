package guard

import (
	"strings"
	"testing"

	"github.com/redflag/redflag/lists/entry"
)

func TestCheck(t *testing.T) {
	tests := []struct {
		input    string
		refused  bool
		platform string
	}{
		{"github.com", true, "github.com"},
		{"gist.github.com", true, "github.com"},
		{"linkedin.com", true, "linkedin.com"},
		{"upwork.com", true, "upwork.com"},
		{"gmail.com", true, "gmail.com"},
		{"google.com", true, "google.com"},
		{"github.com/some-user/", false, ""},
		{"https://github.com/some-user", false, ""},
		{"linkedin.com/in/someone/", false, ""},
		{"silverstarchina.com", false, ""},
		{"notgithub.com", false, ""},
	}
	for _, tt := range tests {
		p, err := entry.ParsePattern(tt.input)
		if err != nil {
			t.Fatalf("%s: %v", tt.input, err)
		}
		r := Check(p)
		if (r != nil) != tt.refused {
			t.Errorf("%s: refusal %v, want refused=%v", tt.input, r, tt.refused)
			continue
		}
		if r != nil && (r.Platform != tt.platform || !strings.Contains(r.Reason, "force")) {
			t.Errorf("%s: %+v", tt.input, r)
		}
	}
}
