package snapshot

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"fmt"

	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/keys"
)

// A delta carries what changed between two snapshots of one list, plus the
// target's own signature. Applying it rebuilds the target byte for byte,
// and the rebuilt target must verify under that signature: a delta can
// never yield a list its signer did not sign as a whole.

// DeltaInfo is what a delta says about itself.
type DeltaInfo struct {
	Name        string
	FromVersion uint64
	ToVersion   uint64
	KeyID       keys.ID // key that signed the delta
}

type delta struct {
	DeltaInfo
	baseSig      []byte
	target       header
	removedProvs []int
	addedProvs   []entry.Provenance
	removedKeys  []uint64
	addedKeys    []uint64
	addedIndex   []uint32
	removedMarks []uint64
	addedMarks   []uint64
	targetKeyID  keys.ID
	targetSig    []byte
	format       uint16          // 2: B has sections, changed as below
	sections     []sectionChange // format 2
}

// Diff returns a delta, signed with priv, that turns from into to.
func Diff(from, to *Snapshot, priv ed25519.PrivateKey) ([]byte, error) {
	if from.Name != to.Name {
		return nil, fmt.Errorf("snapshot: delta between lists %q and %q: %w", from.Name, to.Name, ErrWrongBase)
	}
	if to.Version <= from.Version {
		return nil, fmt.Errorf("snapshot: delta from version %d to %d: %w", from.Version, to.Version, ErrNotNewer)
	}
	format := max(to.format, 1)
	b := binary.LittleEndian.AppendUint16([]byte(deltaMagic), format)
	b = binary.LittleEndian.AppendUint64(b, from.Version)
	b = append(b, from.Signature[:]...)
	b = appendHeader(b, to)

	// Provenance tables are sorted by encoding: one merge finds both sides.
	fromEnc, toEnc := encodeAll(from.Provenances), encodeAll(to.Provenances)
	var removedProvs []int
	var addedProvs [][]byte
	mergeSorted(len(fromEnc), len(toEnc), func(i, j int) int { return bytes.Compare(fromEnc[i], toEnc[j]) },
		func(i int) { removedProvs = append(removedProvs, i) },
		func(j int) { addedProvs = append(addedProvs, toEnc[j]) },
		func(int, int) {})
	b = appendGaps(b, removedProvs)
	b = binary.AppendUvarint(b, uint64(len(addedProvs)))
	for _, p := range addedProvs {
		b = append(b, p...)
	}

	// A key whose provenance changed is removed and added again.
	var removedKeys, addedKeys []int
	mergeSorted(len(from.Keys), len(to.Keys), func(i, j int) int { return cmp64(from.Keys[i], to.Keys[j]) },
		func(i int) { removedKeys = append(removedKeys, i) },
		func(j int) { addedKeys = append(addedKeys, j) },
		func(i, j int) {
			if !bytes.Equal(fromEnc[from.indexAt(i)], toEnc[to.indexAt(j)]) {
				removedKeys = append(removedKeys, i)
				addedKeys = append(addedKeys, j)
			}
		})
	b = binary.AppendUvarint(b, uint64(len(removedKeys)))
	for _, i := range removedKeys {
		b = binary.LittleEndian.AppendUint64(b, from.Keys[i])
	}
	b = binary.AppendUvarint(b, uint64(len(addedKeys)))
	for _, j := range addedKeys {
		b = binary.LittleEndian.AppendUint64(b, to.Keys[j])
		b = binary.AppendUvarint(b, uint64(to.indexAt(j)))
	}

	var removedMarks, addedMarks []uint64
	mergeSorted(len(from.Markers), len(to.Markers), func(i, j int) int { return cmp64(from.Markers[i], to.Markers[j]) },
		func(i int) { removedMarks = append(removedMarks, from.Markers[i]) },
		func(j int) { addedMarks = append(addedMarks, to.Markers[j]) },
		func(int, int) {})
	for _, ms := range [][]uint64{removedMarks, addedMarks} {
		b = binary.AppendUvarint(b, uint64(len(ms)))
		for _, m := range ms {
			b = binary.LittleEndian.AppendUint64(b, m)
		}
	}
	if format >= 2 {
		var err error
		if b, err = appendSectionChanges(b, from, to, fromEnc, toEnc); err != nil {
			return nil, err
		}
	}
	b = append(b, to.KeyID[:]...)
	b = append(b, to.Signature[:]...)

	id := keys.IDOf(priv.Public().(ed25519.PublicKey))
	b = append(b, id[:]...)
	return append(b, ed25519.Sign(priv, b)...), nil
}

