// Package canon turns URLs, domains and email addresses into the canonical
// form and lookup expressions of the Google Safe Browsing v4 URL rules, and
// names the registrable domain of a host.
//
// The rules (https://developers.google.com/safe-browsing/v4/urls-hashing):
// strip tab/CR/LF and the fragment, trim spaces, repeatedly percent-unescape,
// then escape once every byte <= 0x20, >= 0x7f, '#' and '%' (uppercase hex).
// The host loses its port, user info, surplus dots and case; IPv4 addresses in
// any legal notation become a dotted quad; IDN hosts become punycode. The path
// has "/./", "/../" and "//" resolved. The query is kept as is.
package canon

import (
	"errors"
	"fmt"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// ErrInvalid is wrapped by every error Parse returns, so callers can tell
// unusable input from other failures with errors.Is.
var ErrInvalid = errors.New("invalid URL")

// MaxInputLen bounds the input Parse accepts; browsers cap URLs near 2 MB,
// but nothing on a list or in a page link legitimately comes close to this.
const MaxInputLen = 64 << 10

// URL is a canonicalized URL. Host, Path and Query are already escaped.
type URL struct {
	Scheme   string // lowercase, "http" when the input had none
	Host     string // canonical host: lowercase, punycode, dotted-quad for IPv4
	Path     string // canonical path, always starting with "/"
	Query    string // raw query after '?', without the '?'
	HasQuery bool   // the input had a '?', even with an empty query
	IP       bool   // Host is an IPv4 or IPv6 literal
}

// String returns the canonical URL, e.g. "http://www.example.com/a?b".
func (u URL) String() string {
	n := len(u.Scheme) + 3 + len(u.Host) + len(u.Path)
	if u.HasQuery {
		n += 1 + len(u.Query)
	}
	var b strings.Builder
	b.Grow(n)
	b.WriteString(u.Scheme)
	b.WriteString("://")
	b.WriteString(u.Host)
	b.WriteString(u.Path)
	if u.HasQuery {
		b.WriteByte('?')
		b.WriteString(u.Query)
	}
	return b.String()
}

// Error says which input could not be canonicalized and why. It wraps
// ErrInvalid.
type Error struct {
	Input  string // the input, shortened to 80 bytes
	Reason string
}

func (e *Error) Error() string { return fmt.Sprintf("invalid URL %q: %s", e.Input, e.Reason) }
func (e *Error) Unwrap() error { return ErrInvalid }

func invalid(input, reason string) error {
	if len(input) > 80 {
		input = input[:77] + "..."
	}
	return &Error{Input: input, Reason: reason}
}

// Parse canonicalizes raw the Safe Browsing way. Input without a scheme is
// read as http. Email addresses ("hr@example.com", "mailto:hr@example.com")
// parse as their domain, since that is what a list can name.
func Parse(raw string) (URL, error) {
	if len(raw) > MaxInputLen {
		return URL{}, invalid(raw, fmt.Sprintf("longer than %d bytes", MaxInputLen))
	}
	s := raw
	if i := strings.IndexByte(s, '#'); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimSpace(s)
	if strings.ContainsAny(s, "\t\r\n") {
		s = strings.NewReplacer("\t", "", "\r", "", "\n", "").Replace(s)
	}
	if len(s) > 7 && strings.EqualFold(s[:7], "mailto:") {
		s = s[7:]
		if i := strings.IndexByte(s, '?'); i >= 0 {
			s = s[:i]
		}
	}
	if s == "" {
		return URL{}, invalid(raw, "empty")
	}
	s, ok := unescapeAll(s)
	if !ok {
		return URL{}, invalid(raw, "percent-escapes nest too deep")
	}
	s = escape(s)

	var u URL
	scheme, rest := splitScheme(s)
	rest, u.Query, u.HasQuery = strings.Cut(rest, "?")
	var hostish string
	if scheme == "" {
		u.Scheme = "http"
		hostish, rest = splitHost(rest)
	} else {
		if !strings.HasPrefix(rest, "//") {
			return URL{}, invalid(raw, "no \"//\" after the scheme")
		}
		u.Scheme = asciiLower(scheme)
		hostish, rest = splitHost(rest[2:])
	}
	if hostish == "" {
		return URL{}, invalid(raw, "no host")
	}
	host, ip, err := canonicalHost(hostish)
	if err != nil {
		return URL{}, invalid(raw, err.Error())
	}
	u.Host, u.IP = host, ip
	u.Path = canonicalPath(rest)
	return u, nil
}

// splitScheme splits "scheme:rest". A colon followed by digits and then '/'
// or the end is a port ("example.com:80/"), not a scheme.
func splitScheme(s string) (scheme, rest string) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' || c == '+' || c == '-' || c == '.':
			if i == 0 {
				return "", s
			}
		case c == ':':
			if i == 0 || isPort(s[i+1:]) {
				return "", s
			}
			return s[:i], s[i+1:]
		default:
			return "", s
		}
	}
	return "", s
}

