package lookalike

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"
)

// alwaysMaybe is an Index over listed registrable domains whose filter
// answers maybe to everything, so that a search tries every insertion
// into every deletion of the input.
type alwaysMaybe struct {
	keys  []uint64 // fold keys, ascending
	names []string // names[i] has fold key keys[i]
}

func newAlwaysMaybe(listed []string) *alwaysMaybe {
	ix := &alwaysMaybe{}
	type target struct {
		key  uint64
		name string
	}
	var ts []target
	for _, r := range listed {
		if k, ok := KeysOf(r); ok {
			ts = append(ts, target{FoldKey([]byte(k.Fold)), r})
		}
	}
	slices.SortFunc(ts, func(a, b target) int { return cmp.Compare(a.key, b.key) })
	for _, t := range ts {
		ix.keys, ix.names = append(ix.keys, t.key), append(ix.names, t.name)
	}
	return ix
}

func (ix *alwaysMaybe) Range(key uint64) (lo, hi int) {
	lo, _ = slices.BinarySearch(ix.keys, key)
	for hi = lo; hi < len(ix.keys) && ix.keys[hi] == key; hi++ {
	}
	return lo, hi
}

func (ix *alwaysMaybe) FoldFilter() Filter { return ix.LookAlikeFilter() }

// LookAlikeFilter has every bit set: it may contain any key.
func (ix *alwaysMaybe) LookAlikeFilter() Filter {
	f := NewFilter(0)
	for i := range f.Words {
		f.Words[i] = ^uint32(0)
	}
	return f
}

// search returns the first listed name a search for input confirms, as a
// snapshot's confirmation does: the name has the candidate fold and
// Relate holds.
func (ix *alwaysMaybe) search(input string) string {
	var p Probe
	if !p.Reset(input) {
		return ""
	}
	found := ""
	p.Search(ix, func(t int, fold string) bool {
		name, _, _ := Split(ix.names[t])
		if Fold(name) != fold {
			return false
		}
		if _, ok := Relate(input, ix.names[t]); ok {
			found = ix.names[t]
			return true
		}
		return false
	})
	return found
}

// TestPrunedSearchFindsTheSame checks that skipping candidates Relate
// must reject (Search, tryInsertions) changes no answer: with every filter
// test a maybe, inputs near listed names — their typo variants, letters
// moved, names made of repeated letters, short names, names with affix
// words — find the same listed name with pruning as without.
func TestPrunedSearchFindsTheSame(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 13))
	const letters = "abcdefghijklmnopqrstuvwxyz0123456789"
	random := func(n int, alphabet string) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		return string(b)
	}
	listed := []string{
		"bookkeeper.com", "mississippi.net", "aaaaaaab.com", "abababab.org", "baaaaaaa.io",
		"cloudfoxhub.com", "mycloudfox.net", "silverstarchina.com", "jinyang.asia", "foxysunstudio.com",
		"aabbccdd.com", "zzzzzzzzz.net", "abcabcabc.com", "foxyhub.com", "foxyhubs.net", "mybakery.com", "tealab.net", "gobakes.io",
	}
	for range 60 {
		listed = append(listed, random(5+rng.IntN(9), letters[:26])+".com")
		listed = append(listed, random(7+rng.IntN(4), "abo")+".net") // repeats
	}
	ix := newAlwaysMaybe(listed)
	var inputs []string
	for _, r := range listed {
		vs := Variants(r)
		for range 25 { // a sample of its typo variants
			inputs = append(inputs, vs[rng.IntN(len(vs))].Domain)
		}
		name, suffix, _ := Split(r)
		for range 4 { // a letter moved, changed or inserted somewhere else
			b := []byte(name)
			i := rng.IntN(len(b))
			c := letters[rng.IntN(len(letters))]
			b = append(b[:i], b[i+1:]...)
			j := rng.IntN(len(b) + 1)
			b = append(b[:j], append([]byte{c}, b[j:]...)...)
			inputs = append(inputs, string(b)+"."+suffix)
			m := []byte(name)
			m[rng.IntN(len(m))] = name[rng.IntN(len(name))] // a letter repeated elsewhere
			inputs = append(inputs, string(m)+"."+suffix)
		}
	}
	defer func(on bool) { pruning = on }(pruning)
	found := 0
	for _, in := range inputs {
		pruning = false
		want := ix.search(in)
		pruning = true
		if got := ix.search(in); got != want {
			t.Errorf("%s: pruned search finds %q, full search %q", in, got, want)
		}
		if want != "" {
			found++
		}
	}
	if found < len(inputs)/4 {
		t.Fatalf("only %d of %d inputs resemble a listed name: the test tests little", found, len(inputs))
	}
	t.Logf("%d inputs, %d resembling a listed name", len(inputs), found)
}
