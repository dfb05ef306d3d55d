package lookalike

// Filter is a split-block Bloom filter (the layout Parquet uses): each
// fingerprint selects one 32-byte block and sets one bit in each of its
// eight words, so a probe reads one cache line however large the list.
// Look-alike probes are many per URL (one per deletion of the name), so
// that matters more here than for the exact keys. FORMAT.md, section 1.
type Filter struct {
	Words     []uint32 // 8 per block
	LogBlocks uint8
}

// MaxLogBlocks bounds a filter at 2^22 blocks (128 MiB).
const MaxLogBlocks = 22

var salts = [8]uint32{0x47b6137b, 0x44974d91, 0x8824ad5b, 0xa2b7289d, 0x705495c7, 0x2df1424b, 0x9efc4947, 0x5c6bfb31}

// LogBlocksFor returns the filter size for n keys: the fewest blocks, a
// power of two, that give at least 16 bits per key. A power of two keeps
// the size unchanged while a list grows by less than double, so deltas can
// carry changed words instead of a new filter.
func LogBlocksFor(n int) uint8 {
	var b uint8
	for b < MaxLogBlocks && 256<<b < 16*n {
		b++
	}
	return b
}

// NewFilter returns an empty filter sized for n keys.
func NewFilter(n int) Filter {
	b := LogBlocksFor(n)
	return Filter{Words: make([]uint32, 8<<b), LogBlocks: b}
}

func (f Filter) block(h uint64) []uint32 {
	i := uint64(0)
	if f.LogBlocks > 0 {
		i = h >> (64 - f.LogBlocks)
	}
	return f.Words[8*i : 8*i+8 : 8*i+8]
}

// Add sets the bits of fingerprint h.
func (f Filter) Add(h uint64) {
	b, x := f.block(h), uint32(h)
	for i, s := range salts {
		b[i] |= 1 << ((x * s) >> 27)
	}
}

// MayContainEach sets maybe[i] to MayContain(keys[i]) for each key. A
// search tests a name's keys together, a dozen or so, each in its own
// cache line of a large filter: tested one at a time with an early exit,
// every key's read waits for the branch on the one before; tested without
// a branch, the reads of all the keys are in flight at once.
func (f Filter) MayContainEach(keys []uint64, maybe []bool) {
	f.testFirst(keys, maybe)
	f.testRest(keys, maybe)
}

// testFirst reads every key's block and tests its first word (a load
// each, nothing waiting on it until all are issued: the more keys in
// flight, the more of their cache misses overlap); testRest then tests
// the other words, from cache. A search calls both filters' testFirst
// before either's testRest, so that the reads of the two overlap too.
func (f Filter) testFirst(keys []uint64, maybe []bool) {
	maybe = maybe[:len(keys)]
	if len(f.Words) == 0 {
		clear(maybe)
		return
	}
	shift := 64 - uint(f.LogBlocks) // 64 when one block: every key in block 0
	for k, h := range keys {
		x := uint32(h)
		maybe[k] = f.Words[8*(h>>shift)]>>((x*salts[0])>>27)&1 != 0
	}
}

// testRest tests three more words of every key without a branch on the
// first word's answer, and only then branches: a key passes one word of
// a full block about one time in three, a branch taken that often at
// random is mispredicted often enough to cost more than the three words,
// and after four words few keys pass.
func (f Filter) testRest(keys []uint64, maybe []bool) {
	if len(f.Words) == 0 {
		return
	}
	maybe = maybe[:len(keys)]
	shift := 64 - uint(f.LogBlocks)
	for k, h := range keys {
		i := h >> shift
		b := f.Words[8*i : 8*i+8 : 8*i+8]
		x := uint32(h)
		missing := ^b[1]>>((x*salts[1])>>27) |
			^b[2]>>((x*salts[2])>>27) |
			^b[3]>>((x*salts[3])>>27)
		if !maybe[k] {
			missing = 1
		}
		if missing&1 == 0 {
			missing = ^b[4]>>((x*salts[4])>>27) |
				^b[5]>>((x*salts[5])>>27) |
				^b[6]>>((x*salts[6])>>27) |
				^b[7]>>((x*salts[7])>>27)
		}
		maybe[k] = missing&1 == 0
	}
}

// MayContain reports whether h may have been added; false is certain.
func (f Filter) MayContain(h uint64) bool {
	if len(f.Words) == 0 {
		return false
	}
	b, x := f.block(h), uint32(h)
	for i, s := range salts {
		if b[i]&(1<<((x*s)>>27)) == 0 {
			return false
		}
	}
	return true
}