// isPort reports whether s starts with one or more digits followed by '/'
// or the end of s.
func isPort(s string) bool {
	n := 0
	for n < len(s) && '0' <= s[n] && s[n] <= '9' {
		n++
	}
	return n > 0 && (n == len(s) || s[n] == '/')
}

func splitHost(s string) (host, rest string) {
	if i := strings.IndexByte(s, '/'); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

// canonicalHost takes the escaped authority part of a URL and returns the
// canonical (escaped) host.
func canonicalHost(hostish string) (host string, ip bool, err error) {
	if i := strings.LastIndexByte(hostish, '@'); i >= 0 {
		hostish = hostish[i+1:]
	}
	if strings.HasPrefix(hostish, "[") {
		end := strings.LastIndexByte(hostish, ']')
		if end < 0 {
			return "", false, errors.New("missing ']' in IPv6 host")
		}
		if a, ok := parseIPv6(hostish[1:end]); ok {
			return "[" + a + "]", true, nil
		}
		return "", false, errors.New("malformed IPv6 address")
	}
	if i := strings.LastIndexByte(hostish, ':'); i >= 0 && allDigits(hostish[i+1:]) {
		hostish = hostish[:i]
	}
	if strings.IndexByte(hostish, ':') >= 0 {
		return "", false, errors.New("':' in host outside a port or IPv6 address")
	}
	h, _ := unescapeAll(hostish)
	if hasUnicode(h) {
		h, err = toASCII(h)
		if err != nil {
			return "", false, err
		}
	}
	h = collapseDots(h)
	if h == "" {
		return "", false, errors.New("no host")
	}
	if q, ok := parseIPv4(h); ok {
		return q, true, nil
	}
	return escape(asciiLower(h)), false, nil
}

// toASCII converts an internationalized host to punycode, mapping case and
// compatibility forms the way browsers do (UTS #46).
func toASCII(h string) (string, error) {
	if !utf8.ValidString(h) {
		return "", errors.New("host is not valid UTF-8")
	}
	a, err := idna.Lookup.ToASCII(h)
	if err == nil {
		return a, nil
	}
	// Lookup refuses some names browsers still resolve (e.g. symbols);
	// plain punycode keeps them comparable instead of failing the check,
	// as long as the result is an ordinary host name.
	if a, err2 := idna.Punycode.ToASCII(strings.ToLower(h)); err2 == nil && isHostChars(a) {
		return a, nil
	}
	return "", fmt.Errorf("internationalized host not convertible to punycode: %v", err)
}

func isHostChars(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// hasUnicode reports bytes above 0x80; for legacy reasons Safe Browsing does
// not count 0x80 itself.
func hasUnicode(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] > 0x80 {
			return true
		}
	}
	return false
}

// asciiLower lowercases ASCII letters only; strings.ToLower would replace
// bytes that are not UTF-8 (kept escaped, as Safe Browsing does) with U+FFFD.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// collapseDots removes leading and trailing dots and turns runs of dots into
// one.
func collapseDots(h string) string {
	h = strings.Trim(h, ".")
	if !strings.Contains(h, "..") {
		return h
	}
	b := make([]byte, 0, len(h))
	for i := 0; i < len(h); i++ {
		if h[i] == '.' && len(b) > 0 && b[len(b)-1] == '.' {
			continue
		}
		b = append(b, h[i])
	}
	return string(b)
}

