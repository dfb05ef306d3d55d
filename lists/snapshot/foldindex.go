package snapshot

// foldIndex finds a fold key among a section's sorted fold keys without a
// binary search. Fold keys are hashes, spread evenly, so their top bits
// split them into buckets of a few keys each: starts[b] is the first key
// whose top bits are b. A look-up reads one bucket's bounds and scans that
// bucket, two cache misses where a binary search of a 1M-target list took
// a dozen; a look-alike search makes a few look-ups per URL, and a few
// hundred when the filter says a deletion may be listed. Built in memory
// when a section is loaded (not part of the file), at most one uint32 per
// two keys.
type foldIndex struct {
	starts []uint32
	shift  uint
}

// keysPerBucket is the average bucket size the index aims at.
const keysPerBucket = 2

func newFoldIndex(keys []uint64) foldIndex {
	logBuckets := uint(0)
	for logBuckets < 32 && keysPerBucket<<logBuckets < len(keys) {
		logBuckets++
	}
	ix := foldIndex{starts: make([]uint32, 1<<logBuckets+1), shift: 64 - logBuckets}
	b := 0
	for i, k := range keys {
		for top := int(ix.bucket(k)); b <= top; b++ {
			ix.starts[b] = uint32(i)
		}
	}
	for ; b < len(ix.starts); b++ {
		ix.starts[b] = uint32(len(keys))
	}
	return ix
}

func (ix foldIndex) bucket(key uint64) uint64 { return key >> ix.shift } // 0 when shift is 64

// find returns the keys equal to key: keys[lo:hi], empty when there are
// none. keys must be the slice the index was built from.
func (ix foldIndex) find(keys []uint64, key uint64) (lo, hi int) {
	b := ix.bucket(key)
	lo, end := int(ix.starts[b]), int(ix.starts[b+1])
	for lo < end && keys[lo] < key {
		lo++
	}
	for hi = lo; hi < end && keys[hi] == key; hi++ {
	}
	return lo, hi
}
