package snapshot

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/redflag/redflag/lists/canon"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/lookalike"
)

// Sections of format 2 (lists/FORMAT.md, "Sections").
const (
	tagLookAlikes   = 1
	tagBrowserNames = 2

	flagRequired = 1
	maxSections  = 16

	// MaxTargets bounds the look-alike targets, MaxFilterKeys the keys set
	// in the look-alike filter.
	MaxTargets    = 1 << 24
	MaxFilterKeys = 1 << 26
	sectionHead   = 16
)

// rawSection is a section this build does not know, kept so that the
// snapshot re-encodes to the bytes its signer signed.
type rawSection struct {
	tag, flags uint16
	payload    []byte
}

// LookAlikes is a snapshot's look-alike section: the fold keys of the
// listed names that have look-alikes, their sealed target records, and the
// filter of deletion and core keys.
type LookAlikes struct {
	Folds   []uint64 // fold keys, non-decreasing
	Filter  lookalike.Filter
	N       int              // keys set in the filter
	provs   []uint32         // each target's provenance record number
	sealed  []byte           // the targets' sealed names, back to back
	offsets []uint32         // target i's sealed name is sealed[offsets[i]:offsets[i+1]]
	pre     lookalike.Filter // the fold keys, built at load: most searched keys are no target's
	index   foldIndex
}

// Len returns the number of targets.
func (l *LookAlikes) Len() int { return len(l.Folds) }

func (l *LookAlikes) sealedName(i int) []byte { return l.sealed[l.offsets[i]:l.offsets[i+1]] }

// Range returns the targets whose fold key is key (lookalike.Index).
func (l *LookAlikes) Range(key uint64) (lo, hi int) {
	if !l.pre.MayContain(key) {
		return 0, 0
	}
	return l.index.find(l.Folds, key)
}

// FoldFilter returns the in-memory filter of fold keys (lookalike.Index).
func (l *LookAlikes) FoldFilter() lookalike.Filter { return l.pre }

// LookAlikeFilter returns the filter (lookalike.Index).
func (l *LookAlikes) LookAlikeFilter() lookalike.Filter { return l.Filter }

// target is one look-alike target while building or diffing.
type target struct {
	fold   uint64
	prov   uint32
	sealed []byte
}

func cmpTarget(a, b target) int {
	if c := cmp64(a.fold, b.fold); c != 0 {
		return c
	}
	return bytes.Compare(a.sealed, b.sealed)
}

// buildLookAlikes computes the section for the entries that have
// look-alikes; provOf gives each entry's provenance record number. It
// returns nil when no entry has any.
func buildLookAlikes(entries []entry.Entry, provOf func(i int) uint32) *LookAlikes {
	// Each name's keys and sealed name, computed in parallel (a hash and a
	// SHA-512 per name; most of a 1M-entry build), then gathered in entry
	// order so that the result does not depend on scheduling.
	type keyed struct {
		ok     bool
		target target
		filter []uint64
	}
	per := make([]keyed, len(entries))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(entries); i += workers {
				e := &entries[i]
				if e.LookAlikesOff || e.Pattern.IsPrefix() || canon.Registrable(e.Pattern.Host) != e.Pattern.Host {
					continue
				}
				k, ok := lookalike.KeysOf(e.Pattern.Host)
				if !ok {
					continue
				}
				per[i] = keyed{true, target{lookalike.FoldKey([]byte(k.Fold)), provOf(i), lookalike.Seal(e.Pattern.Host, k.Fold)}, k.Filter}
			}
		}()
	}
	wg.Wait()
	var ts []target
	// Each name's keys, counted as they come (FORMAT.md: a key two names
	// share counts twice): deduplicating eight million keys across names,
	// by map or by sort, took most of a 1M-entry build.
	n := 0
	for _, k := range per {
		if k.ok {
			ts = append(ts, k.target)
			n += len(k.filter)
		}
	}
	if len(ts) == 0 {
		return nil
	}
	slices.SortFunc(ts, cmpTarget)
	f := lookalike.NewFilter(n)
	for _, k := range per {
		for _, h := range k.filter {
			f.Add(h)
		}
	}
	return newLookAlikes(ts, f, n)
}

