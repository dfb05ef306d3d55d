// Package entry is the list model: what a list entry names (a pattern), why
// it is listed (its provenance), and how messy admin input becomes a
// pattern or a clear error.
package entry

import (
	"errors"
	"fmt"
	"strings"

	"github.com/redflag/redflag/lists/canon"
	"github.com/redflag/redflag/lists/platforms"
)

// ErrInvalid is wrapped by every validation error of this package.
var ErrInvalid = errors.New("invalid entry")

// Limits on what a pattern may be.
const (
	MaxPatternLen = 2048
	maxHostLen    = 253
	maxLabelLen   = 63
	// A directory prefix deeper than this is never produced as a lookup
	// expression (Safe Browsing tries "/", then up to three components).
	maxPrefixDepth = 3
)

// Pattern is what an entry lists.
//
// A host pattern (Path == "") lists the host and every subdomain: the lookup
// key "host/" is one of the expressions of every URL on them. A prefix
// pattern (Path != "") lists the pages under Host+Path, e.g. "github.com" +
// "/some-user/"; Path ends in '/' or, for one exact page, carries a query.
type Pattern struct {
	Host string
	Path string
}

// String returns the pattern as written in entry files: "example.com" or
// "github.com/some-user/".
func (p Pattern) String() string { return p.Host + p.Path }

// IsPrefix reports whether p lists pages under a path rather than a site.
func (p Pattern) IsPrefix() bool { return p.Path != "" }

// Keys returns the lookup expressions that match p. A directory prefix also
// matches its own page without the trailing slash ("github.com/some-user"),
// which Safe Browsing expressions would otherwise miss.
func (p Pattern) Keys() []string {
	switch {
	case p.Path == "":
		return []string{p.Host + "/"}
	case strings.HasSuffix(p.Path, "/"):
		return []string{p.Host + p.Path, p.Host + strings.TrimSuffix(p.Path, "/")}
	default:
		return []string{p.Host + p.Path}
	}
}

// Marker returns the host of a prefix pattern, "" for a host pattern.
// Snapshots use it to try path expressions only on hosts that have prefix
// entries.
func (p Pattern) Marker() string {
	if p.Path == "" {
		return ""
	}
	return p.Host
}

// Describe says in words what p lists.
func (p Pattern) Describe() string {
	if p.Path == "" {
		return p.Host + " and all its subdomains"
	}
	if strings.HasSuffix(p.Path, "/") {
		return "pages under " + p.String()
	}
	return "the page " + p.String()
}

// Error is a validation error: the input and the reason it is refused.
// It wraps ErrInvalid.
type Error struct {
	Input  string // the offending input, shortened to 80 bytes
	Reason string
}

func (e *Error) Error() string { return fmt.Sprintf("entry: %q: %s", e.Input, e.Reason) }
func (e *Error) Unwrap() error { return ErrInvalid }

func invalid(input, reason string) error {
	if len(input) > 80 {
		input = strings.ToValidUTF8(input[:77], "") + "..."
	}
	return &Error{Input: input, Reason: reason}
}

// Reason returns the reason of a validation error without the input, or
// err's whole text for other errors.
func Reason(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return err.Error()
}