func cmp64(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// mergeSorted walks two sorted sequences of lengths n and m together,
// calling onlyA, onlyB or both for each element.
func mergeSorted(n, m int, cmp func(i, j int) int, onlyA, onlyB func(int), both func(i, j int)) {
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case j == m:
			onlyA(i)
			i++
		case i == n:
			onlyB(j)
			j++
		default:
			switch c := cmp(i, j); {
			case c < 0:
				onlyA(i)
				i++
			case c > 0:
				onlyB(j)
				j++
			default:
				both(i, j)
				i++
				j++
			}
		}
	}
}

func encodeAll(ps []entry.Provenance) [][]byte {
	out := make([][]byte, len(ps))
	for i, p := range ps {
		out[i] = appendProvenance(nil, p)
	}
	return out
}

// appendGaps writes ascending ints as a count then gaps.
func appendGaps(b []byte, xs []int) []byte {
	b = binary.AppendUvarint(b, uint64(len(xs)))
	prev := 0
	for _, x := range xs {
		b = binary.AppendUvarint(b, uint64(x-prev))
		prev = x
	}
	return b
}

func appendHeader(b []byte, s *Snapshot) []byte {
	b = binary.LittleEndian.AppendUint64(b, s.Version)
	b = binary.LittleEndian.AppendUint64(b, uint64(s.Created.Unix()))
	b = binary.LittleEndian.AppendUint32(b, uint32(s.Entries))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s.Keys)))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s.Markers)))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s.Provenances)))
	b = binary.LittleEndian.AppendUint64(b, s.BloomM)
	b = append(b, s.BloomK, byte(s.indexWidth), hashXXH64, byte(len(s.Name)))
	return append(b, s.Name...)
}

// ReadDeltaInfo decodes the header of a delta without verifying it.
func ReadDeltaInfo(b []byte) (DeltaInfo, error) {
	d, err := parseDelta(b)
	if err != nil {
		return DeltaInfo{}, err
	}
	return d.DeltaInfo, nil
}

func parseDelta(b []byte) (*delta, error) {
	if len(b) > MaxSize {
		return nil, fmt.Errorf("snapshot: delta of %d bytes: %w", len(b), ErrTooLarge)
	}
	format, err := checkMagic(b, deltaMagic, "delta")
	if err != nil {
		return nil, err
	}
	if len(b) < len(deltaMagic)+2+8+ed25519.SignatureSize+fixedHeadLen+2*trailerLen {
		return nil, fmt.Errorf("snapshot: delta of %d bytes: %w", len(b), ErrTruncated)
	}
	d := &delta{format: format}
	copy(d.KeyID[:], b[len(b)-trailerLen:])
	r := &reader{b: b[:len(b)-trailerLen], off: len(deltaMagic) + 2}
	d.FromVersion = r.u64()
	d.baseSig = r.take(ed25519.SignatureSize)
	d.target = r.header()
	d.Name, d.ToVersion = d.target.name, d.target.version
	if r.err == nil && d.ToVersion <= d.FromVersion {
		r.fail("from version %d to %d: %w", d.FromVersion, d.ToVersion, ErrNotNewer)
	}
	n := r.count(MaxProvenances, 1, "removed provenances")
	d.removedProvs = make([]int, 0, n)
	prev := -1
	for i := 0; i < n && r.err == nil; i++ {
		gap := r.uvarint()
		if gap > MaxProvenances || (i > 0 && gap == 0) {
			r.fail("removed provenance gap %d: %w", gap, ErrMalformed)
		}
		prev = max(prev, 0) + int(gap)
		d.removedProvs = append(d.removedProvs, prev)
	}
	n = r.count(MaxProvenances, 1+dateLen+3, "added provenances")
	d.addedProvs = make([]entry.Provenance, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		d.addedProvs = append(d.addedProvs, r.provenance())
	}
	n = r.count(MaxKeys, 8, "removed keys")
	d.removedKeys = r.unaligned64(n)
	n = r.count(MaxKeys, 9, "added keys")
	d.addedKeys, d.addedIndex = make([]uint64, 0, n), make([]uint32, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		d.addedKeys = append(d.addedKeys, r.u64())
		idx := r.uvarint()
		if idx >= uint64(d.target.provenances) {
			r.fail("added key points at provenance %d of %d: %w", idx, d.target.provenances, ErrMalformed)
		}
		d.addedIndex = append(d.addedIndex, uint32(idx))
	}
	d.removedMarks = r.unaligned64(r.count(MaxKeys, 8, "removed markers"))
	d.addedMarks = r.unaligned64(r.count(MaxKeys, 8, "added markers"))
	if format >= 2 {
		d.sections = r.sectionChanges(d.target)
	}
	copy(d.targetKeyID[:], r.take(len(keys.ID{})))
	d.targetSig = r.take(ed25519.SignatureSize)
	if r.err == nil && r.off != len(r.b) {
		r.fail("%d unexpected bytes at the end: %w", len(r.b)-r.off, ErrMalformed)
	}
	if r.err != nil {
		return nil, r.err
	}
	return d, nil
}

