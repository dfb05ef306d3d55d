package lookalike

import (
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

//go:generate sh -c "go run ./internal/gentable > confusables_table.go"

// skeleton is the UTS #39 skeleton of s exactly as confusables.Skeleton
// computes it (NFD, each character replaced by its prototype, NFD again),
// from the library's table written out as static sorted arrays
// (confusables_table.go): the library's own table is a map literal that
// every program start would build, 6,311 insertions, and its data and the
// map both end up in the checker module. TestSkeletonAsLibrary checks every
// character and FuzzSkeleton any string against the library.
func skeleton(s string) string {
	d := norm.NFD.String(s)
	var b strings.Builder
	b.Grow(len(d))
	for _, r := range d {
		if p, ok := prototype(r); ok {
			b.WriteString(p)
		} else {
			b.WriteRune(r) // invalid UTF-8 comes out as U+FFFD, as in the library
		}
	}
	return norm.NFD.String(b.String())
}

// prototype returns what the confusables table maps r to, if anything.
func prototype(r rune) (string, bool) {
	if r > utf8.MaxRune {
		return "", false
	}
	lo, hi := 0, len(confusableRunes)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if confusableRunes[m] < r {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == len(confusableRunes) || confusableRunes[lo] != r {
		return "", false
	}
	start := 0
	if lo > 0 {
		start = int(confusableEnds[lo-1])
	}
	return confusablePrototypes[start:confusableEnds[lo]], true
}
