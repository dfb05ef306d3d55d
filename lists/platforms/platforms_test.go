package platforms

import "testing"

func TestLookup(t *testing.T) {
	tests := []struct {
		host string
		want string // "" for not a platform
	}{
		{"github.com", "github.com"},
		{"gist.github.com", "github.com"},
		{"www.linkedin.com", "linkedin.com"},
		{"drive.google.com", "drive.google.com"},
		{"mail.google.com", "google.com"},
		{"silverstarchina.com", ""},
		{"notgithub.com", ""},
		{"com", ""},
	}
	for _, tt := range tests {
		p, ok := Lookup(tt.host)
		if got := p.Domain; ok != (tt.want != "") || got != tt.want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", tt.host, got, ok, tt.want)
		}
	}
}

func TestEveryCategoryTheGuardNeeds(t *testing.T) {
	seen := map[string]int{}
	for _, p := range All() {
		seen[p.Category]++
	}
	for _, c := range []string{"job", "freelance", "code", "email", "search"} {
		if seen[c] < 3 {
			t.Errorf("category %q has %d platforms, want at least 3", c, seen[c])
		}
	}
}
