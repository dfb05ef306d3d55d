// Package synthetic makes large, realistic-looking lists and URL streams
// for benchmarks and load tests: random registrable domains under common
// TLDs, a tenth of them URL-prefix entries on shared platforms, and URLs
// with subdomains, paths and queries.
package synthetic

import (
	"fmt"
	"math/rand/v2"

	"github.com/redflag/redflag/lists/entry"
)

var (
	tlds      = []string{"com", "net", "org", "info", "io", "co.uk", "com.br", "asia", "tech", "cloud", "services", "de", "ru", "cn"}
	platforms = []string{"github.com", "linkedin.com/in", "upwork.com/freelancers", "fiverr.com", "gitlab.com"}
	words     = []string{"careers", "about", "jobs", "apply", "team", "blog", "login", "profile", "docs", "api", "v2", "static"}
)

// Provenances is the small set of provenance records synthetic entries use,
// as real lists do (one authority and date per batch).
var Provenances = []entry.Provenance{
	{Kind: entry.Seized, Authority: "US Department of Justice", Date: "2023-10-17", Reference: "https://example.org/doj/2023-10-18"},
	{Kind: entry.Flagged, Authority: "Example CERT", Date: "2025-06-01", Reference: "https://cert.example/advisories/1"},
	{Kind: entry.Flagged, Authority: "Acme security team", Date: "2026-11-01", Reference: "https://acme.example/advisory/9", Note: "fake recruiter"},
}

func label(rng *rand.Rand, minLen, maxLen int) string {
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
	n := minLen + rng.IntN(maxLen-minLen+1)
	b := make([]byte, n)
	for i := range b {
		b[i] = letters[rng.IntN(26)] // start with letters only
		if i > 0 {
			b[i] = letters[rng.IntN(len(letters))]
		}
	}
	return string(b)
}

// Domain returns a random registrable domain.
func Domain(rng *rand.Rand) string {
	return label(rng, 5, 14) + "." + tlds[rng.IntN(len(tlds))]
}

// Entries returns n distinct entries drawn from seed: 90% registrable
// domains, 10% URL prefixes on shared platforms.
func Entries(n int, seed uint64) []entry.Entry {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	out := make([]entry.Entry, 0, n)
	seen := make(map[string]struct{}, n)
	for len(out) < n {
		var p entry.Pattern
		if rng.IntN(10) == 0 {
			pl := platforms[rng.IntN(len(platforms))]
			host, path, _ := cut(pl)
			p = entry.Pattern{Host: host, Path: path + "/" + label(rng, 6, 12) + "/"}
		} else {
			p = entry.Pattern{Host: Domain(rng)}
		}
		if _, dup := seen[p.String()]; dup {
			continue
		}
		seen[p.String()] = struct{}{}
		out = append(out, entry.Entry{Pattern: p, Provenance: Provenances[rng.IntN(len(Provenances))]})
	}
	return out
}

func cut(s string) (host, path string, ok bool) {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return s[:i], s[i:], true
		}
	}
	return s, "", false
}

// URLs returns n URLs drawn from seed; about listedPercent of them fall on
// entries of es (a subdomain or a page of a listed site, or a page under a
// listed prefix), the rest on random clean domains and shared platforms.
func URLs(n int, seed uint64, es []entry.Entry, listedPercent int) []string {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	out := make([]string, n)
	for i := range out {
		path := "/"
		for j := rng.IntN(4); j > 0; j-- {
			path += words[rng.IntN(len(words))] + "/"
		}
		if rng.IntN(2) == 0 {
			path += label(rng, 3, 10) + ".html"
		}
		query := ""
		if rng.IntN(3) == 0 {
			query = fmt.Sprintf("?id=%d&ref=%s", rng.IntN(1e6), label(rng, 3, 8))
		}
		switch r := rng.IntN(100); {
		case r < listedPercent && len(es) > 0:
			e := es[rng.IntN(len(es))]
			if e.Pattern.IsPrefix() {
				out[i] = "https://www." + e.Pattern.Host + e.Pattern.Path + label(rng, 3, 8) + query
			} else {
				out[i] = "https://" + words[rng.IntN(len(words))] + "." + e.Pattern.Host + path + query
			}
		case r < listedPercent+10:
			pl := platforms[rng.IntN(len(platforms))]
			out[i] = "https://www." + pl + "/" + label(rng, 4, 10) + path + query
		default:
			sub := ""
			if rng.IntN(2) == 0 {
				sub = "www."
			}
			out[i] = "https://" + sub + Domain(rng) + path + query
		}
	}
	return out
}
