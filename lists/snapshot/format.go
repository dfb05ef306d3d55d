package snapshot

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"fmt"
	"time"
	"unsafe"

	"github.com/bits-and-blooms/bloom/v3"

	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/keys"
)

// Layout constants; see lists/FORMAT.md.
const (
	snapshotMagic = "RFSNAP"
	deltaMagic    = "RFDLTA"
	formatVersion = 2 // what Build writes; Parse also reads 1 (no sections)
	hashXXH64     = 1
	// trailer: key id then Ed25519 signature over everything before the
	// signature (key id included).
	trailerLen   = len(keys.ID{}) + ed25519.SignatureSize
	fixedHeadLen = 52 // up to the name length byte, inclusive
	dateLen      = len(time.DateOnly)
)

func putUint64(b []byte, v uint64) { binary.LittleEndian.PutUint64(b, v) }

// appendProvenance encodes one provenance record.
func appendProvenance(b []byte, p entry.Provenance) []byte {
	b = append(b, byte(p.Kind))
	b = append(b, p.Date...)
	for _, s := range []string{p.Authority, p.Reference, p.Note} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

func (s *Snapshot) encodeBody() []byte {
	n := fixedHeadLen + len(s.Name) + 256*len(s.Provenances) + 8 +
		8*len(s.Keys) + len(s.index) + 8*len(s.Markers) + 8*len(s.bloom.BitSet().Words()) + trailerLen
	b := make([]byte, 0, n)
	b = append(b, snapshotMagic...)
	b = binary.LittleEndian.AppendUint16(b, s.format)
	b = binary.LittleEndian.AppendUint64(b, s.Version)
	b = binary.LittleEndian.AppendUint64(b, uint64(s.Created.Unix()))
	b = binary.LittleEndian.AppendUint32(b, uint32(s.Entries))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s.Keys)))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s.Markers)))
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s.Provenances)))
	b = binary.LittleEndian.AppendUint64(b, s.BloomM)
	b = append(b, s.BloomK, byte(s.indexWidth), hashXXH64, byte(len(s.Name)))
	b = append(b, s.Name...)
	for _, p := range s.Provenances {
		b = appendProvenance(b, p)
	}
	for len(b)%8 != 0 {
		b = append(b, 0)
	}
	for _, k := range s.Keys {
		b = binary.LittleEndian.AppendUint64(b, k)
	}
	b = append(b, s.index...)
	for len(b)%8 != 0 {
		b = append(b, 0)
	}
	for _, k := range s.Markers {
		b = binary.LittleEndian.AppendUint64(b, k)
	}
	for _, w := range s.bloom.BitSet().Words() {
		b = binary.LittleEndian.AppendUint64(b, w)
	}
	if s.format >= 2 {
		b = appendSections(b, s.sections())
	}
	return b
}

// encode returns the signed snapshot and records its key id and signature.
func (s *Snapshot) encode(priv ed25519.PrivateKey) []byte {
	b := s.encodeBody()
	s.KeyID = keys.IDOf(priv.Public().(ed25519.PublicKey))
	b = append(b, s.KeyID[:]...)
	copy(s.Signature[:], ed25519.Sign(priv, b))
	return append(b, s.Signature[:]...)
}

// verify checks the trailer of a signed file against trust.
func verify(b []byte, what string, trust *keys.Set) (keys.ID, error) {
	var id keys.ID
	if len(b) < trailerLen {
		return id, fmt.Errorf("snapshot: %s of %d bytes: %w", what, len(b), ErrTruncated)
	}
	copy(id[:], b[len(b)-trailerLen:])
	pub, ok := trust.Lookup(id)
	if !ok {
		return id, fmt.Errorf("snapshot: %s key %s: %w", what, id, ErrUnknownKey)
	}
	if !ed25519.Verify(pub, b[:len(b)-ed25519.SignatureSize], b[len(b)-ed25519.SignatureSize:]) {
		return id, fmt.Errorf("snapshot: %s signed by key %s: %w (tampered, truncated or corrupted)", what, id, ErrBadSignature)
	}
	return id, nil
}

