package snapshot

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
	"strings"

	"github.com/redflag/redflag/lists/lookalike"
)

// Section changes of a format-2 delta (lists/FORMAT.md, "Delta"): for each
// section of A or B, absent from B, unchanged, or patched.
const (
	sectionAbsent    = 0
	sectionUnchanged = 1
	sectionPatched   = 2 // the byte is 2 + B's flags
)

type sectionChange struct {
	tag, flags uint16
	state      byte
	lookAlikes *lookAlikesPatch
	names      *namesPatch
}

type lookAlikesPatch struct {
	targets, keys int
	logBlocks     uint8
	removed       []int
	added         []target
	whole         []uint32 // B's filter when its size changed
	flipped       []int    // else the bits that changed
}

type namesPatch struct {
	removed []int
	added   []string
}

// appendSectionChanges writes how to's sections differ from from's.
func appendSectionChanges(b []byte, from, to *Snapshot, fromEnc, toEnc [][]byte) ([]byte, error) {
	fromSecs, toSecs := from.sections(), to.sections()
	var tags []uint16
	for _, s := range append(slices.Clone(fromSecs), toSecs...) {
		tags = append(tags, s.tag)
	}
	slices.Sort(tags)
	tags = slices.Compact(tags)
	b = binary.AppendUvarint(b, uint64(len(tags)))
	for _, tag := range tags {
		a, inA := findSection(fromSecs, tag)
		z, inB := findSection(toSecs, tag)
		b = binary.AppendUvarint(b, uint64(tag))
		switch {
		case !inB:
			b = append(b, sectionAbsent)
			continue
		case inA && a.flags == z.flags && bytes.Equal(a.payload, z.payload):
			b = append(b, sectionUnchanged)
			continue
		}
		b = append(b, byte(sectionPatched+z.flags))
		switch tag {
		case tagLookAlikes:
			b = appendLookAlikesPatch(b, from.LookAlikes, to.LookAlikes, fromEnc, toEnc)
		case tagBrowserNames:
			b = appendNamesPatch(b, from.Names, to.Names)
		default:
			return nil, fmt.Errorf("snapshot: delta of section %d, which this build does not know: %w", tag, ErrVersion)
		}
	}
	return b, nil
}

func findSection(secs []rawSection, tag uint16) (rawSection, bool) {
	for _, s := range secs {
		if s.tag == tag {
			return s, true
		}
	}
	return rawSection{}, false
}

func appendLookAlikesPatch(b []byte, from, to *LookAlikes, fromEnc, toEnc [][]byte) []byte {
	var fromTs []target
	var fromFilter lookalike.Filter
	if from != nil {
		fromTs, fromFilter = from.targets(), from.Filter
	}
	toTs := to.targets()
	b = binary.AppendUvarint(b, uint64(len(toTs)))
	b = binary.AppendUvarint(b, uint64(to.N))
	b = append(b, to.Filter.LogBlocks)
	// A target whose provenance changed is removed and added again, as a
	// key is.
	var removed []int
	var added []target
	mergeSorted(len(fromTs), len(toTs), func(i, j int) int { return cmpTarget(fromTs[i], toTs[j]) },
		func(i int) { removed = append(removed, i) },
		func(j int) { added = append(added, toTs[j]) },
		func(i, j int) {
			if !bytes.Equal(fromEnc[fromTs[i].prov], toEnc[toTs[j].prov]) {
				removed, added = append(removed, i), append(added, toTs[j])
			}
		})
	b = appendGaps(b, removed)
	b = binary.AppendUvarint(b, uint64(len(added)))
	for _, t := range added {
		b = binary.LittleEndian.AppendUint64(b, t.fold)
		b = appendTargetRecord(b, t)
	}
	if from == nil || fromFilter.LogBlocks != to.Filter.LogBlocks {
		b = append(b, 0)
		for _, w := range to.Filter.Words {
			b = binary.LittleEndian.AppendUint32(b, w)
		}
		return b
	}
	// A changed entry changes a few bits in many far-apart words: their
	// positions, as gaps, are what is smallest.
	b = append(b, 1)
	var flipped []int
	for i, w := range to.Filter.Words {
		for x := w ^ fromFilter.Words[i]; x != 0; x &= x - 1 {
			flipped = append(flipped, 32*i+bits.TrailingZeros32(x))
		}
	}
	return appendGaps(b, flipped)
}

func appendTargetRecord(b []byte, t target) []byte {
	b = binary.AppendUvarint(b, uint64(t.prov))
	b = binary.AppendUvarint(b, uint64(len(t.sealed)))
	return append(b, t.sealed...)
}

