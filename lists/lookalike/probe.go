package lookalike

import "unicode/utf8"

// Index is what a search reads: a snapshot's look-alike section.
type Index interface {
	// Range returns the targets whose fold key is key: lo to hi-1.
	Range(key uint64) (lo, hi int)
	// FoldFilter returns a filter of the targets' fold keys (false is
	// certain): Range's first test, which a search makes for its own few
	// fold keys together, before it needs any answer.
	FoldFilter() Filter
	// LookAlikeFilter returns the section's filter. (Filters, not methods
	// that test keys: a search hands them keys on its stack, which an
	// interface method would move to the heap.)
	LookAlikeFilter() Filter
}

// Probe is what a checker computes of one input's registrable domain to
// search for listed names it resembles. It runs on every checked name that
// is not listed, so it allocates nothing and hashes the name's deletions
// from its prefix's hash and its own (hash.go); a caller keeps one on its
// stack, or one for many checks in turn (Reset), and one probe serves
// every list a checker holds.
type Probe struct {
	Registrable string
	// The fold is foldBuf[:n]; the fold without its leading, trailing or
	// both affix words are the spans strips[:nstrips]. (Offsets, not
	// slices: a probe holding pointers into itself would have to live on
	// the heap.)
	n       int
	strips  [3][2]int
	nstrips int
	runes   int  // characters in the fold
	ascii   bool // the fold is ASCII: a character is a byte
	foldBuf [MaxFold]byte
	poly    uint64            // poly(fold): with a prefix's, it gives the suffix's (suffixPoly)
	key     uint64            // the fold's FoldKey
	del     [MaxFold]byte     // a deletion of the fold, written out on a hit
	cand    [2 * MaxFold]byte // a candidate listed fold
	tests   filterTests
}

// Reset prepares the search for registrable ("cloudfox.io") and reports
// whether its name can resemble an eligible listed name at all (false when
// it is too short, there is no name, or it is a well-known name, which
// Relate never cautions: github.com, a shared platform, costs no search).
func (p *Probe) Reset(registrable string) bool {
	name, _, ok := Split(registrable)
	if !ok || len(name) < MinFold-1 {
		return false
	}
	p.Registrable = registrable
	fold := AppendFold(p.foldBuf[:0], name)
	p.ascii = isASCII(fold)
	p.runes = len(fold)
	if !p.ascii {
		p.runes = utf8.RuneCount(fold)
	}
	if len(fold) > MaxFold || p.runes < MinFold-1 {
		return false
	}
	p.poly = poly(fold)
	p.key = fmix(base(p.poly, len(fold)))
	if wellKnownKey(p.key, fold) {
		return false
	}
	p.n = len(fold)
	p.strips, p.nstrips = stripSpans(fold)
	return true
}