// Open decodes b and verifies its signature against trust. The snapshot
// refers to b: the caller must not modify b afterwards.
func Open(b []byte, trust *keys.Set) (*Snapshot, error) {
	s, err := Parse(b)
	if err != nil {
		return nil, err
	}
	if _, err := verify(b, "snapshot", trust); err != nil {
		return nil, err
	}
	return s, nil
}

// OpenNewer is Open for a client that already holds version current: it
// refuses a snapshot that is not newer, so a replayed old snapshot can never
// roll a client back.
func OpenNewer(b []byte, trust *keys.Set, name string, current uint64) (*Snapshot, error) {
	s, err := Open(b, trust)
	if err != nil {
		return nil, err
	}
	if err := s.Follows(name, current); err != nil {
		return nil, err
	}
	return s, nil
}

// Follows returns an error unless s is a later version of the list name
// than version current: the check that keeps a client from being rolled
// back.
func (s *Snapshot) Follows(name string, current uint64) error {
	if s.Name != name {
		return fmt.Errorf("snapshot: list %q, want %q: %w", s.Name, name, ErrWrongBase)
	}
	if s.Version <= current {
		return fmt.Errorf("snapshot: version %d, have %d: %w", s.Version, current, ErrNotNewer)
	}
	return nil
}

// Verify reports whether b is a snapshot signed by a key in trust, without
// decoding the rest.
func Verify(b []byte, trust *keys.Set) (keys.ID, error) {
	if _, err := checkMagic(b, snapshotMagic, "snapshot"); err != nil {
		return keys.ID{}, err
	}
	return verify(b, "snapshot", trust)
}

// checkMagic checks the magic and returns the format version (1 or 2).
func checkMagic(b []byte, magic, what string) (uint16, error) {
	if len(b) < len(magic)+2 {
		return 0, fmt.Errorf("snapshot: %s of %d bytes: %w", what, len(b), ErrTruncated)
	}
	if string(b[:len(magic)]) != magic {
		return 0, fmt.Errorf("snapshot: not a %s (magic %q, want %q): %w", what, b[:len(magic)], magic, ErrMalformed)
	}
	v := binary.LittleEndian.Uint16(b[len(magic):])
	if v < 1 || v > formatVersion {
		return 0, fmt.Errorf("snapshot: %s format %d: %w (this build reads 1 to %d)", what, v, ErrVersion, formatVersion)
	}
	return v, nil
}

// reader decodes little-endian fields and remembers the first problem.
type reader struct {
	b   []byte
	off int
	err error
}

func (r *reader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf("snapshot: at byte %d: "+format, append([]any{r.off}, args...)...)
	}
}

func (r *reader) take(n int) []byte {
	if r.err != nil {
		return nil
	}
	if n < 0 || n > len(r.b)-r.off {
		r.fail("need %d more bytes, have %d: %w", n, len(r.b)-r.off, ErrTruncated)
		return nil
	}
	v := r.b[r.off : r.off+n]
	r.off += n
	return v
}

