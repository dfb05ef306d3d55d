package snapshot

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestFoldIndexAgreesWithBinarySearch checks find against a binary search
// over sorted keys of every size class: none, one, repeated keys, keys at
// the extremes of the range, and many random ones.
func TestFoldIndexAgreesWithBinarySearch(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	sets := [][]uint64{
		nil,
		{42},
		{0, 0, 1, ^uint64(0), ^uint64(0)},
		{7, 7, 7, 1 << 63, 1<<63 + 1},
	}
	for _, n := range []int{2, 3, 17, 1000, 100_000} {
		ks := make([]uint64, n)
		for i := range ks {
			ks[i] = rng.Uint64()
			if i > 0 && rng.IntN(10) == 0 {
				ks[i] = ks[i-1] // a fold key two names share
			}
		}
		sets = append(sets, ks)
	}
	for _, keys := range sets {
		keys = slices.Clone(keys)
		slices.Sort(keys)
		ix := newFoldIndex(keys)
		probes := append(slices.Clone(keys), 0, 1, ^uint64(0), 1<<63)
		for range 1000 {
			probes = append(probes, rng.Uint64())
		}
		for _, k := range probes {
			wantLo, found := slices.BinarySearch(keys, k)
			wantHi := wantLo
			for found && wantHi < len(keys) && keys[wantHi] == k {
				wantHi++
			}
			lo, hi := ix.find(keys, k)
			if hi-lo != wantHi-wantLo || (found && lo != wantLo) {
				t.Fatalf("%d keys: find(%#x) = %d, %d; want %d, %d", len(keys), k, lo, hi, wantLo, wantHi)
			}
		}
	}
}
