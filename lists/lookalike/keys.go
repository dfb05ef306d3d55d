package lookalike

import (
	_ "embed"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/redflag/redflag/lists/canon"
	"github.com/redflag/redflag/lists/platforms"
)

// Length rules (FORMAT.md, "Too short or generic to compare"), in
// characters of the fold. Measured against real registered names
// (lookalike_test.go's corpus test, README of this package's figures):
// shorter names have too many legitimate neighbours.
const (
	MinFold = 5 // any look-alike: same fold under another suffix, hyphens, confusables
	MinEdit = 7 // one letter added, left out, changed or swapped
	MinCore = 5 // an affix word added, removed or swapped
)

// Keys are what a publisher puts in a snapshot for one listed registrable
// domain.
type Keys struct {
	Fold   string   // FoldKey(Fold) is stored with the target
	Filter []uint64 // keys set in the filter: the fold and its deletions, the core
}

// KeysOf returns the look-alike keys of a listed registrable domain, or
// false when its name is too short or generic to compare.
func KeysOf(registrable string) (Keys, bool) {
	name, _, ok := Split(registrable)
	if !ok {
		return Keys{}, false
	}
	fold := AppendFold(nil, name)
	if len(fold) > MaxFold || !foldEligible(fold) {
		return Keys{}, false
	}
	k := Keys{Fold: string(fold)}
	if runeLen(fold) >= MinEdit {
		// The fold itself too: a checker finds "one letter added" by
		// testing its name's deletions against the filter alone.
		k.Filter = append(k.Filter, deletionKey(fold))
		eachDeletion(fold, make([]byte, len(fold)), func(d []byte) bool {
			// Deleting either letter of a double gives the same string:
			// each key once (a name has a few dozen at most).
			if h := deletionKey(d); !slices.Contains(k.Filter, h) {
				k.Filter = append(k.Filter, h)
			}
			return true
		})
	}
	if core, _, _ := Core(fold); len(core) < len(fold) && coreEligible(core) {
		k.Filter = append(k.Filter, coreKey(core))
	}
	return k, true
}

func foldEligible(fold []byte) bool {
	return runeLen(fold) >= MinFold && !WellKnownFold(string(fold))
}

func coreEligible(core []byte) bool {
	return runeLen(core) >= MinCore && !WellKnownFold(string(core))
}

// eachDeletion calls fn with each string made by deleting one character
// of fold (into buf, which must hold len(fold) bytes), until fn returns
// false.
func eachDeletion(fold, buf []byte, fn func([]byte) bool) {
	for i := 0; i < len(fold); {
		_, size := utf8.DecodeRune(fold[i:])
		n := copy(buf, fold[:i])
		n += copy(buf[n:], fold[i+size:])
		if !fn(buf[:n]) {
			return
		}
		i += size
	}
}

//go:embed popular-sites.txt
var popularSites string

// wellKnownFolds are the folds of popular sites' and platforms' names, and
// their fold keys' top bits as a bit set: a probe has the key of its input's
// fold already and skips the map for nearly every name that is not one.
type wellKnownFolds struct {
	names map[string]bool
	bits  [1 << wellKnownLogBits / 64]uint64
}

const wellKnownLogBits = 12 // a bit set a few times larger than the names

func wellKnownBit(key uint64) uint64 { return key >> (64 - wellKnownLogBits) }

var wellKnown = sync.OnceValue(func() *wellKnownFolds {
	w := &wellKnownFolds{names: make(map[string]bool)}
	add := func(host string) {
		if r := canon.Registrable(host); r != "" {
			if name, _, ok := Split(r); ok {
				fold := AppendFold(nil, name)
				w.names[string(fold)] = true
				bit := wellKnownBit(FoldKey(fold))
				w.bits[bit/64] |= 1 << (bit % 64)
			}
		}
	}
	for _, line := range strings.Split(popularSites, "\n") {
		if line = strings.TrimSpace(line); line != "" && line[0] != '#' {
			add(line)
		}
	}
	for _, p := range platforms.All() {
		add(p.Domain)
	}
	return w
})

// wellKnownKey is WellKnownFold for a fold whose FoldKey is key.
func wellKnownKey(key uint64, fold []byte) bool {
	w := wellKnown()
	bit := wellKnownBit(key)
	return w.bits[bit/64]&(1<<(bit%64)) != 0 && w.names[string(fold)]
}

// WellKnownFold reports whether fold is the fold of a popular site's or a
// shared platform's name: such names are never cautioned, and listed names
// that fold like them get no look-alike keys.
func WellKnownFold(fold string) bool { return wellKnown().names[fold] }