func newLookAlikes(ts []target, f lookalike.Filter, n int) *LookAlikes {
	l := &LookAlikes{Filter: f, N: n, Folds: make([]uint64, len(ts)), provs: make([]uint32, len(ts)), offsets: make([]uint32, 1, len(ts)+1)}
	for i, t := range ts {
		l.Folds[i], l.provs[i] = t.fold, t.prov
		l.sealed = append(l.sealed, t.sealed...)
		l.offsets = append(l.offsets, uint32(len(l.sealed)))
	}
	l.pre, l.index = foldFilter(l.Folds), newFoldIndex(l.Folds)
	return l
}

func (l *LookAlikes) targets() []target {
	ts := make([]target, l.Len())
	for i := range ts {
		ts[i] = target{l.Folds[i], l.provs[i], l.sealedName(i)}
	}
	return ts
}

func (l *LookAlikes) encode(b []byte) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(l.Len()))
	b = binary.LittleEndian.AppendUint32(b, uint32(l.N))
	b = append(b, l.Filter.LogBlocks, 0, 0, 0, 0, 0, 0, 0)
	for _, k := range l.Folds {
		b = binary.LittleEndian.AppendUint64(b, k)
	}
	for _, w := range l.Filter.Words {
		b = binary.LittleEndian.AppendUint32(b, w)
	}
	for i := range l.Folds {
		b = binary.AppendUvarint(b, uint64(l.provs[i]))
		s := l.sealedName(i)
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

// parseLookAlikes decodes section 1's payload; provenances is the size of
// the snapshot's provenance table.
func parseLookAlikes(payload []byte, provenances int) (*LookAlikes, error) {
	r := &reader{b: payload}
	t, n, b := int(r.u32()), int(r.u32()), r.u8()
	for i := 0; i < 7; i++ {
		if r.u8() != 0 && r.err == nil {
			r.fail("look-alikes: non-zero reserved byte: %w", ErrMalformed)
		}
	}
	switch {
	case r.err != nil:
	case t > MaxTargets || n > MaxFilterKeys:
		r.fail("look-alikes: %d targets, %d filter keys: %w", t, n, ErrTooLarge)
	case b != lookalike.LogBlocksFor(n):
		r.fail("look-alikes: filter of 2^%d blocks for %d keys, want 2^%d: %w", b, n, lookalike.LogBlocksFor(n), ErrMalformed)
	case t == 0:
		r.fail("look-alikes: empty section: %w", ErrMalformed)
	}
	l := &LookAlikes{N: n}
	l.Folds = r.uint64s(t, "look-alike fold keys")
	l.Filter = lookalike.Filter{Words: r.uint32s(8<<b, "look-alike filter words"), LogBlocks: b}
	l.provs = make([]uint32, 0, min(t, len(payload)/3))
	l.offsets = make([]uint32, 1, min(t, len(payload)/3)+1)
	l.sealed = make([]byte, 0, max(len(payload)-r.off, 0))
	for i := 0; i < t && r.err == nil; i++ {
		p := r.uvarint()
		size := r.uvarint()
		switch {
		case r.err != nil:
		case p >= uint64(provenances):
			r.fail("look-alike target %d points at provenance %d of %d: %w", i, p, provenances, ErrMalformed)
		case size == 0 || size > lookalike.MaxName:
			r.fail("look-alike target %d of %d bytes: %w", i, size, ErrMalformed)
		}
		s := r.take(int(size))
		if r.err != nil {
			break
		}
		if i > 0 && cmpTarget(target{l.Folds[i-1], 0, l.sealedName(i - 1)}, target{l.Folds[i], 0, s}) >= 0 {
			r.fail("look-alike target %d out of order: %w", i, ErrMalformed)
			break
		}
		l.provs = append(l.provs, uint32(p))
		l.sealed = append(l.sealed, s...)
		l.offsets = append(l.offsets, uint32(len(l.sealed)))
	}
	if r.err == nil && r.off != len(payload) {
		r.fail("look-alikes: %d bytes left over: %w", len(payload)-r.off, ErrMalformed)
	}
	if r.err != nil {
		return nil, r.err
	}
	l.pre, l.index = foldFilter(l.Folds), newFoldIndex(l.Folds)
	return l, nil
}

// encodeNames encodes the browser-names section: every entry's pattern in
// clear, ascending, for rules the browser applies itself.
func encodeNames(b []byte, names []string) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(names)))
	for _, n := range names {
		b = binary.AppendUvarint(b, uint64(len(n)))
		b = append(b, n...)
	}
	return b
}

