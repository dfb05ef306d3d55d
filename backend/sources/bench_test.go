package sources

import (
	"testing"

	"github.com/redflag/redflag/backend/feeds/feedtest"
	"github.com/redflag/redflag/backend/store"
)

// BenchmarkPull1M: a pull of a 1,000,000-line hosts feed over HTTP from
// 127.0.0.1 that drops 10,000 names and gains 10,000 (fetch, parse,
// compare, check, and one transaction with the change and the source's
// new state); then the same feed unchanged (a 304). Compare with
// BenchmarkRead1M in backend/feeds, the parse alone.
func BenchmarkPull1M(b *testing.B) {
	h := newHarness(b)
	f := feedtest.NewFile(feedtest.Hosts(0, 1_000_000))
	defer f.Close()
	h.add("big", f.URL(), "hosts", Settings{MaxAdds: ptr(2_000_000)})
	first := h.pull("big")
	if first.Added != 1_000_000 {
		b.Fatalf("first pull: %+v", first)
	}
	h.approve(first.Change)
	i := 0 // the feed's window moves on across runs (-count)
	b.Run("changed", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			i++
			f.Set(feedtest.Hosts(i*10_000, 1_000_000))
			b.StartTimer()
			p := h.pull("big")
			if p.Result != store.PullProposed || p.Added != 10_000 || p.Removed != 10_000 {
				b.Fatalf("pull %d: %+v", i, p)
			}
		}
	})
	b.Run("unchanged", func(b *testing.B) {
		for b.Loop() {
			if p := h.pull("big"); p.Result != store.PullUnchanged || p.Status != 304 {
				b.Fatalf("%+v", p)
			}
		}
	})
}
