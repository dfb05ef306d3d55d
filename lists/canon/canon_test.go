package canon

import (
	"errors"
	"slices"
	"testing"
)

// Every canonicalization example of the Safe Browsing v4 documentation
// ("URLs and Hashing"), then RedFlag's own cases.
var canonicalTests = []struct {
	in, want string
}{
	{"http://host/%25%32%35", "http://host/%25"},
	{"http://host/%25%32%35%25%32%35", "http://host/%25%25"},
	{"http://host/%2525252525252525", "http://host/%25"},
	{"http://host/asdf%25%32%35asd", "http://host/asdf%25asd"},
	{"http://host/%%%25%32%35asd%%", "http://host/%25%25%25asd%25%25"},
	{"http://www.google.com/", "http://www.google.com/"},
	{"http://%31%36%38%2e%31%38%38%2e%39%39%2e%32%36/%2E%73%65%63%75%72%65/%77%77%77%2E%65%62%61%79%2E%63%6F%6D/", "http://168.188.99.26/.secure/www.ebay.com/"},
	{"http://195.127.0.11/uploads/%20%20%20%20/.verify/.eBaysecure=updateuserdataxplimnbqmn-xplmvalidateinfoswqpcmlx=hgplmcx/", "http://195.127.0.11/uploads/%20%20%20%20/.verify/.eBaysecure=updateuserdataxplimnbqmn-xplmvalidateinfoswqpcmlx=hgplmcx/"},
	{"http://host%23.com/%257Ea%2521b%2540c%2523d%2524e%25f%255E00%252611%252A22%252833%252944_55%252B", "http://host%23.com/~a!b@c%23d$e%25f^00&11*22(33)44_55+"},
	{"http://3279880203/blah", "http://195.127.0.11/blah"},
	{"http://www.google.com/blah/..", "http://www.google.com/"},
	{"www.google.com/", "http://www.google.com/"},
	{"www.google.com", "http://www.google.com/"},
	{"http://www.evil.com/blah#frag", "http://www.evil.com/blah"},
	{"http://www.GOOgle.com/", "http://www.google.com/"},
	{"http://www.google.com.../", "http://www.google.com/"},
	{"http://www.google.com/foo\tbar\rbaz\n2", "http://www.google.com/foobarbaz2"},
	{"http://www.google.com/q?", "http://www.google.com/q?"},
	{"http://www.google.com/q?r?", "http://www.google.com/q?r?"},
	{"http://www.google.com/q?r?s", "http://www.google.com/q?r?s"},
	{"http://evil.com/foo#bar#baz", "http://evil.com/foo"},
	{"http://evil.com/foo;", "http://evil.com/foo;"},
	{"http://evil.com/foo?bar;", "http://evil.com/foo?bar;"},
	{"http://\x01\x80.com/", "http://%01%80.com/"},
	{"http://notrailingslash.com", "http://notrailingslash.com/"},
	{"http://www.gotaport.com:1234/", "http://www.gotaport.com/"},
	{"  http://www.google.com/  ", "http://www.google.com/"},
	{"http:// leadingspace.com/", "http://%20leadingspace.com/"},
	{"http://%20leadingspace.com/", "http://%20leadingspace.com/"},
	{"%20leadingspace.com/", "http://%20leadingspace.com/"},
	{"https://www.securesite.com/", "https://www.securesite.com/"},
	{"http://host.com/ab%23cd", "http://host.com/ab%23cd"},
	{"http://host.com//twoslashes?more//slashes", "http://host.com/twoslashes?more//slashes"},

	// Scheme case, trailing dot, fragment and query together.
	{"HTTP://WWW.SilverStarChina.COM./careers?x=1#top", "http://www.silverstarchina.com/careers?x=1"},
	// IPv4 in odd notations.
	{"http://0xc3.0x7f.0.11/", "http://195.127.0.11/"},
	{"http://0303.0177.0.013/", "http://195.127.0.11/"},
	{"http://195.8323083/", "http://195.127.0.11/"},
	{"http://195.127.11/", "http://195.127.0.11/"},
	{"http://195.127.2827/", "http://195.127.11.11/"},
	{"http://0xC37F000B/", "http://195.127.0.11/"},
	{"http://256.1.1.1/", "http://256.1.1.1/"}, // out of range: a name, not an address
	{"http://1.2.3.4.5/", "http://1.2.3.4.5/"},
	// Ports, user info, IPv6.
	{"http://user:pass@Example.com:8080/a", "http://example.com/a"},
	{"http://[2001:DB8::1]:8443/x", "http://[2001:db8::1]/x"},
	{"example.com:80/path", "http://example.com/path"},
	// Internationalized names become punycode, whatever the case.
	{"http://Bücher.de/", "http://xn--bcher-kva.de/"},
	{"http://BÜCHER.DE/", "http://xn--bcher-kva.de/"},
	{"http://b%C3%BCcher.de/", "http://xn--bcher-kva.de/"},
	{"пример.рф", "http://xn--e1afmkfd.xn--p1ai/"},
	// Paths.
	{"http://a.com/./b/../c/", "http://a.com/c/"},
	{"http://a.com/b/%2E%2E/c", "http://a.com/c"},
	{"http://a.com/../../x", "http://a.com/x"},
	{"http://a.com/a b", "http://a.com/a%20b"},
	{"http://a.com/\u00e9", "http://a.com/%C3%A9"},
	// Emails name their domain.
	{"hr@jinyang.asia", "http://jinyang.asia/"},
	{"mailto:HR@Jinyang.Asia?subject=hi", "http://jinyang.asia/"},
}