func (r *reader) unaligned64(n int) []uint64 {
	out := make([]uint64, 0, n)
	for i := 0; i < n && r.err == nil; i++ {
		out = append(out, r.u64())
	}
	return out
}

// ApplyDelta verifies delta against trust, applies it to from and returns
// the target snapshot, byte-identical to the one the delta was made from
// and verified under its own signature. On any error from is untouched.
func ApplyDelta(from *Snapshot, b []byte, trust *keys.Set) (*Snapshot, error) {
	if len(b) > MaxSize {
		return nil, fmt.Errorf("snapshot: delta of %d bytes: %w", len(b), ErrTooLarge)
	}
	if _, err := checkMagic(b, deltaMagic, "delta"); err != nil {
		return nil, err
	}
	if _, err := verify(b, "delta", trust); err != nil {
		return nil, err
	}
	d, err := parseDelta(b)
	if err != nil {
		return nil, err
	}
	switch {
	case d.Name != from.Name:
		return nil, fmt.Errorf("snapshot: delta for list %q, have %q: %w", d.Name, from.Name, ErrWrongBase)
	case d.FromVersion != from.Version || !bytes.Equal(d.baseSig, from.Signature[:]):
		return nil, fmt.Errorf("snapshot: delta from version %d, have version %d: %w", d.FromVersion, from.Version, ErrWrongBase)
	}
	to, err := d.rebuild(from)
	if err != nil {
		return nil, err
	}
	body := to.encodeBody()
	body = append(body, d.targetKeyID[:]...)
	pub, ok := trust.Lookup(d.targetKeyID)
	if !ok {
		return nil, fmt.Errorf("snapshot: delta target key %s: %w", d.targetKeyID, ErrUnknownKey)
	}
	if !ed25519.Verify(pub, body, d.targetSig) {
		return nil, fmt.Errorf("snapshot: version %d rebuilt from a delta does not match its signature: %w", d.ToVersion, ErrBadSignature)
	}
	to.KeyID = d.targetKeyID
	copy(to.Signature[:], d.targetSig)
	to.raw = append(body, d.targetSig...)
	return to, nil
}