// parseIPv4 accepts the notations inet_aton accepts: one to four parts, each
// decimal, octal (leading 0) or hex (0x), the last part filling the
// remaining bytes. It returns the dotted quad.
func parseIPv4(h string) (string, bool) {
	if h == "" || !(h[0] >= '0' && h[0] <= '9') {
		return "", false
	}
	var parts [4]uint64
	n := 0
	for len(h) > 0 {
		if n == 4 {
			return "", false
		}
		var part string
		part, h, _ = strings.Cut(h, ".")
		v, ok := parseIPPart(part)
		if !ok {
			return "", false
		}
		parts[n] = v
		n++
	}
	for i := 0; i < n-1; i++ {
		if parts[i] > 0xff {
			return "", false
		}
	}
	lastBytes := 5 - n
	if parts[n-1] >= 1<<(8*lastBytes) {
		return "", false
	}
	var addr uint32
	for i := 0; i < n-1; i++ {
		addr |= uint32(parts[i]) << (8 * (3 - i))
	}
	addr |= uint32(parts[n-1])
	b := make([]byte, 0, 15)
	for i := 3; i >= 0; i-- {
		b = strconv.AppendUint(b, uint64(addr>>(8*i)&0xff), 10)
		if i > 0 {
			b = append(b, '.')
		}
	}
	return string(b), true
}

func parseIPPart(s string) (uint64, bool) {
	base := 10
	switch {
	case len(s) > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'):
		base, s = 16, s[2:]
	case len(s) > 1 && s[0] == '0':
		base, s = 8, s[1:]
	}
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if !isHex(s[i]) || base != 16 && s[i] > '9' {
			return 0, false
		}
	}
	v, err := strconv.ParseUint(s, base, 32)
	return v, err == nil
}

func parseIPv6(s string) (string, bool) {
	if s == "" || len(s) > 64 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(isHex(c) || c == ':' || c == '.') {
			return "", false
		}
	}
	return asciiLower(s), strings.Contains(s, ":")
}

// canonicalPath resolves "." and ".." segments and runs of slashes, keeping
// a trailing slash the input had.
func canonicalPath(p string) string {
	if p == "" || p == "/" {
		return "/"
	}
	c := path.Clean(p)
	if c == "." {
		return "/"
	}
	if p[len(p)-1] == '/' && c[len(c)-1] != '/' {
		c += "/"
	}
	return c
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	default:
		return c - 'a' + 10
	}
}

// unescapeOnce decodes every valid %XX escape in s; it returns s itself when
// there is nothing to decode.
func unescapeOnce(s string) string {
	i := strings.IndexByte(s, '%')
	for i >= 0 && !(i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2])) {
		j := strings.IndexByte(s[i+1:], '%')
		if j < 0 {
			return s
		}
		i += 1 + j
	}
	if i < 0 {
		return s
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			b = append(b, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		b = append(b, s[i])
	}
	return string(b)
}

// unescapeAll unescapes until nothing changes. Each round shortens the
// string, so the loop ends; the bound only guards against pathological
// inputs costing quadratic time.
func unescapeAll(s string) (string, bool) {
	for range 1024 {
		t := unescapeOnce(s)
		if t == s {
			return s, true
		}
		s = t
	}
	return s, false
}

func needsEscape(c byte) bool {
	return c <= 0x20 || c >= 0x7f || c == '#' || c == '%'
}

// escape percent-escapes the bytes Safe Browsing requires, in uppercase hex.
func escape(s string) string {
	n := 0
	for i := 0; i < len(s); i++ {
		if needsEscape(s[i]) {
			n++
		}
	}
	if n == 0 {
		return s
	}
	const hex = "0123456789ABCDEF"
	b := make([]byte, 0, len(s)+2*n)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if needsEscape(c) {
			b = append(b, '%', hex[c>>4], hex[c&15])
		} else {
			b = append(b, c)
		}
	}
	return string(b)
}