func TestParseCanonical(t *testing.T) {
	for _, tt := range canonicalTests {
		u, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := u.String(); got != tt.want {
			t.Errorf("Parse(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Canonical output is a fixed point: parsing it again changes nothing.
func TestParseIdempotent(t *testing.T) {
	for _, tt := range canonicalTests {
		u, err := Parse(tt.in)
		if err != nil {
			continue
		}
		again, err := Parse(u.String())
		if err != nil {
			t.Errorf("Parse(%q) of canonical %q: %v", tt.in, u.String(), err)
			continue
		}
		if again.String() != u.String() {
			t.Errorf("Parse(%q) = %q, but that parses to %q", tt.in, u.String(), again.String())
		}
	}
}

func TestParseInvalid(t *testing.T) {
	for _, in := range []string{
		"",
		"   ",
		"http://",
		"http:///path",
		"http://...",
		"http:example.com",
		"javascript:alert(1)",
		"http://[::1/",
		"http://[zz::1]/",
		"#only-a-fragment",
		"http://\xff\xfe.com/",
	} {
		u, err := Parse(in)
		if err == nil {
			t.Errorf("Parse(%q) = %q, want an error", in, u.String())
			continue
		}
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("Parse(%q) error %v does not wrap ErrInvalid", in, err)
		}
	}
}

func TestParseTooLong(t *testing.T) {
	long := "http://a.com/" + string(make([]byte, MaxInputLen))
	if _, err := Parse(long); !errors.Is(err, ErrInvalid) {
		t.Fatalf("Parse(%d bytes) error = %v, want ErrInvalid", len(long), err)
	}
}

// The expression examples of the Safe Browsing v4 documentation, in the
// order the documentation gives: hosts outer, paths inner.
func TestExpressions(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"http://a.b.c/1/2.html?param=1", []string{
			"a.b.c/1/2.html?param=1", "a.b.c/1/2.html", "a.b.c/", "a.b.c/1/",
			"b.c/1/2.html?param=1", "b.c/1/2.html", "b.c/", "b.c/1/",
		}},
		{"http://a.b.c.d.e.f.g/1.html", []string{
			"a.b.c.d.e.f.g/1.html", "a.b.c.d.e.f.g/",
			"c.d.e.f.g/1.html", "c.d.e.f.g/",
			"d.e.f.g/1.html", "d.e.f.g/",
			"e.f.g/1.html", "e.f.g/",
			"f.g/1.html", "f.g/",
		}},
		{"http://1.2.3.4/1/", []string{"1.2.3.4/1/", "1.2.3.4/"}},
		{"http://a.b.c.d.e/", []string{"a.b.c.d.e/", "b.c.d.e/", "c.d.e/", "d.e/"}},
		{"http://a.b.c.d.e.f/", []string{"a.b.c.d.e.f/", "b.c.d.e.f/", "c.d.e.f/", "d.e.f/", "e.f/"}},
		{"http://localhost/x", []string{"localhost/x", "localhost/"}},
		{"http://ex.com/a/b/c/d/e/f.html?q=1", []string{
			"ex.com/a/b/c/d/e/f.html?q=1", "ex.com/a/b/c/d/e/f.html", "ex.com/", "ex.com/a/", "ex.com/a/b/", "ex.com/a/b/c/",
		}},
		{"http://ex.com/a/b/", []string{"ex.com/a/b/", "ex.com/", "ex.com/a/"}},
		{"http://ex.com/q?", []string{"ex.com/q", "ex.com/"}},
		{"http://[::1]/a", []string{"[::1]/a", "[::1]/"}},
		{"HTTP://WWW.SilverStarChina.COM./careers?x=1#top", []string{
			"www.silverstarchina.com/careers?x=1", "www.silverstarchina.com/careers", "www.silverstarchina.com/",
			"silverstarchina.com/careers?x=1", "silverstarchina.com/careers", "silverstarchina.com/",
		}},
	}
	for _, tt := range tests {
		u, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if got := u.Expressions(); !slices.Equal(got, tt.want) {
			t.Errorf("Expressions(%q):\n got  %q\n want %q", tt.in, got, tt.want)
		}
	}
}

func TestRegistrable(t *testing.T) {
	tests := []struct{ host, want string }{
		{"www.silverstarchina.com", "silverstarchina.com"},
		{"silverstarchina.com", "silverstarchina.com"},
		{"someone.github.io", "someone.github.io"},
		{"a.someone.github.io", "someone.github.io"},
		{"www.example.co.uk", "example.co.uk"},
		{"jobs.jinyang.asia", "jinyang.asia"},
		{"xn--bcher-kva.de", "xn--bcher-kva.de"},
		{"com", ""},
		{"co.uk", ""},
		{"github.io", ""},
		{"195.127.0.11", ""},
		{"[::1]", ""},
	}
	for _, tt := range tests {
		if got := Registrable(tt.host); got != tt.want {
			t.Errorf("Registrable(%q) = %q, want %q", tt.host, got, tt.want)
		}
	}
}

func TestIsPublicSuffix(t *testing.T) {
	for host, want := range map[string]bool{
		"com": true, "co.uk": true, "github.io": true,
		"example.com": false, "someone.github.io": false,
	} {
		if got := IsPublicSuffix(host); got != want {
			t.Errorf("IsPublicSuffix(%q) = %v, want %v", host, got, want)
		}
	}
}

// FuzzParse: Parse never panics, its output is a fixed point, and every
// expression it yields is made of the canonical host and path.
func FuzzParse(f *testing.F) {
	for _, tt := range canonicalTests {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		u, err := Parse(in)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("Parse(%q) error %v does not wrap ErrInvalid", in, err)
			}
			return
		}
		again, err := Parse(u.String())
		if err != nil || again.String() != u.String() {
			t.Fatalf("Parse(%q) = %q, which parses to %q, %v", in, u.String(), again.String(), err)
		}
		exprs := u.Expressions()
		if len(exprs) == 0 || len(exprs) > MaxExpressions || exprs[0][:len(u.Host)] != u.Host {
			t.Fatalf("Parse(%q): expressions %q", in, exprs)
		}
	})
}
