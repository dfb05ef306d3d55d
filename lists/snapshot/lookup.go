package snapshot

import (
	"slices"

	"github.com/cespare/xxhash/v2"

	"github.com/redflag/redflag/lists/canon"
	"github.com/redflag/redflag/lists/entry"
)

// Match is a listed expression and why it is listed.
type Match struct {
	Expression string // the lookup expression that matched, e.g. "silverstarchina.com/"
	entry.Provenance
}

// Lookup reports the first expression of u, in Safe Browsing order, that
// the snapshot lists. It tries "host/" for every host suffix, and the other
// path expressions only for hosts that have prefix entries, so a clean URL
// costs one Bloom probe per host suffix.
func (s *Snapshot) Lookup(u canon.URL) (Match, bool) {
	var hostsBuf [canon.MaxHosts]string
	var keyBuf [256]byte
	var paths []string
	key := keyBuf[:0]
	for _, h := range u.Hosts(hostsBuf[:0]) {
		if len(s.Markers) > 0 && s.hasMarker(h) {
			if paths == nil {
				paths = u.Paths(make([]string, 0, canon.MaxPaths))
			}
			for _, p := range paths {
				key = append(append(key[:0], h...), p...)
				if m, ok := s.match(key); ok {
					return m, true
				}
			}
			continue
		}
		key = append(append(key[:0], h...), '/')
		if m, ok := s.match(key); ok {
			return m, true
		}
	}
	return Match{}, false
}

// Contains reports whether key (a lookup expression) is listed.
func (s *Snapshot) Contains(key string) (entry.Provenance, bool) {
	m, ok := s.match([]byte(key))
	return m.Provenance, ok
}

func (s *Snapshot) match(key []byte) (Match, bool) {
	i, ok := s.find(xxhash.Sum64(key), s.Keys)
	if !ok {
		return Match{}, false
	}
	return Match{Expression: string(key), Provenance: s.ProvenanceOf(i)}, true
}

func (s *Snapshot) hasMarker(host string) bool {
	_, ok := s.find(xxhash.Sum64String(host), s.Markers)
	return ok
}

// find tests the Bloom filter, then confirms a hit exactly by binary search
// among the fingerprints, so a Bloom false positive is never reported.
func (s *Snapshot) find(fp uint64, sorted []uint64) (int, bool) {
	var b [8]byte
	putUint64(b[:], fp)
	if !s.bloom.Test(b[:]) {
		return 0, false
	}
	return slices.BinarySearch(sorted, fp)
}