func parseNames(payload []byte, entries int) ([]string, error) {
	r := &reader{b: payload}
	c := int(r.u32())
	if r.err == nil && c > entries {
		r.fail("%d browser names for %d entries: %w", c, entries, ErrMalformed)
	}
	names := make([]string, 0, min(c, len(payload)/2))
	for i := 0; i < c && r.err == nil; i++ {
		n := r.str(entry.MaxPatternLen, "browser name")
		switch {
		case r.err != nil:
		case n == "":
			r.fail("browser name %d is empty: %w", i, ErrMalformed)
		case i > 0 && names[i-1] >= n:
			r.fail("browser name %d out of order: %w", i, ErrMalformed)
		}
		names = append(names, n)
	}
	if r.err == nil && r.off != len(payload) {
		r.fail("browser names: %d bytes left over: %w", len(payload)-r.off, ErrMalformed)
	}
	if r.err != nil {
		return nil, r.err
	}
	return names, nil
}

func browserNames(entries []entry.Entry) []string {
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Pattern.String()
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// sections returns every section of s in tag order, encoded.
func (s *Snapshot) sections() []rawSection {
	var out []rawSection
	if s.LookAlikes != nil {
		out = append(out, rawSection{tagLookAlikes, 0, s.LookAlikes.encode(nil)})
	}
	if s.Names != nil {
		out = append(out, rawSection{tagBrowserNames, 0, encodeNames(nil, s.Names)})
	}
	out = append(out, s.unknown...)
	slices.SortFunc(out, func(a, b rawSection) int { return int(a.tag) - int(b.tag) })
	return out
}

func appendSections(b []byte, secs []rawSection) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(secs)))
	b = binary.LittleEndian.AppendUint32(b, 0)
	for _, sec := range secs {
		b = binary.LittleEndian.AppendUint16(b, sec.tag)
		b = binary.LittleEndian.AppendUint16(b, sec.flags)
		b = binary.LittleEndian.AppendUint32(b, 0)
		b = binary.LittleEndian.AppendUint64(b, uint64(len(sec.payload)))
		b = append(b, sec.payload...)
		for len(b)%8 != 0 {
			b = append(b, 0)
		}
	}
	return b
}

// sections decodes the section table into s.
func (r *reader) sections(s *Snapshot) {
	count := r.u32()
	if r.u32() != 0 && r.err == nil {
		r.fail("sections: non-zero reserved word: %w", ErrMalformed)
	}
	if r.err == nil && count > maxSections {
		r.fail("%d sections: %w", count, ErrMalformed)
	}
	prev := -1
	for i := 0; i < int(count) && r.err == nil; i++ {
		at := r.off
		tag, flags := int(r.u16()), int(r.u16())
		if r.u32() != 0 && r.err == nil {
			r.fail("section %d: non-zero reserved word: %w", tag, ErrMalformed)
		}
		size := r.u64()
		if r.err != nil {
			return
		}
		switch {
		case tag <= prev:
			r.fail("section %d after section %d: %w", tag, prev, ErrMalformed)
		case flags&^flagRequired != 0:
			r.fail("section %d: unknown flags %#x: %w", tag, flags, ErrMalformed)
		case size > uint64(len(r.b)-r.off):
			r.fail("section %d of %d bytes, %d left: %w", tag, size, len(r.b)-r.off, ErrTruncated)
		}
		if r.err != nil {
			return
		}
		prev = tag
		payload := r.take(int(size))
		r.pad()
		var err error
		switch {
		case tag == tagLookAlikes && flags == 0:
			s.LookAlikes, err = parseLookAlikes(payload, len(s.Provenances))
		case tag == tagBrowserNames && flags == 0:
			s.Names, err = parseNames(payload, s.Entries)
		case flags&flagRequired != 0:
			err = fmt.Errorf("snapshot: required section %d: %w (a newer checker reads it)", tag, ErrVersion)
		default:
			s.unknown = append(s.unknown, rawSection{uint16(tag), uint16(flags), payload})
		}
		if err != nil && r.err == nil {
			r.err = fmt.Errorf("snapshot: at byte %d: section %d: %w", at, tag, err)
		}
	}
}

// foldFilter is an in-memory filter of the fold keys, at 16 to 32 bits a
// key (a false positive in about 1,000): a search tests a few fold keys
// per URL, and a miss here saves the index's two reads.
func foldFilter(folds []uint64) lookalike.Filter {
	f := lookalike.NewFilter(len(folds))
	for _, k := range folds {
		f.Add(k)
	}
	return f
}