// Search calls confirm with each candidate target and the fold it would
// have, until confirm returns true (a confirmed match) or the candidates
// run out. Candidates come in order of closeness (How.Rank): same fold;
// one letter added; one left out, changed or swapped; an affix added;
// an affix removed or swapped.
func (p *Probe) Search(ix Index, confirm func(target int, fold string) bool) bool {
	fold := p.foldBuf[:p.n]
	n := len(fold)
	whole := base(p.poly, n)
	// One letter fewer, changed or swapped: the input or one of its
	// deletions is a deletion of the listed fold, and one insertion into it
	// gives the listed fold. One letter more: a deletion of the input is
	// the listed fold. The filter holds listed folds and their deletions,
	// so one probe a deletion says whether either may be; each deletion's
	// hash comes from the prefix before it and the suffix after it.
	//
	// Relate accepts an edit only of a listed fold of MinEdit characters
	// or more, and an affix relation between folds this close only when
	// the input has an affix word. A shorter input without one skips the
	// probes whose candidates it would reject: the fold's own (listed
	// folds one longer), the deletions' (as long or one shorter).
	//
	// Every filter key is tested before any candidate is looked up, all
	// together (Filter.MayContainEach): on a large list each is a cache
	// miss, and together they overlap.
	t := &p.tests // (in the probe: a caller that keeps its probe need not clear these)
	t.n = 0
	tryAll := !pruning || p.nstrips > 0
	insertions := -1
	if tryAll || p.runes+1 >= MinEdit {
		insertions = t.add(fmix(whole ^ deleteMix))
	}
	deletions := t.n
	if tryAll || p.runes >= MinEdit {
		var prefix uint64
		for i := 0; i < n; {
			size := runeSize(fold, i)
			after := p.prefixAfter(prefix, i, size)
			t.add(fmix(p.deletionHash(prefix, after, i, size) ^ deleteMix))
			prefix = after
			i += size
		}
	}
	deletionsEnd := t.n
	affixed := t.add(fmix(whole ^ coreMix))
	core := -1
	if k := p.nstrips; k > 0 {
		core = t.add(coreKey(fold[p.strips[k-1][0]:p.strips[k-1][1]])) // the last strip is the core
	}
	// The fold's own key and those of the fold without its affix words
	// (last), tested against the fold keys' filter the same way.
	var foldKeys [1 + len(p.strips)]uint64
	var held [1 + len(p.strips)]bool
	foldKeys[0] = p.key
	for j, span := range p.strips[:p.nstrips] {
		foldKeys[1+j] = FoldKey(fold[span[0]:span[1]])
	}
	folds, filter := ix.FoldFilter(), ix.LookAlikeFilter()
	folds.testFirst(foldKeys[:1+p.nstrips], held[:1+p.nstrips])
	filter.testFirst(t.keys[:t.n], t.maybe[:t.n])
	folds.testRest(foldKeys[:1+p.nstrips], held[:1+p.nstrips])
	filter.testRest(t.keys[:t.n], t.maybe[:t.n])
	if held[0] && p.tryKey(ix, foldKeys[0], fold, confirm) {
		return true
	}
	if insertions >= 0 && t.maybe[insertions] && p.tryInsertions(ix, fold, -1, confirm) {
		return true
	}
	// The deletions again, in the same order, for those the filter may
	// hold (few): each one's hash from its prefix and suffix.
	var prefix uint64
	for i, k := 0, deletions; k < deletionsEnd; k++ {
		size := runeSize(fold, i)
		after := p.prefixAfter(prefix, i, size)
		if t.maybe[k] {
			s := p.deletion(i)
			if lo, hi := ix.Range(fmix(p.deletionHash(prefix, after, i, size))); lo < hi && p.confirmRange(lo, hi, s, confirm) {
				return true
			}
			if p.tryInsertions(ix, s, i, confirm) {
				return true
			}
		}
		prefix = after
		i += size
	}
	// An affix word added: the input without it is a listed fold.
	for j, span := range p.strips[:p.nstrips] {
		if held[1+j] && p.tryKey(ix, foldKeys[1+j], fold[span[0]:span[1]], confirm) {
			return true
		}
	}
	// An affix removed or swapped: the input or its core is a listed core.
	if t.maybe[affixed] && p.tryAffixed(ix, fold, confirm) {
		return true
	}
	if core >= 0 && t.maybe[core] {
		span := p.strips[p.nstrips-1]
		if p.tryAffixed(ix, fold[span[0]:span[1]], confirm) {
			return true
		}
	}
	return false
}

// filterTests are the filter keys of one search and their answers: the
// fold's (one letter more), each deletion's, the fold's and the core's
// as cores. (Kept small: a probe on a caller's stack is cleared on every check.)
type filterTests struct {
	keys  [MaxFold + 3]uint64
	maybe [MaxFold + 3]bool
	n     int
}

// add appends key and returns its index.
func (t *filterTests) add(key uint64) int {
	t.keys[t.n] = key
	t.n++
	return t.n - 1
}

// deletionHash is the hash, before mixing, of the fold without its
// character at byte i (size bytes): prefix is poly(fold[:i]), after
// poly(fold[:i+size]).
func (p *Probe) deletionHash(prefix, after uint64, i, size int) uint64 {
	rest := p.n - i - size
	return base(prefix*pow[rest]+suffixPoly(p.poly, after, rest), p.n-size)
}

// suffixPoly is poly(s[i:]) from whole = poly(s) and prefix = poly(s[:i]),
// rest being len(s) - i: the polynomial of s is its prefix's shifted past
// the suffix plus the suffix's. (No table of suffix hashes: a probe is
// zeroed on every check, and such a table would be most of it.)
func suffixPoly(whole, prefix uint64, rest int) uint64 {
	return whole - prefix*pow[rest]
}

// prefixAfter extends poly(fold[:i]) by the character at i.
func (p *Probe) prefixAfter(prefix uint64, i, size int) uint64 {
	for j := i; j < i+size; j++ {
		prefix = prefix*hashBase + uint64(p.foldBuf[j]) + 1
	}
	return prefix
}

