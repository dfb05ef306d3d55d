// Package snapshot builds, signs, reads and queries list snapshots, and
// makes and applies deltas between them. The byte format is specified in
// lists/FORMAT.md.
//
// A snapshot holds 64-bit fingerprints of every lookup key an entry yields,
// a Bloom filter over them for fast rejection, and a compact provenance
// table, so that answering "is this URL listed, and why?" never needs the
// network and a Bloom false positive never becomes a warning.
package snapshot

import (
	"bytes"
	"cmp"
	"crypto/ed25519"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/bits-and-blooms/bloom/v3"
	"github.com/cespare/xxhash/v2"

	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/keys"
)

// Errors the decoders wrap, so callers can tell failures apart with
// errors.Is.
var (
	ErrMalformed    = errors.New("malformed")
	ErrTruncated    = errors.New("truncated")
	ErrTooLarge     = errors.New("too large")
	ErrUnknownKey   = errors.New("signed by an untrusted key")
	ErrBadSignature = errors.New("bad signature")
	ErrVersion      = errors.New("unsupported format version")
	ErrNotNewer     = errors.New("version not newer")
	ErrWrongBase    = errors.New("delta does not apply to this snapshot")
)

// Limits a decoder enforces before allocating anything.
const (
	MaxKeys        = 1 << 24 // 16.7M fingerprints
	MaxProvenances = 1 << 22
	MaxNameLen     = 64
	MaxSize        = 512 << 20
	// FalsePositiveRate is the Bloom filter's design rate. A false positive
	// costs one binary search, never a warning.
	FalsePositiveRate = 1e-6
)

// Snapshot is a decoded, signed list snapshot. It is read-only once built
// or decoded and safe for concurrent lookups.
type Snapshot struct {
	Name        string
	Version     uint64
	Created     time.Time // second precision, UTC
	Entries     int       // patterns listed (a prefix pattern has two keys)
	Provenances []entry.Provenance
	Keys        []uint64 // fingerprints of lookup keys, ascending
	Markers     []uint64 // fingerprints of hosts with prefix entries, ascending
	BloomM      uint64   // Bloom filter size in bits
	BloomK      uint8    // Bloom filter hash count
	KeyID       keys.ID
	Signature   [ed25519.SignatureSize]byte
	// LookAlikes is the look-alike section, nil when the list has none.
	LookAlikes *LookAlikes
	// Names are the listed patterns in clear for browser rules, nil when
	// the publisher does not publish them (FORMAT.md, section 2).
	Names []string

	format     uint16       // 1 or 2 (sections)
	unknown    []rawSection // sections this build does not know
	index      []byte       // provenance index of each key, indexWidth bytes little-endian
	indexWidth int
	bloom      *bloom.BloomFilter
	prefilter  prefilter
	raw        []byte // the encoded, signed snapshot
}

// ProvenanceOf returns the provenance of Keys[i].
func (s *Snapshot) ProvenanceOf(i int) entry.Provenance {
	return s.Provenances[s.indexAt(i)]
}

func (s *Snapshot) indexAt(i int) uint32 {
	b := s.index[i*s.indexWidth : (i+1)*s.indexWidth]
	var v uint32
	for j := len(b) - 1; j >= 0; j-- {
		v = v<<8 | uint32(b[j])
	}
	return v
}

// indexWidth returns the bytes needed per provenance index for n records.
func indexWidthFor(n int) int {
	w := 1
	for n > 1<<(8*w) {
		w++
	}
	return w
}

// Bytes returns the encoded, signed snapshot. Callers must not modify it.
func (s *Snapshot) Bytes() []byte { return s.raw }

// Fingerprint is the 64-bit hash of a lookup key: xxHash64, seed 0, over
// the key's bytes.
func Fingerprint(key string) uint64 { return xxhash.Sum64String(key) }

// bloomParams returns the filter size for n keys, derived only from n so
// that a client applying a delta rebuilds the identical filter.
func bloomParams(n int) (m uint64, k uint8) {
	mm, kk := bloom.EstimateParameters(uint(max(n, 1)), FalsePositiveRate)
	return uint64(mm), uint8(kk)
}

// Options say what to build.
type Options struct {
	Name    string
	Version uint64
	Created time.Time
	// BrowserNames puts every pattern in clear in the snapshot, for rules
	// a browser applies itself (FORMAT.md, section 2).
	BrowserNames bool
}

type keyed struct {
	fp   uint64
	prov uint32
	key  string // for error messages
}

