package lookalike

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/mtibben/confusables"
)

func TestSkeletonAsLibrary(t *testing.T) {
	for r := rune(0); r <= utf8.MaxRune+1; r++ {
		s := string(r) // surrogates and beyond become U+FFFD, as any invalid input
		if got, want := skeleton(s), confusables.Skeleton(s); got != want {
			t.Fatalf("U+%04X: skeleton %q, library %q", r, got, want)
		}
	}
	for _, s := range skeletonSeeds {
		if got, want := skeleton(s), confusables.Skeleton(s); got != want {
			t.Errorf("%q: skeleton %q, library %q", s, got, want)
		}
	}
}

// Strings where normalization and mapping interact: decomposed and
// precomposed letters, marks out of canonical order, more than 30
// combining marks in a row (normalization then inserts U+034F), Hangul,
// invalid UTF-8, names as they come.
var skeletonSeeds = []string{
	"", "paypal", "pаypаl", "ѕilverstarchina", "rnicrosoft", "é", "e\u0301", "a\u0323\u0301", "a\u0301\u0323",
	"\u1e0b\u0323", "q\u0307\u0323", strings.Repeat("\u0301", 31) + "a", "a" + strings.Repeat("\u0323\u0301", 20),
	"한국", "\u1100\u1161\u11a8", "\xff\xfe", "a\xc3", "ﬁ", "Ⅻ", "①②", "𝐩𝐚𝐲𝐩𝐚𝐥", "xn--80ak6aa92e", "例え", "ǆ", "ﷺ",
}

func FuzzSkeleton(f *testing.F) {
	for _, s := range skeletonSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := skeleton(s), confusables.Skeleton(s); got != want {
			t.Errorf("%q: skeleton %q, library %q", s, got, want)
		}
	})
}