func runeSize(b []byte, i int) int {
	if b[i] < utf8.RuneSelf {
		return 1
	}
	_, size := utf8.DecodeRune(b[i:])
	return size
}

// deletion returns the fold without the character at byte i.
func (p *Probe) deletion(i int) []byte {
	fold := p.foldBuf[:p.n]
	n := copy(p.del[:], fold[:i])
	n += copy(p.del[n:], fold[i+runeSize(fold, i):])
	return p.del[:n]
}

func (p *Probe) tryKey(ix Index, key uint64, fold []byte, confirm func(int, string) bool) bool {
	lo, hi := ix.Range(key)
	return lo < hi && p.confirmRange(lo, hi, fold, confirm)
}

// confirmRange hands confirm a copy of the candidate: a hit is rare, and
// nothing of the probe's own memory may reach a function it does not know
// (the probe would have to live on the heap).
func (p *Probe) confirmRange(lo, hi int, fold []byte, confirm func(int, string) bool) bool {
	f := string(fold)
	for t := lo; t < hi; t++ {
		if confirm(t, f) {
			return true
		}
	}
	return false
}

// tryInsertions tries each string made by inserting one insertable
// character into s as a fold key (the filter said s may be a deletion of a
// listed fold). s is the fold itself (at < 0) or the fold without its
// character at byte at.
//
// Into a deletion, an insertion makes a string as long as the fold, which
// Relate accepts only as one letter changed or two swapped (or, when the
// fold has an affix word, the same core under other affix words). So when
// the fold is ASCII and has no affix word, candidates that differ from it
// in more places are skipped before their look-up: an insertion far from
// the deletion shifts every character between the two, and unless they
// repeat ("bookkeeper") that is several differences. A search that says
// maybe for a deletion tries a few dozen fold keys instead of some 350,
// each a cache miss on a large list; what it can confirm is unchanged
// (TestPrunedSearchFindsTheSame).
func (p *Probe) tryInsertions(ix Index, s []byte, at int, confirm func(int, string) bool) bool {
	n := len(s)
	if n+1 > len(p.cand) {
		return false
	}
	prune := pruning && at >= 0 && p.ascii && p.nstrips == 0
	fold := p.foldBuf[:p.n]
	whole := poly(s)
	c := candidates{kind: inserted}
	var head uint64 // poly(s[:i])
	for i := 0; i <= n; {
		// shifted: the differences from the fold that inserting at i
		// makes besides the inserted character's own (at most 3 counted).
		shifted := 0
		if prune {
			shifted = shiftedDiffs(fold, min(i, at), max(i, at))
		}
		for j := 0; j < len(insertable) && shifted <= 2; j++ {
			ch := insertable[j]
			if prune && !p.oneEditAway(fold, s, i, ch, shifted) {
				continue
			}
			h := base(((head*hashBase+uint64(ch)+1)*pow[n-i])+suffixPoly(whole, head, n-i), n+1)
			if c.add(fmix(h), uint16(i<<6|j)) && p.lookUp(ix, &c, s, confirm) {
				return true
			}
		}
		if i == n {
			break
		}
		size := runeSize(s, i)
		for j := i; j < i+size; j++ {
			head = head*hashBase + uint64(s[j]) + 1
		}
		i += size
	}
	return p.lookUp(ix, &c, s, confirm)
}

// candidates are fold keys a search looks up only where the fold keys'
// filter may hold them, tested together as the filter keys are
// (Filter.MayContainEach): a search that tries many (an inserted letter
// in each place, every pair of affix words) then waits for one round of
// reads per batch rather than one per key, each a cache miss on a large
// list. Candidates are looked up in the order they were added.
type candidates struct {
	keys [candidateBatch]uint64
	tags [candidateBatch]uint16 // how to write the candidate out (candidate)
	held [candidateBatch]bool
	n    int
	kind candidateKind
}

// candidateKind says what a candidate's tag means (candidate).
type candidateKind uint8

const (
	inserted candidateKind = iota // a character inserted: position << 6 | index in insertable
	affixed                       // affix words around: (prefix + 1) << 8 | (suffix + 1), 0 for none
)

const candidateBatch = 64

// add appends a candidate and reports whether the batch is full (look it
// up now).
func (c *candidates) add(key uint64, tag uint16) bool {
	c.keys[c.n], c.tags[c.n] = key, tag
	c.n++
	return c.n == candidateBatch
}

