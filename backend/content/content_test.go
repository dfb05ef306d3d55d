package content

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/synthetic"
)

var prov = entry.Provenance{Kind: entry.Flagged, Authority: "A", Date: "2026-11-20", Reference: "https://a.example/"}

func add(p string) store.Item {
	return store.Item{Op: store.Add, Entry: entry.Entry{Pattern: entry.Pattern{Host: p}, Provenance: prov}}
}

func remove(p string) store.Item {
	return store.Item{Op: store.Remove, Entry: entry.Entry{Pattern: entry.Pattern{Host: p}}}
}

func batches(items ...[]store.Item) []store.Batch {
	var out []store.Batch
	for _, it := range items {
		out = append(out, store.BatchOf(it))
	}
	return out
}

func patterns(s *Set) string {
	var out []string
	for _, e := range s.Entries() {
		out = append(out, e.Pattern.String())
	}
	return strings.Join(out, " ")
}

func TestApply(t *testing.T) {
	s := New(NewProvenances())
	s1 := s.Apply(batches([]store.Item{add("c.example"), add("a.example")}, []store.Item{add("b.example")}), 1)
	s2 := s1.Apply(batches([]store.Item{remove("b.example"), add("d.example"), remove("nope.example")}), 2)
	other := prov
	other.Authority = "B"
	s3 := s2.Apply(batches([]store.Item{{Op: store.Add, Entry: entry.Entry{Pattern: entry.Pattern{Host: "a.example"}, Provenance: other}}}, []store.Item{remove("a.example")}, []store.Item{add("a.example"), add("d.example")}, []store.Item{remove("d.example"), add("d.example")}), 3)
	tests := []struct {
		set  *Set
		want string
	}{
		{s, ""},
		{s1, "a.example b.example c.example"},
		{s2, "a.example c.example d.example"},
		{s3, "a.example c.example d.example"},
	}
	for i, tt := range tests {
		if got := patterns(tt.set); got != tt.want {
			t.Errorf("set %d: %q, want %q", i, got, tt.want)
		}
	}
	if e, _ := s3.Get("a.example"); e.Change != 3 || e.Authority != "A" {
		t.Errorf("last item wins: %+v", e)
	}
	if e, _ := s2.Get("a.example"); e.Change != 1 {
		t.Errorf("older set changed: %+v", e)
	}
	// Diff turns one set into another.
	d := s1.Diff(s2)
	if got := patterns(s1.Apply(batches(d), 9)); got != patterns(s2) || len(d) != 2 {
		t.Errorf("diff %+v gives %q", d, got)
	}
}

func TestPage(t *testing.T) {
	es := synthetic.Entries(5000, 3)
	items := make([]store.Item, len(es))
	for i, e := range es {
		items[i] = store.Item{Op: store.Add, Entry: e}
	}
	s := New(NewProvenances()).Apply(batches(items[:2000], items[2000:]), 1)
	seen := 0
	q := Query{Limit: 700}
	for {
		p := s.Page(q)
		seen += len(p.Entries)
		if p.Total != 5000 || p.Matched != 5000 {
			t.Fatalf("page %+v", p)
		}
		if p.Next == "" {
			break
		}
		q.After = p.Next
	}
	if seen != 5000 {
		t.Errorf("paged through %d entries", seen)
	}
	target := es[1234].Pattern.String()
	p := s.Page(Query{Search: strings.ToUpper(target)})
	if p.Matched < 1 || p.Entries[0].Pattern.String() != target {
		t.Errorf("search %q: %+v", target, p)
	}
	p = s.Page(Query{Search: "github.com/", Limit: 10})
	if p.Matched == 0 || len(p.Entries) != 10 || p.Next == "" {
		t.Errorf("prefix entries: matched %d", p.Matched)
	}
	p = s.Page(Query{Kind: entry.Seized, Limit: 1000})
	for _, e := range p.Entries {
		if e.Kind != entry.Seized {
			t.Fatalf("kind filter let %v through", e)
		}
	}
}

// TestApplyOrderedRuns: batches that follow each other are concatenated,
// and a pattern ending one batch and starting the next takes the later op.
func TestApplyOrderedRuns(t *testing.T) {
	s := New(NewProvenances()).Apply(batches(
		[]store.Item{add("a.example"), add("b.example")},
		[]store.Item{remove("b.example"), add("c.example")},
		[]store.Item{add("d.example")}), 1)
	if got := patterns(s); got != "a.example c.example d.example" {
		t.Errorf("got %q", got)
	}
}

// TestApplySparse: few changes on a large set take the binary-search path
// and give what the walk gives.
func TestApplySparse(t *testing.T) {
	es := synthetic.Entries(10000, 9)
	items := make([]store.Item, len(es))
	for i, e := range es {
		items[i] = store.Item{Op: store.Add, Entry: e}
	}
	big := New(NewProvenances()).Apply(batches(items), 1)
	change := []store.Item{remove(es[0].Pattern.String()), add("zzz.example"), add("aaa.example"), remove(es[9999].Pattern.String())}
	sparse := big.Apply(batches(change), 2)
	var want []string
	for _, e := range big.Entries() {
		if p := e.Pattern.String(); p != es[0].Pattern.String() && p != es[9999].Pattern.String() {
			want = append(want, p)
		}
	}
	want = append(want, "aaa.example", "zzz.example")
	slices.Sort(want)
	if got := patterns(sparse); got != strings.Join(want, " ") {
		t.Errorf("sparse apply differs (%d entries, want %d)", sparse.Len(), len(want))
	}
}

// BenchmarkApply1M: approving a 200-item change on a million-entry list.
func BenchmarkApply1M(b *testing.B) {
	es := synthetic.Entries(1_000_000, 1)
	items := make([]store.Item, len(es))
	for i, e := range es {
		items[i] = store.Item{Op: store.Add, Entry: e}
	}
	s := New(NewProvenances()).Apply(batches(items), 1)
	var change []store.Item
	for _, e := range synthetic.Entries(100, 99) {
		change = append(change, store.Item{Op: store.Add, Entry: e})
	}
	for _, e := range es[:100] {
		change = append(change, remove(e.Pattern.String()))
	}
	bs := batches(change)
	for b.Loop() {
		s.Apply(bs, 2)
	}
}

// BenchmarkPage1M measures what the admin console asks on a
// million-entry list: the first page, a later page, and a search.
func BenchmarkPage1M(b *testing.B) {
	es := synthetic.Entries(1_000_000, 1)
	items := make([]store.Item, len(es))
	for i, e := range es {
		items[i] = store.Item{Op: store.Add, Entry: e}
	}
	s := New(NewProvenances()).Apply(batches(items), 1)
	for _, q := range []Query{{Limit: 100}, {After: "m", Limit: 100}, {Search: es[777].Pattern.Host, Limit: 100}} {
		b.Run(fmt.Sprintf("search=%q,after=%q", q.Search, q.After), func(b *testing.B) {
			for b.Loop() {
				s.Page(q)
			}
		})
	}
}
