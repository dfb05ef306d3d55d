// Package platforms names the shared platforms: sites where many unrelated
// people and companies each own a page, a profile or a mailbox (job boards,
// freelance marketplaces, code hosts, mail and search providers).
//
// A list must never name one of them wholesale by accident, and a URL pasted
// from one of them names a profile, not the site. The data lives in
// platforms.tsv next to this file, reviewed like code.
package platforms

import (
	_ "embed"
	"strings"
)

//go:embed platforms.tsv
var table string

// Platform is one shared platform.
type Platform struct {
	Domain   string // registrable domain or host, e.g. "github.com"
	Category string // job, freelance, code, email, search, social, hosting, docs, major
	Paths    string // what a path on it names, e.g. "users and organizations /NAME/"
}

var byDomain = parse(table)

func parse(t string) map[string]Platform {
	m := make(map[string]Platform)
	for _, line := range strings.Split(t, "\n") {
		if line == "" || line[0] == '#' {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			panic("platforms.tsv: want 3 tab-separated columns in " + line)
		}
		m[f[0]] = Platform{Domain: f[0], Category: f[1], Paths: f[2]}
	}
	return m
}

// All returns every platform, in no particular order.
func All() []Platform {
	out := make([]Platform, 0, len(byDomain))
	for _, p := range byDomain {
		out = append(out, p)
	}
	return out
}

// Lookup reports the platform that host is, or is under ("www.github.com"
// and "gist.github.com" are both GitHub). host must be canonical (lowercase,
// punycode, no trailing dot).
func Lookup(host string) (Platform, bool) {
	for {
		if p, ok := byDomain[host]; ok {
			return p, true
		}
		i := strings.IndexByte(host, '.')
		if i < 0 {
			return Platform{}, false
		}
		host = host[i+1:]
	}
}
