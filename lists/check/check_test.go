package check

import (
	"crypto/ed25519"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redflag/redflag/lists/canon"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/lookalike"
	"github.com/redflag/redflag/lists/snapshot"
	"github.com/redflag/redflag/lists/synthetic"
)

var testPriv = ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))

func smallSnapshot(t testing.TB) *snapshot.Snapshot {
	t.Helper()
	var es []entry.Entry
	for _, p := range []string{"silverstarchina.com", "github.com/some-user/"} {
		pat, err := entry.ParsePattern(p)
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, entry.Entry{Pattern: pat, Provenance: synthetic.Provenances[0]})
	}
	es[1].Provenance = synthetic.Provenances[2]
	s, err := snapshot.Build(snapshot.Options{Name: "test", Version: 42, Created: time.Unix(0, 0)}, es, testPriv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestCheck(t *testing.T) {
	s := smallSnapshot(t)
	tests := []struct {
		input, verdict, match, registrable, errPart string
	}{
		{"HTTP://WWW.SilverStarChina.COM./careers?x=1#top", Seized, "silverstarchina.com/", "silverstarchina.com", ""},
		{"hr@silverstarchina.com", Seized, "silverstarchina.com/", "silverstarchina.com", ""},
		{"https://github.com/some-user/repo", Flagged, "github.com/some-user/", "github.com", ""},
		{"https://github.com/", Clean, "", "github.com", ""},
		{"https://example.com", Clean, "", "example.com", ""},
		{"", Invalid, "", "", "empty"},
		{"http://", Invalid, "", "", "no host"},
	}
	for _, tt := range tests {
		r := Check(s, tt.input, Options{})
		if r.Verdict != tt.verdict || r.Match != tt.match || r.Registrable != tt.registrable || !strings.Contains(r.Error, tt.errPart) {
			t.Errorf("Check(%q) = %+v", tt.input, r)
		}
		if r.ListVersion != 42 || r.Input != tt.input {
			t.Errorf("Check(%q): version %d, input %q", tt.input, r.ListVersion, r.Input)
		}
		if r.Listed() != (r.Entry != nil) {
			t.Errorf("Check(%q): listed %v but entry %v", tt.input, r.Listed(), r.Entry)
		}
	}
}

func TestLookupAgreesWithCheck(t *testing.T) {
	s := smallSnapshot(t)
	for _, in := range []string{"https://x.silverstarchina.com/", "https://github.com/some-user", "https://github.com/", "", "hr@silverstarchina.com"} {
		a, err := Lookup(s, in, Options{})
		r := Check(s, in, Options{})
		if a.Listed != r.Listed() || a.Match.Expression != r.Match || (err != nil) != (r.Verdict == Invalid) {
			t.Errorf("Lookup(%q) = %+v %v; Check says %+v", in, a, err, r)
		}
	}
}

func TestCheckJSON(t *testing.T) {
	r := Check(smallSnapshot(t), "https://www.silverstarchina.com/", Options{Expressions: true})
	b, _ := json.Marshal(r)
	for _, want := range []string{`"verdict":"seized"`, `"match":"silverstarchina.com/"`, `"list_version":42`,
		`"expressions":["www.silverstarchina.com/","silverstarchina.com/"]`, `"entry":{"kind":"seized","authority":"US Department of Justice"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("json %s lacks %s", b, want)
		}
	}
}

var (
	bigOnce sync.Once
	big     *snapshot.Snapshot
	bigURLs []string
)

// bigSnapshot is a 1,000,000-entry list and 100,000 URLs, 1% of them
// listed, 10% on shared platforms that carry prefix entries.
func bigSnapshot(b *testing.B) (*snapshot.Snapshot, []string) {
	bigOnce.Do(func() {
		es := synthetic.Entries(1_000_000, 1)
		var err error
		big, err = snapshot.Build(snapshot.Options{Name: "bench", Version: 1, Created: time.Unix(0, 0)}, es, testPriv)
		if err != nil {
			b.Fatal(err)
		}
		bigURLs = synthetic.URLs(100_000, 2, es, 1)
	})
	return big, bigURLs
}

// lookAlikeSettings runs a benchmark with look-alikes on, then off: the
// ratio of the two is look-alikes' price.
func lookAlikeSettings(b *testing.B, fn func(b *testing.B, opt Options)) {
	for _, run := range []struct {
		name string
		opt  Options
	}{{"lookalikes=on", Options{}}, {"lookalikes=off", Options{NoLookAlikes: true}}} {
		b.Run(run.name, func(b *testing.B) { fn(b, run.opt) })
	}
}

// BenchmarkCheck is the cost of one check.Check — canonicalization, the
// registrable domain, the lookup and the look-alike search — per URL on a
// 1M-entry list with look-alikes; lookalikes=off is the same without the
// search (the ratio of the two is look-alikes' price).
func BenchmarkCheck(b *testing.B) {
	s, urls := bigSnapshot(b)
	lookAlikeSettings(b, func(b *testing.B, opt Options) {
		listed := 0
		for i := 0; i < b.N; i++ {
			if Check(s, urls[i%len(urls)], opt).Verdict != Clean {
				listed++
			}
		}
		b.ReportMetric(float64(listed)/float64(b.N)*100, "%answered")
	})
}

// BenchmarkCheckDefault is BenchmarkCheck on the shipped default list (17
// names, all with look-alikes) and the same URLs.
func BenchmarkCheckDefault(b *testing.B) {
	_, urls := bigSnapshot(b)
	s := defaultSnapshot(b)
	lookAlikeSettings(b, func(b *testing.B, opt Options) {
		for i := 0; i < b.N; i++ {
			Check(s, urls[i%len(urls)], opt)
		}
	})
}

// BenchmarkLookup is the verdict alone (canonicalization and every
// expression), without building the reported fields.
func BenchmarkLookup(b *testing.B) {
	s, urls := bigSnapshot(b)
	lookAlikeSettings(b, func(b *testing.B, opt Options) {
		for i := 0; i < b.N; i++ {
			Lookup(s, urls[i%len(urls)], opt)
		}
	})
}

// BenchmarkLookAlikePrice is look-alikes' price on the 1M list and on the
// default list, one figure each: Check (and Lookup) with look-alikes on
// and off, alternating in chunks of 1,000 URLs, and the median of each
// chunk pair's ratio. On a shared machine the load moves BenchmarkCheck's
// on and off runs apart; alternating, both halves of a pair see the same
// load. (ns/op is the two together.)
func BenchmarkLookAlikePrice(b *testing.B) {
	big, urls := bigSnapshot(b)
	for _, list := range []struct {
		name string
		s    *snapshot.Snapshot
	}{{"1M", big}, {"default", defaultSnapshot(b)}} {
		for _, bench := range []struct {
			name string
			fn   func(input string, opt Options)
		}{
			{"Check", func(in string, opt Options) { Check(list.s, in, opt) }},
			{"Lookup", func(in string, opt Options) { Lookup(list.s, in, opt) }},
		} {
			b.Run(bench.name+"/"+list.name, func(b *testing.B) { alternate(b, urls, bench.fn) })
		}
	}
}

// alternate runs fn over urls with look-alikes on and off in turns (see
// BenchmarkLookAlikePrice).
func alternate(b *testing.B, urls []string, fn func(input string, opt Options)) {
	const chunk = 1000
	var ratios []float64
	var on, off time.Duration
	scratch := new(Scratch) // as a batch checks
	for done, pair := 0, 0; done < b.N; done, pair = done+chunk, pair+1 {
		var d [2]time.Duration
		for i, opt := range []Options{{Scratch: scratch}, {NoLookAlikes: true, Scratch: scratch}} {
			// Each half its own URLs, the two blocks taking turns: the
			// second pass over the same URLs would find their keys in
			// cache.
			from := (2*pair + (i+pair)%2) * chunk
			t0 := time.Now()
			for j := 0; j < chunk; j++ {
				fn(urls[(from+j)%len(urls)], opt)
			}
			d[i] = time.Since(t0)
		}
		on, off = on+d[0], off+d[1]
		ratios = append(ratios, float64(d[0])/float64(d[1]))
	}
	slices.Sort(ratios)
	n := float64(len(ratios) * chunk)
	b.ReportMetric(float64(on)/n, "ns/on")
	b.ReportMetric(float64(off)/n, "ns/off")
	b.ReportMetric(ratios[len(ratios)/2], "on/off")
}

// BenchmarkCanonicalize is canonicalization alone, the floor under Check.
func BenchmarkCanonicalize(b *testing.B) {
	_, urls := bigSnapshot(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		canon.Parse(urls[i%len(urls)])
	}
}

// BenchmarkNaiveAllExpressions is the baseline Lookup improves on: build
// every expression string and probe each one.
func BenchmarkNaiveAllExpressions(b *testing.B) {
	s, urls := bigSnapshot(b)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		u, err := canon.Parse(urls[i%len(urls)])
		if err != nil {
			continue
		}
		for _, e := range u.Expressions() {
			if _, ok := s.Contains(e); ok {
				break
			}
		}
	}
}

// BenchmarkCheckParts splits a check on the default list into its steps,
// to see where look-alikes' price goes: parsing, the registrable domain
// (which Check finds whether or not it searches), the probe's Reset, Reset
// and Search together, and the exact lookup.
func BenchmarkCheckParts(b *testing.B) {
	_, urls := bigSnapshot(b)
	def := defaultSnapshot(b)
	var registrables []string
	for _, in := range urls {
		if u, err := canon.Parse(in); err == nil {
			registrables = append(registrables, canon.Registrable(u.Host))
		}
	}
	var scratch lookalike.Probe
	for _, part := range []struct {
		name string
		fn   func(i int)
	}{
		{"parse", func(i int) { canon.Parse(urls[i%len(urls)]) }},
		{"parse+registrable", func(i int) {
			u, _ := canon.Parse(urls[i%len(urls)])
			canon.Registrable(u.Host)
		}},
		{"reset", func(i int) { scratch.Reset(registrables[i%len(registrables)]) }},
		{"reset+search", func(i int) {
			if scratch.Reset(registrables[i%len(registrables)]) {
				def.LookAlike(&scratch)
			}
		}},
		{"parse+lookup", func(i int) {
			u, _ := canon.Parse(urls[i%len(urls)])
			def.Lookup(u)
		}},
	} {
		b.Run(part.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				part.fn(i)
			}
		})
	}
}