// ParsePattern turns admin input into a pattern:
//
//   - a domain or host ("Silverstarchina.COM.") lists that site;
//   - an email address ("hr@jinyang.asia") lists its domain;
//   - a URL pasted with its scheme ("https://www.cloudfox.cloud/about") lists
//     its site, except on a shared platform (see package platforms), where it
//     lists the pages under its path ("https://github.com/some-user");
//   - a host and path typed without scheme ("github.com/some-user/") lists
//     the pages under that path on any site.
//
// A leading "www." is dropped: the site without it covers it. Unicode names
// become punycode. Empty input, a public suffix alone ("co.uk",
// "github.io"), malformed names and unparseable URLs are errors that name
// the input and the reason.
func ParsePattern(input string) (Pattern, error) {
	s := strings.TrimSpace(input)
	switch {
	case s == "":
		return Pattern{}, invalid(input, "empty")
	case len(s) > MaxPatternLen:
		return Pattern{}, invalid(input, fmt.Sprintf("longer than %d bytes", MaxPatternLen))
	}
	if len(s) > 7 && strings.EqualFold(s[:7], "mailto:") {
		s = s[7:]
	}
	scheme, _, hasScheme := strings.Cut(s, "://")
	if hasScheme {
		scheme = strings.ToLower(scheme)
		if scheme != "http" && scheme != "https" {
			return Pattern{}, invalid(input, fmt.Sprintf("scheme %q: only http and https URLs can be listed", scheme))
		}
	}
	isEmail := !hasScheme && strings.Contains(s, "@") && !strings.ContainsAny(s, "/?")
	u, err := canon.Parse(s)
	if err != nil {
		var ce *canon.Error
		errors.As(err, &ce)
		return Pattern{}, invalid(input, "not a URL, domain or email: "+ce.Reason)
	}
	if isEmail && strings.HasSuffix(s, "@") {
		return Pattern{}, invalid(input, "email address without a domain")
	}
	if err := validHost(u.Host, u.IP); err != nil {
		return Pattern{}, invalid(input, err.Error())
	}
	host := dropWWW(u.Host)
	if (u.Path == "/" && u.Query == "") || isEmail {
		return Pattern{Host: host}, nil
	}
	if hasScheme {
		if _, shared := platforms.Lookup(host); !shared {
			return Pattern{Host: host}, nil
		}
	}
	if u.Query != "" {
		return Pattern{Host: host, Path: u.Path + "?" + u.Query}, nil
	}
	path := u.Path
	if !strings.HasSuffix(path, "/") {
		path += "/"
	}
	if depth := strings.Count(path, "/") - 1; depth > maxPrefixDepth {
		return Pattern{}, invalid(input, fmt.Sprintf(
			"path has %d segments; lookups try at most %d, so pages below it would not match (list a shorter prefix)",
			depth, maxPrefixDepth))
	}
	return Pattern{Host: host, Path: path}, nil
}

// ParseKey is ParsePattern for text that is already a pattern string as
// written by String ("example.com", "github.com/some-user/"): entry files
// and snapshots store those.
func ParseKey(s string) (Pattern, error) {
	p, err := ParsePattern(s)
	if err != nil {
		return Pattern{}, err
	}
	if p.String() != s {
		return Pattern{}, invalid(s, fmt.Sprintf("not in canonical form (that is %q)", p.String()))
	}
	return p, nil
}

// dropWWW removes one leading "www." unless what remains is a public suffix
// ("www.co.uk" is somebody's registrable domain).
func dropWWW(host string) string {
	rest, ok := strings.CutPrefix(host, "www.")
	if !ok || canon.IsPublicSuffix(rest) {
		return host
	}
	return rest
}

// validHost checks a canonical host against DNS name rules and refuses a
// public suffix on its own.
func validHost(host string, ip bool) error {
	if ip {
		return nil
	}
	if len(host) > maxHostLen {
		return fmt.Errorf("name is %d bytes long; DNS names have at most %d", len(host), maxHostLen)
	}
	labels := strings.Split(host, ".")
	for _, l := range labels {
		if err := validLabel(l); err != nil {
			return err
		}
	}
	tld := labels[len(labels)-1]
	if allDigits(tld) {
		return fmt.Errorf("top-level domain %q is numeric", tld)
	}
	if canon.IsPublicSuffix(host) {
		return fmt.Errorf("%q is a public suffix, not a registrable domain", host)
	}
	return nil
}

func validLabel(l string) error {
	switch {
	case l == "":
		return errors.New("empty label")
	case len(l) > maxLabelLen:
		return fmt.Errorf("label %.20q... is %d bytes long; labels have at most %d", l, len(l), maxLabelLen)
	case l[0] == '-' || l[len(l)-1] == '-':
		return fmt.Errorf("label %q starts or ends with '-'", l)
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return fmt.Errorf("label %q has a character not allowed in a domain name", l)
		}
	}
	return nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
