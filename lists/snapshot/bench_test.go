package snapshot

import (
	"math"
	"sync"
	"testing"
	"time"

	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/synthetic"
)

var (
	millionOnce    sync.Once
	millionEntries []entry.Entry
	million        *Snapshot
)

func oneMillion(b *testing.B) ([]entry.Entry, *Snapshot) {
	millionOnce.Do(func() {
		millionEntries = synthetic.Entries(1_000_000, 1)
		var err error
		million, err = Build(Options{Name: "bench", Version: 1, Created: time.Unix(0, 0)}, millionEntries, testPriv)
		if err != nil {
			b.Fatal(err)
		}
	})
	return millionEntries, million
}

// BenchmarkBuild1M builds and signs a 1,000,000-entry snapshot and reports
// its size per entry next to the Bloom optimum at the same false-positive
// rate; lookalikes=off is the same entries with look-alikes off, so the
// two runs give the build time and the bytes look-alike keys add.
func BenchmarkBuild1M(b *testing.B) {
	es, _ := oneMillion(b)
	off := append([]entry.Entry(nil), es...)
	for i := range off {
		off[i].LookAlikesOff = true
	}
	for _, run := range []struct {
		name    string
		entries []entry.Entry
	}{{"lookalikes=on", es}, {"lookalikes=off", off}} {
		b.Run(run.name, func(b *testing.B) {
			var s *Snapshot
			for i := 0; i < b.N; i++ {
				var err error
				if s, err = Build(Options{Name: "bench", Version: 1, Created: time.Unix(0, 0)}, run.entries, testPriv); err != nil {
					b.Fatal(err)
				}
			}
			n := float64(len(run.entries))
			b.ReportMetric(float64(len(s.Bytes()))/n, "B/entry")
			b.ReportMetric(float64(s.BloomM)/8/n, "bloom-B/entry")
			b.ReportMetric(1.44*math.Log2(1/FalsePositiveRate)/8*float64(len(s.Keys))/n, "bloom-optimum-B/entry")
			b.ReportMetric(8*float64(len(s.Keys))/n, "fingerprint-B/entry")
			if s.LookAlikes != nil {
				b.ReportMetric(float64(len(s.LookAlikes.encode(nil)))/n, "lookalike-B/entry")
			}
		})
	}
}

// BenchmarkOpen1M decodes and verifies a 1M-entry snapshot, what a client
// does at start with a stored list.
func BenchmarkOpen1M(b *testing.B) {
	_, s := oneMillion(b)
	raw := s.Bytes()
	b.SetBytes(int64(len(raw)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Open(raw, trust); err != nil {
			b.Fatal(err)
		}
	}
}

// deltaPair is the 1M list and its successor with 100 changes (50 removed,
// 50 added).
func deltaPair(b *testing.B) (*Snapshot, *Snapshot) {
	es, from := oneMillion(b)
	changed := append(append([]entry.Entry(nil), es[50:]...), synthetic.Entries(50, 99)...)
	to, err := Build(Options{Name: "bench", Version: 2, Created: time.Unix(60, 0)}, changed, testPriv)
	if err != nil {
		b.Fatal(err)
	}
	return from, to
}

// BenchmarkDiff100 makes the delta for 100 changes on a 1M list and
// reports its size.
func BenchmarkDiff100(b *testing.B) {
	from, to := deltaPair(b)
	b.ResetTimer()
	var d []byte
	for i := 0; i < b.N; i++ {
		d, _ = Diff(from, to, testPriv)
	}
	b.ReportMetric(float64(len(d)), "delta-bytes")
	b.ReportMetric(float64(len(to.Bytes())), "snapshot-bytes")
}

// BenchmarkApplyDelta100 is a client applying that delta: merge, Bloom
// rebuild and signature check.
func BenchmarkApplyDelta100(b *testing.B) {
	from, to := deltaPair(b)
	d, err := Diff(from, to, testPriv)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ApplyDelta(from, d, trust); err != nil {
			b.Fatal(err)
		}
	}
}
