// Package lookalike decides when a name that no list holds resembles one
// that a list does: the same name under another public suffix, one letter
// added, left out, changed or swapped, a hyphen added or removed, a common
// word such as "my-" or "-hub" added or removed, or a letter replaced by a
// Unicode look-alike. The publisher computes look-alike keys of listed
// names (Keys); a checker computes probes of the input (NewProbe), finds
// candidates in a snapshot's look-alike section (Probe.Search) and
// confirms each exactly (Relate). The scheme is specified in
// lists/FORMAT.md ("Look-alike keys").
package lookalike

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/net/idna"
)

// MaxFold bounds a fold in bytes: a DNS label has at most 63 bytes, and
// its skeleton can be longer ("m" becomes "rn"), so twice that and some.
const MaxFold = 160

// Split returns the name (the label left of the public suffix) and the
// public suffix of a registrable domain such as "cloudfox.cloud".
func Split(registrable string) (name, suffix string, ok bool) {
	i := 0 // a loop, not strings.IndexByte: names are short, and this runs on every check
	for i < len(registrable) && registrable[i] != '.' {
		i++
	}
	if i == 0 || i >= len(registrable)-1 {
		return "", "", false
	}
	return registrable[:i], registrable[i+1:], true
}

// asciiFold is the fold of each ASCII byte that can appear in a host
// label, computed from the confusables table itself so that the fast path
// and Fold's general path agree (TestASCIIFoldMatchesSkeleton).
var asciiFold = func() (t [128]string) {
	for c := 0; c < 128; c++ {
		t[c] = foldSlow(string(rune(c)))
	}
	return t
}()

// Fold returns the comparison form of a name: punycode decoded, lowercase,
// the UTS #39 confusable skeleton, lowercase again, hyphens removed, and
// "rn" written "m". The skeleton turns "m" into "rn"; turning it back
// keeps one letter one character, so that a changed "m" is one edit.
func Fold(name string) string { return string(AppendFold(nil, name)) }

// asciiFoldByte is asciiFold of each ASCII byte, upper case included, as
// one byte where that is the same after joinRN: the byte itself, or "m"
// for "m" (whose skeleton "rn" joinRN makes "m" again: an "rn" never loses
// its "r" to a letter before it). 0 where asciiFold must be used ("-",
// which folds to nothing) and for bytes from 128 up.
var asciiFoldByte = func() (t [256]byte) {
	for c := range 128 {
		f := asciiFold[c]
		if 'A' <= c && c <= 'Z' {
			f = asciiFold[c+'a'-'A']
		}
		switch {
		case len(f) == 1:
			t[c] = f[0]
		case f == "rn":
			t[c] = 'm'
		}
	}
	return t
}()

// AppendFold appends the fold of name to dst. Plain ASCII names, nearly
// all of them, take one pass of a table per byte, joining each "rn" as it
// is written; others go through the confusables table.
func AppendFold(dst []byte, name string) []byte {
	start := len(dst)
	if !isASCII(name) || strings.HasPrefix(name, "xn--") || strings.HasPrefix(name, "XN--") {
		return joinRN(append(dst, foldSlow(name)...), start)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if b := asciiFoldByte[c]; b != 0 {
			dst = appendJoiningRN(dst, start, b)
			continue
		}
		// A byte whose fold is not one byte: "-" folds to nothing, a
		// few others to several.
		for _, b := range []byte(asciiFold[c]) {
			dst = appendJoiningRN(dst, start, b)
		}
	}
	return dst
}

// appendJoiningRN appends b to the fold dst[start:], joining the "rn" it
// completes into "m": joinRN as the fold is written (an "r" already
// written is never part of an earlier "rn").
func appendJoiningRN(dst []byte, start int, b byte) []byte {
	if b == 'n' && len(dst) > start && dst[len(dst)-1] == 'r' {
		dst[len(dst)-1] = 'm'
		return dst
	}
	return append(dst, b)
}

// joinRN rewrites each "rn" in dst[start:] as "m", in place.
func joinRN(dst []byte, start int) []byte {
	w := start
	for r := start; r < len(dst); r++ {
		if dst[r] == 'r' && r+1 < len(dst) && dst[r+1] == 'n' {
			dst[w] = 'm'
			r++
		} else {
			dst[w] = dst[r]
		}
		w++
	}
	return dst[:w]
}

// foldSlow is the fold without the final "rn" rewrite.
func foldSlow(name string) string {
	if u, err := idna.Punycode.ToUnicode(strings.ToLower(name)); err == nil {
		name = u
	}
	s := strings.ToLower(skeleton(strings.ToLower(name)))
	return strings.ReplaceAll(s, "-", "")
}

// unicodeName returns name with punycode decoded and lowercased, as people
// read it (for describing a difference).
func unicodeName(name string) string {
	if u, err := idna.Punycode.ToUnicode(strings.ToLower(name)); err == nil {
		return u
	}
	return strings.ToLower(name)
}

func isASCII[T string | []byte](s T) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// runeLen counts characters, which length rules are about.
func runeLen(b []byte) int { return utf8.RuneCount(b) }
