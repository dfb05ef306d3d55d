package canon

import (
	"strings"

	"golang.org/x/net/publicsuffix"
)

// Limits of the Safe Browsing lookup expressions.
const (
	MaxHosts       = 5 // the exact host plus up to 4 suffixes
	MaxPaths       = 6 // exact with query, exact, "/", up to 3 directory prefixes
	MaxExpressions = MaxHosts * MaxPaths

	suffixComponents = 5 // suffixes start from the last five host components
	prefixComponents = 4 // directory prefixes come from the first four components
)

// Hosts appends the host suffixes to dst: the exact host, then the hosts
// formed from the last five components by removing leading ones, down to
// two components. An IP address has only itself.
func (u URL) Hosts(dst []string) []string {
	dst = append(dst, u.Host)
	if u.IP {
		return dst
	}
	h := u.Host
	dots := strings.Count(h, ".")
	// Skip leading components until at most suffixComponents remain.
	for dots >= suffixComponents {
		h = h[strings.IndexByte(h, '.')+1:]
		dots--
	}
	if h == u.Host && dots > 0 {
		h = h[strings.IndexByte(h, '.')+1:]
		dots--
	}
	for ; dots >= 1; dots-- {
		dst = append(dst, h)
		h = h[strings.IndexByte(h, '.')+1:]
	}
	return dst
}

// Paths appends the path prefixes to dst, in Safe Browsing order: the exact
// path with the query, the exact path, "/", then directory prefixes formed by
// adding successive components of the first four (only components that end
// in '/'; the last one is the page itself).
func (u URL) Paths(dst []string) []string {
	p := u.Path
	if u.Query != "" {
		dst = append(dst, p+"?"+u.Query)
	}
	if p != "/" {
		dst = append(dst, p)
	}
	dst = append(dst, "/")
	// p[1:] has components separated by '/'; a prefix ends after the
	// 1st, 2nd and 3rd '/' as long as more components follow.
	comps := 1
	for i := 1; i < len(p) && comps < prefixComponents; i++ {
		if p[i] != '/' {
			continue
		}
		if i == len(p)-1 {
			break // p itself, already listed as the exact path
		}
		dst = append(dst, p[:i+1])
		comps++
	}
	return dst
}

// Expressions returns every host-suffix × path-prefix expression, hosts in
// the outer loop, both in the order of Hosts and Paths.
func (u URL) Expressions() []string {
	hosts := u.Hosts(make([]string, 0, MaxHosts))
	paths := u.Paths(make([]string, 0, MaxPaths))
	out := make([]string, 0, len(hosts)*len(paths))
	for _, h := range hosts {
		for _, p := range paths {
			out = append(out, h+p)
		}
	}
	return out
}

// Registrable returns the registrable domain (eTLD+1) of a canonical host,
// using the Public Suffix List including its private section, so that
// "someone.github.io" is its own registrable domain. It returns "" for IP
// addresses and for hosts that are themselves public suffixes.
func Registrable(host string) string {
	if host == "" || host[0] == '[' || strings.IndexByte(host, '%') >= 0 {
		return ""
	}
	if _, ok := parseIPv4(host); ok {
		return ""
	}
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return ""
	}
	return d
}

// IsPublicSuffix reports whether host is a public suffix on its own, such as
// "com", "co.uk" or "github.io" (hosts nobody can register as a whole).
func IsPublicSuffix(host string) bool {
	ps, _ := publicsuffix.PublicSuffix(host)
	return ps == host
}
