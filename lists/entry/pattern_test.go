package entry

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParsePatternAccepts(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"Silverstarchina.COM.", "silverstarchina.com"},
		{"  silverstarchina.com  ", "silverstarchina.com"},
		{"https://www.cloudfox.cloud/about", "cloudfox.cloud"},
		{"http://cloudfox.cloud", "cloudfox.cloud"},
		{"hr@jinyang.asia", "jinyang.asia"},
		{"HR@Mail.Jinyang.Asia", "mail.jinyang.asia"},
		{"mailto:hr@jinyang.asia", "jinyang.asia"},
		{"www.jinyang.services", "jinyang.services"},
		{"jobs.silverstarchina.com", "jobs.silverstarchina.com"},
		{"Bücher.de", "xn--bcher-kva.de"},
		{"пример.рф", "xn--e1afmkfd.xn--p1ai"},
		{"someone.github.io", "someone.github.io"},
		{"www.co.uk", "www.co.uk"},
		{"195.127.0.11", "195.127.0.11"},
		{"http://3279880203/", "195.127.0.11"},
		// Prefixes: typed without scheme, or pasted from a shared platform.
		{"github.com/some-user/", "github.com/some-user/"},
		{"github.com/some-user", "github.com/some-user/"},
		{"https://github.com/some-user", "github.com/some-user/"},
		{"https://www.linkedin.com/in/some-id/", "linkedin.com/in/some-id/"},
		{"linkedin.com/in/some-id/", "linkedin.com/in/some-id/"},
		{"example.com/phish/", "example.com/phish/"},
		{"https://www.upwork.com/freelancers/~0123?viewMode=1", "upwork.com/freelancers/~0123?viewMode=1"},
	}
	for _, tt := range tests {
		p, err := ParsePattern(tt.in)
		if err != nil {
			t.Errorf("ParsePattern(%q): %v", tt.in, err)
			continue
		}
		if got := p.String(); got != tt.want {
			t.Errorf("ParsePattern(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if again, err := ParseKey(p.String()); err != nil || again != p {
			t.Errorf("ParseKey(%q) = %q, %v; want the pattern back", p, again, err)
		}
	}
}

func TestParsePatternRejects(t *testing.T) {
	tests := []struct {
		in, reason string
	}{
		{"", "empty"},
		{"   ", "empty"},
		{"com", "public suffix"},
		{"co.uk", "public suffix"},
		{"github.io", "public suffix"},
		{".com.", "public suffix"},
		{"-bad-.com", "starts or ends with '-'"},
		{"bad_%20label.com", "not allowed"},
		{"a..", "public suffix"},
		{strings.Repeat("a", 64) + ".com", "at most 63"},
		{strings.Repeat("abcdefghi.", 26) + "com", "at most 253"},
		{"http://", "no host"},
		{"ftp://example.com/", "only http and https"},
		{"hr@", "not a URL"},
		{"example.123", "numeric"},
		{"example.com/a/b/c/d/", "segments"},
		{"javascript:alert(1)", "not a URL"},
		{strings.Repeat("x", MaxPatternLen+1), "longer than"},
	}
	for _, tt := range tests {
		p, err := ParsePattern(tt.in)
		if err == nil {
			t.Errorf("ParsePattern(%q) = %q, want an error about %q", tt.in, p, tt.reason)
			continue
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("ParsePattern(%q) error %v does not wrap ErrInvalid", tt.in, err)
		}
		if !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("ParsePattern(%q) error %q does not say %q", tt.in, err, tt.reason)
		}
		if name := strings.TrimSpace(tt.in); len(name) < 60 && !strings.Contains(err.Error(), name) {
			t.Errorf("ParsePattern(%q) error %q does not name the input", tt.in, err)
		}
	}
}

func TestParseKeyWantsCanonical(t *testing.T) {
	for _, in := range []string{"Example.com", "www.example.com", "github.com/x", "https://example.com"} {
		if _, err := ParseKey(in); err == nil {
			t.Errorf("ParseKey(%q) accepted a non-canonical key", in)
		}
	}
}

func TestPatternKeys(t *testing.T) {
	tests := []struct {
		pattern string
		keys    []string
		marker  string
	}{
		{"silverstarchina.com", []string{"silverstarchina.com/"}, ""},
		{"github.com/some-user/", []string{"github.com/some-user/", "github.com/some-user"}, "github.com"},
		{"upwork.com/freelancers/~01?x=1", []string{"upwork.com/freelancers/~01?x=1"}, "upwork.com"},
	}
	for _, tt := range tests {
		p, err := ParsePattern(tt.pattern)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Keys(); !slices.Equal(got, tt.keys) {
			t.Errorf("%q.Keys() = %q, want %q", tt.pattern, got, tt.keys)
		}
		if got := p.Marker(); got != tt.marker {
			t.Errorf("%q.Marker() = %q, want %q", tt.pattern, got, tt.marker)
		}
	}
}

// FuzzParsePattern: no input panics, and every accepted pattern is
// canonical: written out and read back as a key, it is the same pattern.
func FuzzParsePattern(f *testing.F) {
	for _, s := range []string{"Silverstarchina.COM.", "https://www.cloudfox.cloud/about", "hr@jinyang.asia",
		"github.com/some-user/", "co.uk", "пример.рф", "http://3279880203/", "x?y", "@", "a/b/c/d/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		p, err := ParsePattern(in)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("ParsePattern(%q) error %v does not wrap ErrInvalid", in, err)
			}
			return
		}
		back, err := ParseKey(p.String())
		if err != nil || back != p {
			t.Fatalf("ParsePattern(%q) = %q, but ParseKey gives %q, %v", in, p, back, err)
		}
	})
}
