package check

import (
	"testing"
	"time"

	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/snapshot"
	"github.com/redflag/redflag/lists/synthetic"
)

// namedList builds list name holding each pattern with the provenance
// synthetic.Provenances[kind].
func namedList(t testing.TB, name string, version uint64, patterns map[string]int) *snapshot.Snapshot {
	t.Helper()
	var es []entry.Entry
	for p, prov := range patterns {
		pat, err := entry.ParsePattern(p)
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, entry.Entry{Pattern: pat, Provenance: synthetic.Provenances[prov]})
	}
	s, err := snapshot.Build(snapshot.Options{Name: name, Version: version, Created: time.Unix(0, 0)}, es, testPriv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestAcross(t *testing.T) {
	const seized, flagged = 0, 2
	public := namedList(t, "public", 7, map[string]int{"silverstarchina.com": seized, "cloudfoxhosting.cloud": seized})
	company := namedList(t, "company", 3, map[string]int{
		"silverstarchina.com":        flagged, // flagged here, seized in public: seized wins
		"acme-payroll-portal.com":    flagged,
		"github.com/fake-recruiter/": flagged,
		"jobs.example.org":           flagged,
		"cloudfoxhosting.clouds":     flagged, // no such suffix: a caution of public's name is closer than one of this
	})
	company2 := namedList(t, "company2", 9, map[string]int{"jobs.example.org": seized, "acme-payroll-portal.com": flagged})
	tests := []struct {
		name    string
		lists   []*snapshot.Snapshot
		input   string
		verdict string
		list    string
		at      int
		version uint64
	}{
		{"seized outranks flagged", []*snapshot.Snapshot{company, public}, "https://silverstarchina.com/", Seized, "public", 1, 7},
		{"only the company lists it", []*snapshot.Snapshot{public, company}, "https://www.acme-payroll-portal.com/login", Flagged, "company", 1, 3},
		{"prefix entry of the second list", []*snapshot.Snapshot{public, company}, "https://github.com/fake-recruiter/jobs", Flagged, "company", 1, 3},
		{"first of two flagged", []*snapshot.Snapshot{public, company, company2}, "https://acme-payroll-portal.com/", Flagged, "company", 1, 3},
		{"seized in a later list", []*snapshot.Snapshot{public, company, company2}, "https://jobs.example.org/", Seized, "company2", 2, 9},
		{"listed beats a caution in another list", []*snapshot.Snapshot{public, company}, "https://acme-payroll-portal.com/", Flagged, "company", 1, 3},
		{"caution from the second list", []*snapshot.Snapshot{public, company}, "https://acme-payrol-portal.com/", Caution, "company", 1, 3},
		{"a list not loaded yet is skipped", []*snapshot.Snapshot{nil, company}, "https://acme-payroll-portal.com/", Flagged, "company", 1, 3},
		{"clean everywhere", []*snapshot.Snapshot{public, company}, "https://example.net/", Clean, "", -1, 7},
		{"clean names the first loaded list's version", []*snapshot.Snapshot{nil, company}, "https://example.net/", Clean, "", -1, 3},
		{"invalid", []*snapshot.Snapshot{public, company}, "http://", Invalid, "", -1, 7},
		{"no lists", nil, "https://silverstarchina.com/", Clean, "", -1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, at := Across(tt.lists, tt.input, Options{})
			if r.Verdict != tt.verdict || r.List != tt.list || at != tt.at || r.ListVersion != tt.version {
				t.Errorf("Across(%q) = %s from %q (index %d, version %d); want %s from %q (index %d, version %d)",
					tt.input, r.Verdict, r.List, at, r.ListVersion, tt.verdict, tt.list, tt.at, tt.version)
			}
			a, lat, err := LookupAcross(tt.lists, tt.input, Options{})
			if lat != at || a.Listed != r.Listed() || (a.Caution != nil) != (r.Verdict == Caution) || (err != nil) != (r.Verdict == Invalid) {
				t.Errorf("LookupAcross(%q) = %+v at %d, %v; Across says %s at %d", tt.input, a, lat, err, r.Verdict, at)
			}
		})
	}
}

// TestAcrossClosestCaution: a name resembling entries of two lists is
// cautioned with the closer resemblance, whichever list comes first.
func TestAcrossClosestCaution(t *testing.T) {
	near := namedList(t, "near", 1, map[string]int{"foxysunstudio.com": 0})
	far := namedList(t, "far", 1, map[string]int{"foxysunstudios.net": 2})
	for _, lists := range [][]*snapshot.Snapshot{{near, far}, {far, near}} {
		r, _ := Across(lists, "https://foxysunstudio.net/", Options{})
		if r.Verdict != Caution || r.List != "near" || r.Resembles != "foxysunstudio.com" {
			t.Errorf("order %s,%s: %s resembles %q from %q (%s); want foxysunstudio.com from near", lists[0].Name, lists[1].Name, r.Verdict, r.Resembles, r.List, r.How)
		}
	}
}

// BenchmarkAcross is the cost of checking a URL against the default list
// and a 1M-entry company list together, next to the 1M list alone (goal:
// ≤ 1.2× it) and the default list alone.
func BenchmarkAcross(b *testing.B) {
	s, urls := bigSnapshot(b)
	def := defaultSnapshot(b)
	for _, run := range []struct {
		name  string
		lists []*snapshot.Snapshot
	}{{"default", []*snapshot.Snapshot{def}}, {"1M", []*snapshot.Snapshot{s}}, {"default+1M", []*snapshot.Snapshot{def, s}}} {
		b.Run(run.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				LookupAcross(run.lists, urls[i%len(urls)], Options{})
			}
		})
	}
}