// lookUp tests the batch against the fold keys' filter, then looks up
// those it may hold, in order, handing confirm each target with the
// candidate made from s; it empties the batch.
func (p *Probe) lookUp(ix Index, c *candidates, s []byte, confirm func(int, string) bool) bool {
	n := c.n
	c.n = 0
	ix.FoldFilter().MayContainEach(c.keys[:n], c.held[:n])
	for k := 0; k < n; k++ {
		if !c.held[k] {
			continue
		}
		if lo, hi := ix.Range(c.keys[k]); lo < hi && p.confirmRange(lo, hi, p.candidate(c.kind, c.tags[k], s), confirm) {
			return true
		}
	}
	return false
}

// candidate writes out the candidate fold of a tag, made from s.
func (p *Probe) candidate(kind candidateKind, tag uint16, s []byte) []byte {
	if kind == inserted {
		return p.cand[:p.insertion(s, int(tag>>6), insertable[tag&63])]
	}
	var pre, suf string
	if pi := int(tag>>8) - 1; pi >= 0 {
		pre = prefixWords[pi]
	}
	if si := int(tag&0xff) - 1; si >= 0 {
		suf = suffixWords[si]
	}
	k := copy(p.cand[:], pre)
	k += copy(p.cand[k:], s)
	return p.cand[:k+copy(p.cand[k:], suf)]
}

// pruning skips candidates Relate must reject (Search, tryInsertions);
// it is off only in the test that checks that it changes no answer.
var pruning = true

// insertion writes s with c inserted at byte i into cand and returns its
// length.
func (p *Probe) insertion(s []byte, i int, c byte) int {
	m := copy(p.cand[:], s[:i])
	p.cand[m] = c
	return m + 1 + copy(p.cand[m+1:], s[i:])
}

// shiftedDiffs counts, up to 3, the adjacent pairs fold[q-1], fold[q] for
// lo < q <= hi that differ: moving a character from one end of
// fold[lo:hi+1] to the other shifts the others by one, and each such pair
// becomes a difference.
func shiftedDiffs(fold []byte, lo, hi int) int {
	d := 0
	for q := lo + 1; q <= hi && d < 3; q++ {
		if fold[q-1] != fold[q] {
			d++
		}
	}
	return d
}

// oneEditAway reports whether inserting c at byte i of s, the ASCII fold
// without one character, gives a string one letter changed or two
// swapped away from the fold; shifted is shiftedDiffs for i.
func (p *Probe) oneEditAway(fold, s []byte, i int, c byte, shifted int) bool {
	d := shifted
	if c != fold[i] {
		d++
	}
	switch d {
	case 1:
		return true // one place differs: one letter changed
	case 2:
		m := p.insertion(s, i, c)
		return swapped(fold, p.cand[:m])
	}
	return false // the fold itself (tried first), or more than one edit
}

// swapped reports whether a and b, as long as each other, differ by two
// adjacent characters swapped (oneEdit's Swap).
func swapped(a, b []byte) bool {
	k := 0
	for k < len(a) && a[k] == b[k] {
		k++
	}
	return k+1 < len(a) && a[k] == b[k+1] && a[k+1] == b[k] && string(a[k+2:]) == string(b[k+2:])
}

// tryAffixed tries s with each combination of affix words as a fold key
// (the filter said s may be a listed core).
func (p *Probe) tryAffixed(ix Index, s []byte, confirm func(int, string) bool) bool {
	ps := poly(s)
	c := candidates{kind: affixed}
	for pi := -1; pi < len(prefixWords); pi++ {
		var pre affixWord
		if pi >= 0 {
			pre = prefixPolys[pi]
		}
		for si := -1; si < len(suffixWords); si++ {
			var suf affixWord
			if si >= 0 {
				suf = suffixPolys[si]
			}
			m := len(pre.word) + len(s) + len(suf.word)
			if pi < 0 && si < 0 || m > len(p.cand) {
				continue
			}
			h := base((pre.poly*pow[len(s)]+ps)*pow[len(suf.word)]+suf.poly, m)
			if c.add(fmix(h), uint16(pi+1)<<8|uint16(si+1)) && p.lookUp(ix, &c, s, confirm) {
				return true
			}
		}
	}
	return p.lookUp(ix, &c, s, confirm)
}

// insertable are the characters a fold is tried with in each position: a
// fold has no hyphens, and "0" and "1" fold to "o" and "l"
// (TestInsertableCoversFolds).
const insertable = "abcdefghijklmnopqrstuvwxyz23456789"
