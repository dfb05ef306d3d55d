// Package tokens finds the email addresses, URLs and bare domain names in
// text: the candidates a document scan asks the checker about. It finds
// exactly what the extension's content/tokens.js finds (its TOKEN pattern,
// matched left to right, trailing sentence punctuation removed); the tests
// hold the two together.
//
// Go's regexp has no look-behind or look-ahead, and the pattern needs both,
// so the matcher below is written out by hand, alternative by alternative,
// in the order the pattern tries them.
package tokens

import (
	"strings"
	"unicode/utf8"
)

// Each calls fn with each email, URL and domain (with its path, if any) in
// s, in order.
func Each(s string, fn func(token string)) {
	if len(s) < 4 || (strings.IndexByte(s, '.') < 0 && !strings.Contains(s, "://")) {
		return
	}
	emailFailsUntil := -1 // the end of a local-part run known not to start an email
	for i := 0; i < len(s); {
		end := -1
		if i >= emailFailsUntil {
			var runEnd int
			end, runEnd = email(s, i)
			if end < 0 {
				emailFailsUntil = runEnd
			}
		}
		if end < 0 {
			end = webURL(s, i)
		}
		if end < 0 {
			end = domain(s, i)
		}
		if end < 0 {
			i++
			continue
		}
		fn(strings.TrimRight(s[i:end], ".,;:!?"))
		i = end
	}
}

// All returns the tokens of s.
func All(s string) []string {
	var out []string
	Each(s, func(t string) { out = append(out, t) })
	return out
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
func isLetter(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
func isWord(c byte) bool      { return isAlnum(c) || c == '_' }
func isLabelChar(c byte) bool { return isAlnum(c) || c == '-' }
func isLocalChar(c byte) bool { return isAlnum(c) || strings.IndexByte("._%+-", c) >= 0 }
func isStopASCII(c byte) bool { return strings.IndexByte("<>\"'()[]{}", c) >= 0 }

// isJSSpace is JavaScript's \s.
func isJSSpace(r rune) bool {
	switch r {
	case '\t', '\n', '\v', '\f', '\r', ' ', 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff:
		return true
	}
	return r >= 0x2000 && r <= 0x200a
}

// runEnd is where a run of URL characters ([^\s<>"'()\[\]{}]) starting at
// i ends.
func runEnd(s string, i int) int {
	for i < len(s) {
		c := s[i]
		if c < utf8.RuneSelf {
			if c <= ' ' && isJSSpace(rune(c)) || isStopASCII(c) {
				return i
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if isJSSpace(r) {
			return i
		}
		i += n
	}
	return i
}

// letters is the length of the run of ASCII letters at i.
func letters(s string, i int) int {
	n := 0
	for i+n < len(s) && isLetter(s[i+n]) {
		n++
	}
	return n
}

// email matches [A-Za-z0-9._%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,24} at i
// and returns its end, or -1 and the end of the local-part run (the
// result is the same from anywhere inside that run).
func email(s string, i int) (end, run int) {
	j := i
	for j < len(s) && isLocalChar(s[j]) {
		j++
	}
	if j == i || j >= len(s) || s[j] != '@' {
		return -1, j
	}
	// The labels: each a non-empty run followed by a dot; the top-level
	// domain is the letters after the last label the pattern can use,
	// trying the most labels first.
	var afterDots []int
	p := j + 1
	for {
		q := p
		for q < len(s) && isLabelChar(s[q]) {
			q++
		}
		if q == p || q >= len(s) || s[q] != '.' {
			break
		}
		p = q + 1
		afterDots = append(afterDots, p)
	}
	for k := len(afterDots) - 1; k >= 0; k-- {
		if n := letters(s, afterDots[k]); n >= 2 {
			return afterDots[k] + min(n, 24), j
		}
	}
	return -1, j
}

// webURL matches \bhttps?:\/\/[^\s<>"'()\[\]{}]+ at i.
func webURL(s string, i int) int {
	if s[i] != 'h' || i > 0 && isWord(s[i-1]) {
		return -1
	}
	rest := s[i:]
	var n int
	switch {
	case strings.HasPrefix(rest, "http://"):
		n = 7
	case strings.HasPrefix(rest, "https://"):
		n = 8
	default:
		return -1
	}
	end := runEnd(s, i+n)
	if end == i+n {
		return -1
	}
	return end
}

// domain matches, at i,
//
//	(?<![\w@.\/-])(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?:\/[^\s<>"'()\[\]{}]*)?(?![\w@-])
//
// A label must be a whole dot-separated segment (only a dot may follow
// it); the top-level domain must be a whole run of letters (else a letter
// follows it); a path, when a slash follows, runs to its end (where the
// look-ahead always holds). So each count of labels, most first, has one
// candidate end.
func domain(s string, i int) int {
	if i > 0 {
		if c := s[i-1]; isWord(c) || strings.IndexByte("@./-", c) >= 0 {
			return -1
		}
	}
	var afterDots []int
	p := i
	for {
		q := p
		for q < len(s) && isLabelChar(s[q]) {
			q++
		}
		n := q - p
		if n == 0 || n > 63 || !isAlnum(s[p]) || !isAlnum(s[q-1]) || q >= len(s) || s[q] != '.' {
			break
		}
		p = q + 1
		afterDots = append(afterDots, p)
	}
	for k := len(afterDots) - 1; k >= 0; k-- {
		at := afterDots[k]
		n := letters(s, at)
		if n < 2 || n > 24 {
			continue
		}
		end := at + n
		if end < len(s) && s[end] == '/' {
			return runEnd(s, end+1)
		}
		if end < len(s) && (isWord(s[end]) || s[end] == '@' || s[end] == '-') {
			continue
		}
		return end
	}
	return -1
}