func appendNamesPatch(b []byte, from, to []string) []byte {
	var removed []int
	var added []string
	mergeSorted(len(from), len(to), func(i, j int) int { return strings.Compare(from[i], to[j]) },
		func(i int) { removed = append(removed, i) },
		func(j int) { added = append(added, to[j]) },
		func(int, int) {})
	b = appendGaps(b, removed)
	b = binary.AppendUvarint(b, uint64(len(added)))
	for _, n := range added {
		b = binary.AppendUvarint(b, uint64(len(n)))
		b = append(b, n...)
	}
	return b
}

// gaps reads what appendGaps wrote: a count, then ascending ints as gaps.
func (r *reader) gaps(limit int, what string) []int {
	n := r.count(limit, 1, what)
	out := make([]int, 0, n)
	prev := 0
	for i := 0; i < n && r.err == nil; i++ {
		gap := r.uvarint()
		if gap > uint64(limit) || (i > 0 && gap == 0) {
			r.fail("%s gap %d: %w", what, gap, ErrMalformed)
		}
		prev += int(gap)
		out = append(out, prev)
	}
	return out
}

func (r *reader) sectionChanges(target header) []sectionChange {
	n := r.count(maxSections*2, 2, "section changes")
	var out []sectionChange
	prev := -1
	for i := 0; i < n && r.err == nil; i++ {
		tag := r.uvarint()
		state := r.u8()
		if r.err == nil && (tag > 0xffff || int(tag) <= prev || state > sectionPatched+flagRequired) {
			r.fail("section change %d (tag %d, state %d): %w", i, tag, state, ErrMalformed)
		}
		prev = int(tag)
		c := sectionChange{tag: uint16(tag), state: min(state, sectionPatched)}
		if state >= sectionPatched {
			c.flags = uint16(state - sectionPatched)
			switch tag {
			case tagLookAlikes:
				c.lookAlikes = r.lookAlikesPatch(target)
			case tagBrowserNames:
				c.names = r.namesPatch()
			default:
				// The rest cannot be read without knowing this section.
				if r.err == nil {
					r.err = fmt.Errorf("snapshot: delta patches section %d, which this build does not know: %w (fetch the snapshot)", tag, ErrVersion)
				}
			}
		}
		out = append(out, c)
	}
	return out
}

func (r *reader) lookAlikesPatch(head header) *lookAlikesPatch {
	p := &lookAlikesPatch{}
	t, n := r.uvarint(), r.uvarint()
	p.logBlocks = r.u8()
	if r.err == nil && (t > MaxTargets || n > MaxFilterKeys || p.logBlocks != lookalike.LogBlocksFor(int(n))) {
		r.fail("look-alike patch: %d targets, %d keys, 2^%d blocks: %w", t, n, p.logBlocks, ErrMalformed)
		return p
	}
	p.targets, p.keys = int(t), int(n)
	p.removed = r.gaps(MaxTargets, "removed look-alike targets")
	count := r.count(MaxTargets, 11, "added look-alike targets")
	p.added = make([]target, 0, count)
	for i := 0; i < count && r.err == nil; i++ {
		t := target{fold: r.u64()}
		prov, size := r.uvarint(), r.uvarint()
		if r.err == nil && (prov >= uint64(head.provenances) || size == 0 || size > lookalike.MaxName) {
			r.fail("added look-alike target %d: %w", i, ErrMalformed)
		}
		t.prov, t.sealed = uint32(prov), bytes.Clone(r.take(int(size)))
		p.added = append(p.added, t)
	}
	words := 8 << p.logBlocks
	switch r.u8() {
	case 0:
		p.whole = make([]uint32, 0, words)
		for i := 0; i < words && r.err == nil; i++ {
			p.whole = append(p.whole, r.u32())
		}
	case 1:
		p.flipped = r.gaps(32*words-1, "flipped filter bits")
	default:
		r.fail("look-alike filter change: %w", ErrMalformed)
	}
	return p
}

func (r *reader) namesPatch() *namesPatch {
	p := &namesPatch{removed: r.gaps(MaxKeys, "removed browser names")}
	n := r.count(MaxKeys, 2, "added browser names")
	for i := 0; i < n && r.err == nil; i++ {
		p.added = append(p.added, r.str(1<<11, "browser name"))
	}
	return p
}

