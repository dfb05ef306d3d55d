package snapshot

import (
	"slices"

	"github.com/cespare/xxhash/v2"

	"github.com/redflag/redflag/lists/canon"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/lookalike"
)

// Match is a listed expression and why it is listed.
type Match struct {
	Expression string // the lookup expression that matched, e.g. "silverstarchina.com/"
	entry.Provenance
}

// Lookup reports the first expression of u, in Safe Browsing order, that
// the snapshot lists. Every expression that could be listed is tried: the
// path expressions of a host are only tried when the host has prefix
// entries (its marker), so a clean URL costs one Bloom test per host
// suffix.
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
	i, ok := s.find(xxhash.Sum64(key))
	if !ok {
		return Match{}, false
	}
	return Match{Expression: string(key), Provenance: s.ProvenanceOf(i)}, true
}

// hasMarker searches the markers directly: there are few (one per host
// with prefix entries, such as github.com), so the search stays in cache
// where a Bloom probe would miss it.
func (s *Snapshot) hasMarker(host string) bool {
	_, ok := slices.BinarySearch(s.Markers, xxhash.Sum64String(host))
	return ok
}

// find tests the prefilter and the Bloom filter, then confirms a hit
// exactly by binary search among the fingerprints, so a Bloom false
// positive is never reported.
func (s *Snapshot) find(fp uint64) (int, bool) {
	if !s.prefilter.mayContain(fp) {
		return 0, false
	}
	var b [8]byte
	putUint64(b[:], fp)
	if !s.bloom.Test(b[:]) {
		return 0, false
	}
	return slices.BinarySearch(s.Keys, fp)
}

// prefilter is a one-probe filter over the top bits of each fingerprint,
// built in memory when a snapshot is loaded (it is not part of the file).
// At eight bits per key it is a quarter of the Bloom filter's size, so it
// mostly stays in cache and rejects about nine in ten clean lookups with a
// single memory access; the Bloom filter's probes, spread over megabytes,
// then see only the rest. (Four and sixteen bits per key measured slower
// on a 1M list: BenchmarkCheck in lists/check.)
type prefilter struct {
	bits  []uint64
	shift uint
}

func newPrefilter(keys []uint64) prefilter {
	logBits := uint(12)
	for logBits < 28 && 1<<logBits < 8*len(keys) {
		logBits++
	}
	p := prefilter{bits: make([]uint64, 1<<logBits/64), shift: 64 - logBits}
	for _, fp := range keys {
		bit := fp >> p.shift
		p.bits[bit>>6] |= 1 << (bit & 63)
	}
	return p
}

func (p prefilter) mayContain(fp uint64) bool {
	bit := fp >> p.shift
	return p.bits[bit>>6]&(1<<(bit&63)) != 0
}

// Caution is a listed name that an input resembles without being listed:
// the look-alike answer (lists/FORMAT.md, "Look-alike keys").
type Caution struct {
	Resembles        string        // the listed registrable domain, e.g. "silverstarchina.com"
	How              lookalike.How // how the input resembles it
	entry.Provenance               // the listed entry's
}

// LookAlike reports the listed name that p's registrable domain resembles,
// closest first, each candidate confirmed exactly: its sealed name opens
// with the candidate fold, has that fold, and lookalike.Relate holds.
// Among names of one fold (jinyang.asia, jinyang.services) it names the
// one under the input's suffix, else a seized one, else the first.
func (s *Snapshot) LookAlike(p *lookalike.Probe) (Caution, bool) {
	l := s.LookAlikes
	if l == nil {
		return Caution{}, false
	}
	var best Caution
	found := p.Search(l, func(t int, fold string) bool {
		c, ok := s.caution(p, t, fold)
		if !ok {
			return false
		}
		best = c
		// The other names with this fold key.
		key := l.Folds[t]
		for i := t + 1; i < len(l.Folds) && l.Folds[i] == key; i++ {
			if c, ok := s.caution(p, i, fold); ok && Closer(p.Registrable, c, best) {
				best = c
			}
		}
		return true
	})
	return best, found
}

func (s *Snapshot) caution(p *lookalike.Probe, t int, fold string) (Caution, bool) {
	l := s.LookAlikes
	name := lookalike.Open(l.sealedName(t), fold)
	if n, _, ok := lookalike.Split(name); !ok || lookalike.Fold(n) != fold {
		return Caution{}, false // a fingerprint collision, not this name
	}
	how, ok := lookalike.Relate(p.Registrable, name)
	if !ok {
		return Caution{}, false
	}
	return Caution{Resembles: name, How: how, Provenance: s.Provenances[l.provs[t]]}, true
}

// Closer reports whether a is the better name to give than b for input:
// the closer resemblance, then the same suffix as the input, then a
// seized entry, then the name.
func Closer(input string, a, b Caution) bool {
	_, suffix, _ := lookalike.Split(input)
	_, sa, _ := lookalike.Split(a.Resembles)
	_, sb, _ := lookalike.Split(b.Resembles)
	switch {
	case a.How.Rank != b.How.Rank:
		return a.How.Rank < b.How.Rank
	case (sa == suffix) != (sb == suffix):
		return sa == suffix
	case a.Kind != b.Kind:
		return a.Kind == entry.Seized
	}
	return a.Resembles < b.Resembles
}
