// Package content holds a list's working content in memory: every entry
// that approved changes have listed, sorted by pattern, so that a
// million-entry list pages, searches and feeds a snapshot build in
// milliseconds without a database scan. A Set is immutable; applying a
// change returns a new one, so readers never lock.
package content

import (
	"slices"
	"strings"
	"sync"

	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/lists/entry"
)

// record is one listed pattern. Provenances are interned: real lists share
// a handful of them across thousands of entries.
type record struct {
	pattern       string
	prov          uint32
	lookAlikesOff bool
	change        int64 // the change that listed it
}

// Provenances interns provenance records; safe for concurrent use.
type Provenances struct {
	mu    sync.RWMutex
	list  []entry.Provenance
	index map[entry.Provenance]uint32
}

// NewProvenances returns an empty table.
func NewProvenances() *Provenances {
	return &Provenances{index: make(map[entry.Provenance]uint32)}
}

func (p *Provenances) intern(v entry.Provenance) uint32 {
	p.mu.RLock()
	i, ok := p.index[v]
	p.mu.RUnlock()
	if ok {
		return i
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if i, ok := p.index[v]; ok {
		return i
	}
	i = uint32(len(p.list))
	p.list = append(p.list, v)
	p.index[v] = i
	return i
}

func (p *Provenances) get(i uint32) entry.Provenance {
	p.mu.RLock()
	defer p.mu.RUnlock()
	return p.list[i]
}

// Set is a list's content at one point: immutable.
type Set struct {
	provs   *Provenances
	records []record // ascending by pattern, no duplicates
}

// New returns an empty set sharing provs.
func New(provs *Provenances) *Set { return &Set{provs: provs} }

// Len returns the number of entries.
func (s *Set) Len() int { return len(s.records) }

// Entry is one listed entry and the change that listed it.
type Entry struct {
	entry.Entry
	Change int64
}

func (s *Set) entryAt(i int) Entry {
	r := s.records[i]
	return Entry{Entry: entry.Entry{Pattern: store.SplitPattern(r.pattern), Provenance: s.provs.get(r.prov), LookAlikesOff: r.lookAlikesOff}, Change: r.change}
}

func (s *Set) find(pattern string) (int, bool) {
	return slices.BinarySearchFunc(s.records, pattern, func(r record, p string) int { return strings.Compare(r.pattern, p) })
}

// Get returns the entry for pattern.
func (s *Set) Get(pattern string) (Entry, bool) {
	i, ok := s.find(pattern)
	if !ok {
		return Entry{}, false
	}
	return s.entryAt(i), true
}

// Entries returns every entry, for a snapshot build.
func (s *Set) Entries() []entry.Entry {
	out := make([]entry.Entry, len(s.records))
	s.provs.mu.RLock()
	defer s.provs.mu.RUnlock()
	for i, r := range s.records {
		out[i] = entry.Entry{Pattern: store.SplitPattern(r.pattern), Provenance: s.provs.list[r.prov], LookAlikesOff: r.lookAlikesOff}
	}
	return out
}

// Apply returns the set with a change's batches of items applied in order
// (a later item for the same pattern wins), recording change as the source
// of additions. Batches arrive sorted by pattern (package workflow stores
// them so), so a million-entry change costs a few linear merges, not a
// sort: O(n + k log b) for k items in b batches.
func (s *Set) Apply(batches []store.Batch, change int64) *Set {
	runs := make([][]op, 0, len(batches))
	for _, b := range batches {
		provs := make([]uint32, len(b.Provenances))
		for i, p := range b.Provenances {
			provs[i] = s.provs.intern(p)
		}
		run := make([]op, len(b.Ops))
		for i, o := range b.Ops {
			run[i] = op{pattern: o.Pattern, add: !o.Remove, lookAlikesOff: o.LookAlikesOff}
			if run[i].add {
				run[i].prov = provs[o.Prov]
			}
		}
		if !slices.IsSortedFunc(run, compareOps) {
			slices.SortStableFunc(run, compareOps)
		}
		runs = append(runs, run)
	}
	// Runs uploaded from one sorted file follow each other: concatenate.
	// Otherwise merge them pairwise; on equal patterns the earlier run
	// comes first, so the last op per pattern is the latest item.
	if len(runs) > 1 && inOrder(runs) {
		var all []op
		for _, r := range runs {
			all = append(all, r...)
		}
		runs = [][]op{all}
	}
	for len(runs) > 1 {
		next := runs[:0:0]
		for i := 0; i < len(runs); i += 2 {
			if i+1 == len(runs) {
				next = append(next, runs[i])
				continue
			}
			next = append(next, mergeOps(runs[i], runs[i+1]))
		}
		runs = next
	}
	var ops []op
	if len(runs) == 1 {
		ops = runs[0]
	}
	out := make([]record, 0, len(s.records)+len(ops))
	// Few ops on a big set: find each by binary search and copy the runs
	// between them whole; many ops: walk both in step.
	sparse := len(ops) < len(s.records)/64
	i := 0
	for j, o := range ops {
		if j+1 < len(ops) && ops[j+1].pattern == o.pattern {
			continue // a later op for this pattern wins
		}
		if sparse {
			k, _ := slices.BinarySearchFunc(s.records[i:], o.pattern, func(r record, p string) int { return strings.Compare(r.pattern, p) })
			out = append(out, s.records[i:i+k]...)
			i += k
		} else {
			for i < len(s.records) && s.records[i].pattern < o.pattern {
				out = append(out, s.records[i])
				i++
			}
		}
		if i < len(s.records) && s.records[i].pattern == o.pattern {
			i++ // replaced or removed
		}
		if o.add {
			out = append(out, record{pattern: o.pattern, prov: o.prov, lookAlikesOff: o.lookAlikesOff, change: change})
		}
	}
	out = append(out, s.records[i:]...)
	return &Set{provs: s.provs, records: out}
}

type op struct {
	pattern       string
	add           bool
	prov          uint32
	lookAlikesOff bool
}

func compareOps(a, b op) int { return strings.Compare(a.pattern, b.pattern) }

// inOrder reports whether each run starts at or after the end of the
// previous non-empty one.
func inOrder(runs [][]op) bool {
	last := ""
	for _, r := range runs {
		if len(r) == 0 {
			continue
		}
		if r[0].pattern < last {
			return false
		}
		last = r[len(r)-1].pattern
	}
	return true
}

func mergeOps(a, b []op) []op {
	out := make([]op, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if b[j].pattern < a[i].pattern {
			out = append(out, b[j])
			j++
		} else {
			out = append(out, a[i])
			i++
		}
	}
	out = append(out, a[i:]...)
	return append(out, b[j:]...)
}

// Diff returns the items that turn s into to: removals of what to lacks,
// additions of what to has new or with another provenance or look-alike
// setting.
func (s *Set) Diff(to *Set) []store.Item {
	var items []store.Item
	i, j := 0, 0
	for i < len(s.records) || j < len(to.records) {
		switch {
		case j == len(to.records) || (i < len(s.records) && s.records[i].pattern < to.records[j].pattern):
			items = append(items, store.Item{Op: store.Remove, Entry: entry.Entry{Pattern: store.SplitPattern(s.records[i].pattern)}})
			i++
		case i == len(s.records) || to.records[j].pattern < s.records[i].pattern:
			items = append(items, store.Item{Op: store.Add, Entry: to.entryAt(j).Entry})
			j++
		default:
			if s.provs.get(s.records[i].prov) != to.provs.get(to.records[j].prov) || s.records[i].lookAlikesOff != to.records[j].lookAlikesOff {
				items = append(items, store.Item{Op: store.Add, Entry: to.entryAt(j).Entry})
			}
			i++
			j++
		}
	}
	return items
}

// Query selects a page of entries.
type Query struct {
	Search string // case-insensitive substring of the pattern; "" for all
	Kind   entry.Kind
	After  string // the last pattern of the previous page
	Limit  int
}

// Page is one page of entries.
type Page struct {
	Entries []Entry
	Total   int    // entries in the list
	Matched int    // entries matching the query
	Next    string // After for the next page; "" on the last page
}

// MaxLimit bounds a page.
const MaxLimit = 1000

// Page returns the entries after q.After that match q, in pattern order.
// Without a filter it is a binary search and a slice; with one, a scan
// that also counts every match.
func (s *Set) Page(q Query) Page {
	limit := q.Limit
	if limit <= 0 || limit > MaxLimit {
		limit = 100
	}
	start, _ := slices.BinarySearchFunc(s.records, q.After, func(r record, p string) int { return strings.Compare(r.pattern, p) })
	for start < len(s.records) && q.After != "" && s.records[start].pattern <= q.After {
		start++
	}
	p := Page{Total: len(s.records), Entries: []Entry{}}
	search := strings.ToLower(strings.TrimSpace(q.Search))
	if search == "" && q.Kind == 0 {
		p.Matched = len(s.records)
		end := min(start+limit, len(s.records))
		for i := start; i < end; i++ {
			p.Entries = append(p.Entries, s.entryAt(i))
		}
		if end < len(s.records) && end > start {
			p.Next = s.records[end-1].pattern
		}
		return p
	}
	var kindOf []entry.Kind
	if q.Kind != 0 {
		s.provs.mu.RLock()
		for _, pr := range s.provs.list {
			kindOf = append(kindOf, pr.Kind)
		}
		s.provs.mu.RUnlock()
	}
	for i, r := range s.records {
		if search != "" && !strings.Contains(r.pattern, search) {
			continue
		}
		if q.Kind != 0 && kindOf[r.prov] != q.Kind {
			continue
		}
		p.Matched++
		if i < start {
			continue
		}
		if len(p.Entries) < limit {
			p.Entries = append(p.Entries, s.entryAt(i))
		} else if p.Next == "" {
			p.Next = p.Entries[len(p.Entries)-1].Pattern.String()
		}
	}
	return p
}
