package feeds

import (
	"slices"
	"strings"
	"testing"

	"github.com/redflag/redflag/backend/content"
	"github.com/redflag/redflag/backend/feeds/feedtest"
	"github.com/redflag/redflag/backend/store"
)

func hostsFeed(first, n int) []byte { return []byte(feedtest.Hosts(first, n)) }

// listedSet is a list whose content is exactly the batch, all listed by
// change 1: what a source carries after its first pull is approved.
type listedSet struct{ set *content.Set }

func (l listedSet) Listed(p string) (bool, bool) {
	e, ok := l.set.Get(p)
	return ok, ok && e.Change == 1
}

func (listedSet) PendingAdd(string) bool { return false }

// The pull path on a 1,000,000-line hosts feed, one stage at a time; the
// importer's parse (BenchmarkRead1M) is the baseline the comparison adds
// to. The feed of the second pull drops 1% of the names and gains as many.
func BenchmarkRead1M(b *testing.B) {
	body := hostsFeed(0, 1_000_000)
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		res, err := Read(body, "hosts", provA)
		if err != nil || len(res.Entries) != 1_000_000 {
			b.Fatal(err)
		}
	}
}

func BenchmarkDiff1M(b *testing.B) {
	first, err := Read(hostsFeed(0, 1_000_000), "hosts", provA)
	if err != nil {
		b.Fatal(err)
	}
	base := Diff(store.Batch{}, first.Entries, listedSet{content.New(content.NewProvenances())}).Baseline
	set := content.New(content.NewProvenances()).Apply([]store.Batch{base}, 1)
	next, err := Read(hostsFeed(10_000, 1_000_000), "hosts", provA)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		p := Diff(base, next.Entries, listedSet{set})
		if len(p.Adds) != 10_000 || len(p.Removes) != 10_000 || p.Baseline.Len() != 1_000_000 {
			b.Fatalf("%d adds, %d removes, %d carried", len(p.Adds), len(p.Removes), p.Baseline.Len())
		}
	}
}

// TestDiffLarge: the benchmark's case, checked once in make test at a
// tenth of the size: what Diff finds is what a set difference says.
func TestDiffLarge(t *testing.T) {
	first, _ := Read(hostsFeed(0, 100_000), "hosts", provA)
	base := Diff(store.Batch{}, first.Entries, listedSet{content.New(content.NewProvenances())}).Baseline
	set := content.New(content.NewProvenances()).Apply([]store.Batch{base}, 1)
	next, _ := Read(hostsFeed(1_000, 100_000), "hosts", provA)
	p := Diff(base, next.Entries, listedSet{set})
	var adds, rms []string
	for _, e := range p.Adds {
		adds = append(adds, e.Pattern.String())
	}
	for _, r := range p.Removes {
		rms = append(rms, r.String())
	}
	slices.Sort(adds)
	if len(adds) != 1000 || adds[0] != "front-0100000.example" || adds[999] != "front-0100999.example" ||
		len(rms) != 1000 || rms[0] != "front-0000000.example" || rms[999] != "front-0000999.example" || p.Dropped != 1000 {
		t.Errorf("%d adds (%v…), %d removes (%v…), %d dropped", len(adds), adds[:1], len(rms), rms[:1], p.Dropped)
	}
	if !slices.IsSortedFunc(p.Baseline.Ops, func(a, b store.BatchOp) int { return strings.Compare(a.Pattern, b.Pattern) }) || p.Baseline.Len() != 100_000 {
		t.Error("the baseline is not sorted or lost entries")
	}
}