func (d *delta) rebuild(from *Snapshot) (*Snapshot, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("snapshot: delta to version %d: "+format+": %w", append(append([]any{d.ToVersion}, args...), ErrMalformed)...)
	}
	h := d.target
	to := &Snapshot{Name: h.name, Version: h.version, Created: h.created, Entries: h.entries, indexWidth: int(h.indexWidth), format: d.format}

	// Provenance table: kept records of from, plus added ones, in encoding
	// order; remap tells where each kept record of from lands.
	removed := make(map[int]bool, len(d.removedProvs))
	for _, i := range d.removedProvs {
		if i >= len(from.Provenances) {
			return nil, bad("removes provenance %d of %d", i, len(from.Provenances))
		}
		removed[i] = true
	}
	fromEnc := encodeAll(from.Provenances)
	addedEnc := encodeAll(d.addedProvs)
	var kept []int
	for i := range from.Provenances {
		if !removed[i] {
			kept = append(kept, i)
		}
	}
	remap := make([]uint32, len(from.Provenances))
	to.Provenances = make([]entry.Provenance, 0, len(kept)+len(d.addedProvs))
	var prev []byte
	var mergeErr error
	add := func(p entry.Provenance, enc []byte) uint32 {
		if prev != nil && bytes.Compare(prev, enc) >= 0 {
			mergeErr = bad("provenance table out of order")
		}
		prev = enc
		to.Provenances = append(to.Provenances, p)
		return uint32(len(to.Provenances) - 1)
	}
	mergeSorted(len(kept), len(d.addedProvs), func(i, j int) int { return bytes.Compare(fromEnc[kept[i]], addedEnc[j]) },
		func(i int) { remap[kept[i]] = add(from.Provenances[kept[i]], fromEnc[kept[i]]) },
		func(j int) { add(d.addedProvs[j], addedEnc[j]) },
		func(int, int) { mergeErr = bad("adds a provenance it keeps") })
	if mergeErr != nil {
		return nil, mergeErr
	}
	if len(to.Provenances) != h.provenances {
		return nil, bad("yields %d provenances, header says %d", len(to.Provenances), h.provenances)
	}

	// Keys: from minus removed, merged with added, all ascending.
	if err := ascending(d.removedKeys); err != nil {
		return nil, bad("removed keys %v", err)
	}
	if err := ascending(d.addedKeys); err != nil {
		return nil, bad("added keys %v", err)
	}
	to.Keys = make([]uint64, 0, h.keys)
	to.index = make([]byte, 0, h.keys*to.indexWidth)
	var idx [4]byte
	push := func(k uint64, p uint32) {
		if n := len(to.Keys); n > 0 && to.Keys[n-1] >= k {
			mergeErr = bad("adds key %016x twice", k)
		}
		to.Keys = append(to.Keys, k)
		putIndex(idx[:], 4, p)
		to.index = append(to.index, idx[:to.indexWidth]...)
	}
	r := 0 // next removed key
	mergeSorted(len(from.Keys), len(d.addedKeys), func(i, j int) int { return cmp64(from.Keys[i], d.addedKeys[j]) },
		func(i int) {
			if r < len(d.removedKeys) && d.removedKeys[r] == from.Keys[i] {
				r++
				return
			}
			if removed[int(from.indexAt(i))] {
				mergeErr = bad("keeps key %016x but removes its provenance", from.Keys[i])
			}
			push(from.Keys[i], remap[from.indexAt(i)])
		},
		func(j int) { push(d.addedKeys[j], d.addedIndex[j]) },
		func(i, j int) {
			if r < len(d.removedKeys) && d.removedKeys[r] == from.Keys[i] {
				r++
				push(d.addedKeys[j], d.addedIndex[j])
				return
			}
			mergeErr = bad("adds key %016x it already has", from.Keys[i])
		})
	if mergeErr != nil {
		return nil, mergeErr
	}
	if r != len(d.removedKeys) {
		return nil, bad("removes keys the base does not have")
	}
	if len(to.Keys) != h.keys {
		return nil, bad("yields %d keys, header says %d", len(to.Keys), h.keys)
	}

	if err := ascending(d.removedMarks); err != nil {
		return nil, bad("removed markers %v", err)
	}
	if err := ascending(d.addedMarks); err != nil {
		return nil, bad("added markers %v", err)
	}
	r = 0
	mergeSorted(len(from.Markers), len(d.addedMarks), func(i, j int) int { return cmp64(from.Markers[i], d.addedMarks[j]) },
		func(i int) {
			if r < len(d.removedMarks) && d.removedMarks[r] == from.Markers[i] {
				r++
				return
			}
			to.Markers = append(to.Markers, from.Markers[i])
		},
		func(j int) { to.Markers = append(to.Markers, d.addedMarks[j]) },
		func(int, int) { mergeErr = bad("adds a marker it already has") })
	if mergeErr != nil {
		return nil, mergeErr
	}
	if r != len(d.removedMarks) || len(to.Markers) != h.markers {
		return nil, bad("markers do not add up")
	}
	to.buildBloom()
	if err := d.rebuildSections(from, to, removed, remap); err != nil {
		return nil, err
	}
	return to, nil
}

func ascending(xs []uint64) error {
	for i := 1; i < len(xs); i++ {
		if xs[i-1] >= xs[i] {
			return fmt.Errorf("not ascending at %d", i)
		}
	}
	return nil
}