func (r *reader) u8() uint8 {
	if b := r.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (r *reader) u16() uint16 {
	if b := r.take(2); b != nil {
		return binary.LittleEndian.Uint16(b)
	}
	return 0
}

func (r *reader) u32() uint32 {
	if b := r.take(4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return 0
}

func (r *reader) u64() uint64 {
	if b := r.take(8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (r *reader) uvarint() uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.b[r.off:])
	if n <= 0 {
		r.fail("bad varint: %w", ErrMalformed)
		return 0
	}
	r.off += n
	return v
}

// count reads a uvarint count and checks that count items of at least
// minSize bytes each can fit in what is left, before anyone allocates.
func (r *reader) count(limit, minSize int, what string) int {
	v := r.uvarint()
	if r.err == nil && (v > uint64(limit) || v*uint64(minSize) > uint64(len(r.b)-r.off)) {
		r.fail("%d %s: %w", v, what, ErrMalformed)
		return 0
	}
	return int(v)
}

func (r *reader) str(limit int, what string) string {
	n := r.uvarint()
	if r.err == nil && n > uint64(limit) {
		r.fail("%s of %d bytes: %w (at most %d)", what, n, ErrMalformed, limit)
		return ""
	}
	return string(r.take(int(n)))
}

func (r *reader) pad() {
	for r.err == nil && r.off%8 != 0 {
		if r.u8() != 0 {
			r.fail("non-zero padding: %w", ErrMalformed)
		}
	}
}

func (r *reader) provenance() entry.Provenance {
	var p entry.Provenance
	p.Kind = entry.Kind(r.u8())
	p.Date = string(r.take(dateLen))
	p.Authority = r.str(entry.MaxAuthorityLen, "authority")
	p.Reference = r.str(entry.MaxReferenceLen, "reference")
	p.Note = r.str(entry.MaxNoteLen, "note")
	if r.err == nil {
		if err := p.Validate(); err != nil {
			r.fail("provenance: %w (%w)", ErrMalformed, err)
		}
	}
	return p
}

// uint64s returns n little-endian words at the reader's (8-aligned)
// offset, sharing memory with the input where it is aligned.
func (r *reader) uint64s(n int, what string) []uint64 {
	if r.err == nil && n > (len(r.b)-r.off)/8 {
		r.fail("%d %s need %d bytes, have %d: %w", n, what, 8*n, len(r.b)-r.off, ErrTruncated)
	}
	b := r.take(8 * n)
	if b == nil || n == 0 {
		return nil
	}
	if littleEndian && uintptr(unsafe.Pointer(&b[0]))%8 == 0 {
		return unsafe.Slice((*uint64)(unsafe.Pointer(&b[0])), n)
	}
	out := make([]uint64, n)
	for i := range out {
		out[i] = binary.LittleEndian.Uint64(b[8*i:])
	}
	return out
}

// uint32s is uint64s for 4-byte words at a 4-aligned offset.
func (r *reader) uint32s(n int, what string) []uint32 {
	if r.err == nil && n > (len(r.b)-r.off)/4 {
		r.fail("%d %s need %d bytes, have %d: %w", n, what, 4*n, len(r.b)-r.off, ErrTruncated)
	}
	b := r.take(4 * n)
	if b == nil || n == 0 {
		return nil
	}
	if littleEndian && uintptr(unsafe.Pointer(&b[0]))%4 == 0 {
		return unsafe.Slice((*uint32)(unsafe.Pointer(&b[0])), n)
	}
	out := make([]uint32, n)
	for i := range out {
		out[i] = binary.LittleEndian.Uint32(b[4*i:])
	}
	return out
}

var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// header is the fixed part shared by snapshots and the target of deltas.
type header struct {
	version            uint64
	created            time.Time
	entries            int
	keys, markers      int
	provenances        int
	bloomM             uint64
	bloomK, indexWidth uint8
	name               string
}

func (r *reader) header() header {
	var h header
	h.version = r.u64()
	h.created = time.Unix(int64(r.u64()), 0).UTC()
	h.entries = int(r.u32())
	h.keys = int(r.u32())
	h.markers = int(r.u32())
	h.provenances = int(r.u32())
	h.bloomM = r.u64()
	h.bloomK = r.u8()
	h.indexWidth = r.u8()
	hash := r.u8()
	h.name = string(r.take(int(r.u8())))
	if r.err != nil {
		return h
	}
	m, k := bloomParams(h.keys)
	switch {
	case hash != hashXXH64:
		r.fail("hash function %d: %w", hash, ErrVersion)
	case h.keys > MaxKeys || h.markers > MaxKeys || h.provenances > MaxProvenances:
		r.fail("%d keys, %d markers, %d provenances: %w", h.keys, h.markers, h.provenances, ErrTooLarge)
	case h.entries > h.keys:
		r.fail("%d entries but %d keys: %w", h.entries, h.keys, ErrMalformed)
	case h.bloomM != m || h.bloomK != k:
		r.fail("Bloom filter of %d bits and %d hashes for %d keys, want %d and %d: %w",
			h.bloomM, h.bloomK, h.keys, m, k, ErrMalformed)
	case int(h.indexWidth) != indexWidthFor(h.provenances):
		r.fail("index width %d for %d provenances: %w", h.indexWidth, h.provenances, ErrMalformed)
	case h.keys > 0 && h.provenances == 0:
		r.fail("keys without provenance: %w", ErrMalformed)
	}
	if err := validName(h.name); err != nil && r.err == nil {
		r.err = err
	}
	return h
}

// Parse decodes a snapshot without checking its signature (see Open). It
// rejects anything malformed with an error wrapping ErrMalformed,
// ErrTruncated, ErrTooLarge or ErrVersion; it never panics.
func Parse(b []byte) (*Snapshot, error) {
	if len(b) > MaxSize {
		return nil, fmt.Errorf("snapshot: %d bytes: %w", len(b), ErrTooLarge)
	}
	format, err := checkMagic(b, snapshotMagic, "snapshot")
	if err != nil {
		return nil, err
	}
	if len(b) < fixedHeadLen+trailerLen {
		return nil, fmt.Errorf("snapshot: %d bytes: %w", len(b), ErrTruncated)
	}
	r := &reader{b: b[:len(b)-trailerLen], off: len(snapshotMagic) + 2}
	h := r.header()
	s := &Snapshot{
		Name: h.name, Version: h.version, Created: h.created, Entries: h.entries,
		BloomM: h.bloomM, BloomK: h.bloomK, indexWidth: int(h.indexWidth), raw: b, format: format,
	}
	if r.err != nil {
		return nil, r.err
	}
	s.Provenances = make([]entry.Provenance, 0, min(h.provenances, len(b)/16))
	var prev []byte
	for i := 0; i < h.provenances && r.err == nil; i++ {
		start := r.off
		s.Provenances = append(s.Provenances, r.provenance())
		if cur := r.b[start:r.off]; r.err == nil && prev != nil && bytes.Compare(prev, cur) >= 0 {
			r.fail("provenance %d out of order: %w", i, ErrMalformed)
		} else {
			prev = cur
		}
	}
	r.pad()
	s.Keys = r.uint64s(h.keys, "keys")
	s.index = r.take(h.keys * s.indexWidth)
	r.pad()
	s.Markers = r.uint64s(h.markers, "markers")
	words := r.uint64s(int((h.bloomM+63)/64), "Bloom words")
	if format >= 2 {
		r.sections(s)
	}
	if r.err == nil && r.off != len(r.b) {
		r.fail("%d bytes after the last part: %w", len(r.b)-r.off, ErrMalformed)
	}
	if r.err != nil {
		return nil, r.err
	}
	if err := s.checkOrder(); err != nil {
		return nil, err
	}
	copy(s.KeyID[:], b[len(b)-trailerLen:])
	copy(s.Signature[:], b[len(b)-ed25519.SignatureSize:])
	s.bloom = bloom.FromWithM(words, uint(h.bloomM), uint(h.bloomK))
	s.prefilter = newPrefilter(s.Keys)
	return s, nil
}

// checkOrder verifies the invariants lookups rely on: keys and markers
// strictly ascending, every index inside the provenance table.
func (s *Snapshot) checkOrder() error {
	for i := 1; i < len(s.Keys); i++ {
		if s.Keys[i-1] >= s.Keys[i] {
			return fmt.Errorf("snapshot: key %d not ascending: %w", i, ErrMalformed)
		}
	}
	for i := 1; i < len(s.Markers); i++ {
		if s.Markers[i-1] >= s.Markers[i] {
			return fmt.Errorf("snapshot: marker %d not ascending: %w", i, ErrMalformed)
		}
	}
	for i := range s.Keys {
		if int(s.indexAt(i)) >= len(s.Provenances) {
			return fmt.Errorf("snapshot: key %d points at provenance %d of %d: %w", i, s.indexAt(i), len(s.Provenances), ErrMalformed)
		}
	}
	return nil
}