// Build makes a snapshot of entries and signs it with priv. Entries must be
// valid (entry.Entry.Validate); duplicates are an error, naming both.
func Build(opt Options, entries []entry.Entry, priv ed25519.PrivateKey) (*Snapshot, error) {
	if err := validName(opt.Name); err != nil {
		return nil, err
	}
	if len(entries) > MaxKeys/2 {
		return nil, fmt.Errorf("snapshot: %d entries: %w (at most %d)", len(entries), ErrTooLarge, MaxKeys/2)
	}
	provIndex := make(map[entry.Provenance]uint32)
	var provs []entry.Provenance
	ks := make([]keyed, 0, len(entries)+len(entries)/8)
	entryProv := make([]uint32, len(entries))
	var markers []uint64
	for i := range entries {
		e := &entries[i]
		pi, ok := provIndex[e.Provenance]
		// Many entries share a provenance (one advisory lists thousands
		// of domains): a provenance already in the table is valid, so only
		// the pattern is left to check.
		if !ok || e.Pattern.Host == "" {
			if err := e.Validate(); err != nil {
				return nil, fmt.Errorf("snapshot: entry %d: %w", i+1, err)
			}
		}
		if !ok {
			pi = uint32(len(provs))
			provIndex[e.Provenance] = pi
			provs = append(provs, e.Provenance)
		}
		entryProv[i] = pi
		for _, k := range e.Pattern.Keys() {
			ks = append(ks, keyed{Fingerprint(k), pi, k})
		}
		if m := e.Pattern.Marker(); m != "" {
			markers = append(markers, Fingerprint(m))
		}
	}
	// The provenance table is sorted by encoding so that its order depends
	// only on its content: deltas rebuild it identically.
	order := sortProvenances(provs)
	slices.SortFunc(ks, func(a, b keyed) int { return cmp.Compare(a.fp, b.fp) })
	s := &Snapshot{
		Name:        opt.Name,
		Version:     opt.Version,
		Created:     opt.Created.UTC().Truncate(time.Second),
		Entries:     len(entries),
		Provenances: make([]entry.Provenance, len(provs)),
		Keys:        make([]uint64, len(ks)),
		indexWidth:  indexWidthFor(len(provs)),
		format:      formatVersion,
	}
	s.index = make([]byte, len(ks)*s.indexWidth)
	for old, nu := range order {
		s.Provenances[nu] = provs[old]
	}
	for i, k := range ks {
		if i > 0 && ks[i-1].fp == k.fp {
			return nil, fmt.Errorf("snapshot: keys %q and %q: %w: same fingerprint (duplicate entry?)", ks[i-1].key, k.key, ErrMalformed)
		}
		s.Keys[i] = k.fp
		putIndex(s.index[i*s.indexWidth:], s.indexWidth, order[k.prov])
	}
	slices.Sort(markers)
	s.Markers = slices.Compact(markers)
	s.buildBloom()
	s.LookAlikes = buildLookAlikes(entries, func(i int) uint32 { return order[entryProv[i]] })
	if opt.BrowserNames {
		s.Names = browserNames(entries)
	}
	s.raw = s.encode(priv)
	return s, nil
}

// sortProvenances returns, for each provenance, its position in the table
// sorted by encoded bytes.
func sortProvenances(provs []entry.Provenance) []uint32 {
	enc := make([][]byte, len(provs))
	idx := make([]int, len(provs))
	for i, p := range provs {
		enc[i] = appendProvenance(nil, p)
		idx[i] = i
	}
	slices.SortFunc(idx, func(a, b int) int { return bytes.Compare(enc[a], enc[b]) })
	order := make([]uint32, len(provs))
	for nu, old := range idx {
		order[old] = uint32(nu)
	}
	return order
}

func putIndex(b []byte, width int, v uint32) {
	for j := 0; j < width; j++ {
		b[j] = byte(v >> (8 * j))
	}
}

func (s *Snapshot) buildBloom() {
	s.BloomM, s.BloomK = bloomParams(len(s.Keys))
	s.bloom = bloom.New(uint(s.BloomM), uint(s.BloomK))
	var b [8]byte
	for _, fp := range s.Keys {
		putUint64(b[:], fp)
		s.bloom.Add(b[:])
	}
	s.prefilter = newPrefilter(s.Keys)
}

func validName(name string) error {
	if name == "" || len(name) > MaxNameLen {
		return fmt.Errorf("snapshot: list name %q: %w: want 1 to %d characters", name, ErrMalformed, MaxNameLen)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("snapshot: list name %q: %w: use a-z, 0-9, '-', '_' and '.'", name, ErrMalformed)
		}
	}
	return nil
}

// Stats describes a snapshot for people and tools.
type Stats struct {
	Format           int       `json:"format"`
	LookAlikeTargets int       `json:"lookalike_targets"`
	LookAlikeKeys    int       `json:"lookalike_filter_keys"`
	BrowserNames     int       `json:"browser_names"`
	Name             string    `json:"name"`
	Version          uint64    `json:"version"`
	Created          time.Time `json:"created"`
	Entries          int       `json:"entries"`
	Keys             int       `json:"keys"`
	Markers          int       `json:"markers"`
	Provenances      int       `json:"provenances"`
	BloomBits        uint64    `json:"bloom_bits"`
	BloomHashes      int       `json:"bloom_hashes"`
	KeyID            string    `json:"key_id"`
	Bytes            int       `json:"bytes"`
}

// Stats summarizes s.
func (s *Snapshot) Stats() Stats {
	st := Stats{
		Format: int(s.format), BrowserNames: len(s.Names),
		Name: s.Name, Version: s.Version, Created: s.Created, Entries: s.Entries,
		Keys: len(s.Keys), Markers: len(s.Markers), Provenances: len(s.Provenances),
		BloomBits: s.BloomM, BloomHashes: int(s.BloomK), KeyID: s.KeyID.String(), Bytes: len(s.raw),
	}
	if s.LookAlikes != nil {
		st.LookAlikeTargets, st.LookAlikeKeys = s.LookAlikes.Len(), s.LookAlikes.N
	}
	return st
}

// HasBrowserNames reports whether the snapshot carries its names in clear.
func (s *Snapshot) HasBrowserNames() bool { return s.Names != nil }