// rebuildSections applies the delta's section changes to from's sections,
// into to. removedProvs and remap are the provenance table's changes.
func (d *delta) rebuildSections(from, to *Snapshot, removedProvs map[int]bool, remap []uint32) error {
	if d.format < 2 {
		return nil
	}
	bad := func(format string, args ...any) error {
		return fmt.Errorf("snapshot: delta to version %d: "+format+": %w", append(append([]any{d.ToVersion}, args...), ErrMalformed)...)
	}
	fromSecs := from.sections()
	seen := map[uint16]bool{}
	for _, c := range d.sections {
		seen[c.tag] = true
		old, had := findSection(fromSecs, c.tag)
		switch {
		case c.state == sectionAbsent:
		case c.state == sectionUnchanged:
			if !had {
				return bad("keeps section %d the base does not have", c.tag)
			}
			// The same bytes as in A: the same parts.
			switch c.tag {
			case tagLookAlikes:
				for _, p := range from.LookAlikes.provs {
					if int(p) >= len(to.Provenances) {
						return bad("keeps look-alikes pointing beyond the provenance table")
					}
				}
				to.LookAlikes = from.LookAlikes
			case tagBrowserNames:
				to.Names = from.Names
			default:
				to.unknown = append(to.unknown, old)
			}
		case c.flags != 0:
			return bad("patches section %d with flags %d", c.tag, c.flags)
		case c.lookAlikes != nil:
			l, err := c.lookAlikes.apply(from.LookAlikes, removedProvs, remap)
			if err != nil {
				return bad("%v", err)
			}
			to.LookAlikes = l
		case c.names != nil:
			names, err := c.names.apply(from.Names)
			if err != nil {
				return bad("%v", err)
			}
			to.Names = names
		}
	}
	for _, s := range fromSecs {
		if !seen[s.tag] {
			return bad("says nothing of section %d", s.tag)
		}
	}
	return nil
}

func (p *lookAlikesPatch) apply(from *LookAlikes, removedProvs map[int]bool, remap []uint32) (*LookAlikes, error) {
	var fromTs []target
	var words []uint32
	if from != nil {
		fromTs = from.targets()
		if p.whole == nil {
			if from.Filter.LogBlocks != p.logBlocks {
				return nil, fmt.Errorf("look-alike filter changes size but carries no filter")
			}
			words = slices.Clone(from.Filter.Words)
		}
	}
	if p.whole != nil {
		words = p.whole
	} else if words == nil {
		return nil, fmt.Errorf("look-alike filter patch for a base without look-alikes")
	}
	for _, bit := range p.flipped {
		if bit >= 32*len(words) {
			return nil, fmt.Errorf("flips filter bit %d of %d", bit, 32*len(words))
		}
		words[bit/32] ^= 1 << (bit % 32)
	}
	removed := make(map[int]bool, len(p.removed))
	for _, i := range p.removed {
		if i >= len(fromTs) {
			return nil, fmt.Errorf("removes look-alike target %d of %d", i, len(fromTs))
		}
		removed[i] = true
	}
	var kept []target
	for i, t := range fromTs {
		if removed[i] {
			continue
		}
		if removedProvs[int(t.prov)] {
			return nil, fmt.Errorf("keeps a look-alike target whose provenance it removes")
		}
		t.prov = remap[t.prov]
		kept = append(kept, t)
	}
	ts := make([]target, 0, len(kept)+len(p.added))
	var err error
	mergeSorted(len(kept), len(p.added), func(i, j int) int { return cmpTarget(kept[i], p.added[j]) },
		func(i int) { ts = append(ts, kept[i]) },
		func(j int) { ts = append(ts, p.added[j]) },
		func(int, int) { err = fmt.Errorf("adds a look-alike target it keeps") })
	if err != nil {
		return nil, err
	}
	for i := 1; i < len(ts); i++ {
		if cmpTarget(ts[i-1], ts[i]) >= 0 {
			return nil, fmt.Errorf("look-alike targets out of order")
		}
	}
	if len(ts) != p.targets || len(ts) == 0 {
		return nil, fmt.Errorf("yields %d look-alike targets, says %d", len(ts), p.targets)
	}
	return newLookAlikes(ts, lookalike.Filter{Words: words, LogBlocks: p.logBlocks}, p.keys), nil
}

func (p *namesPatch) apply(from []string) ([]string, error) {
	removed := make(map[int]bool, len(p.removed))
	for _, i := range p.removed {
		if i >= len(from) {
			return nil, fmt.Errorf("removes browser name %d of %d", i, len(from))
		}
		removed[i] = true
	}
	var kept []string
	for i, n := range from {
		if !removed[i] {
			kept = append(kept, n)
		}
	}
	out := make([]string, 0, len(kept)+len(p.added))
	var err error
	mergeSorted(len(kept), len(p.added), func(i, j int) int { return strings.Compare(kept[i], p.added[j]) },
		func(i int) { out = append(out, kept[i]) },
		func(j int) { out = append(out, p.added[j]) },
		func(int, int) { err = fmt.Errorf("adds a browser name it keeps") })
	for i := 1; i < len(out) && err == nil; i++ {
		if out[i-1] >= out[i] || out[i] == "" {
			err = fmt.Errorf("browser names out of order")
		}
	}
	return out, err
}
