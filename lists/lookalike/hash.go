package lookalike

// Look-alike keys are not xxHash64 like the exact keys: a checker hashes
// every one-character deletion of every name it checks, and with this
// polynomial hash each costs a multiply and an add from the hashes of the
// name's prefix and suffix, not a pass over the string
// (lists/FORMAT.md, "Look-alike keys"). A collision costs only a
// confirmation: every candidate is checked exactly.
const (
	hashBase  = 0x9e3779b97f4a7c15 // odd
	lenMix    = 0xc2b2ae3d27d4eb4f
	deleteMix = 0x165667b19e3779f9
	coreMix   = 0xd6e8feb86659fd93
)

// pow[k] is hashBase^k mod 2^64.
var pow = func() (t [MaxFold + 2]uint64) {
	t[0] = 1
	for i := 1; i < len(t); i++ {
		t[i] = t[i-1] * hashBase
	}
	return t
}()

// poly is the polynomial part: the sum of (s[i]+1)·hashBase^(n−1−i).
func poly(s []byte) uint64 {
	var h uint64
	for _, c := range s {
		h = h*hashBase + uint64(c) + 1
	}
	return h
}

// fmix is MurmurHash3's 64-bit finalizer: it spreads the polynomial's bits
// over the whole word, which the filter and the prefilter read from the
// top.
func fmix(h uint64) uint64 {
	h ^= h >> 33
	h *= 0xff51afd7ed558ccd
	h ^= h >> 33
	h *= 0xc4ceb9fe1a85ec53
	h ^= h >> 33
	return h
}

func base(p uint64, n int) uint64 { return p + uint64(n)*lenMix }

// FoldKey is the fold key of a fold (or a candidate one).
func FoldKey(fold []byte) uint64 { return fmix(base(poly(fold), len(fold))) }

func deletionKey(s []byte) uint64 { return fmix(base(poly(s), len(s)) ^ deleteMix) }

func coreKey(s []byte) uint64 { return fmix(base(poly(s), len(s)) ^ coreMix) }
