package feeds

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/lists/entry"
)

var provA = entry.Provenance{Kind: entry.Flagged, Authority: "Feed", Date: "2026-11-01", Reference: "https://feed.example/"}

func entries(patterns ...string) []entry.Entry {
	out := make([]entry.Entry, len(patterns))
	for i, p := range patterns {
		out[i] = entry.Entry{Pattern: store.SplitPattern(p), Provenance: provA}
	}
	return out
}

func baseline(patterns ...string) store.Batch {
	items := make([]store.Item, len(patterns))
	for i, e := range entries(patterns...) {
		items[i] = store.Item{Op: store.Add, Entry: e}
	}
	slices.SortFunc(items, func(a, b store.Item) int { return strings.Compare(a.Entry.Pattern.String(), b.Entry.Pattern.String()) })
	return store.BatchOf(items)
}

// listing is a list's state for Diff: pattern -> who listed it ("us",
// "other"); pending are this source's pending additions.
type listing struct {
	listed  map[string]string
	pending map[string]bool
}

func (l listing) Listed(p string) (bool, bool) {
	who, ok := l.listed[p]
	return ok, who == "us"
}

func (l listing) PendingAdd(p string) bool { return l.pending[p] }

func patterns(b store.Batch) []string {
	var out []string
	for _, o := range b.Ops {
		out = append(out, o.Pattern)
	}
	return out
}

func TestDiff(t *testing.T) {
	for _, tt := range []struct {
		name      string
		base      []string
		feed      []string
		l         listing
		adds, rms []string
		carried   []string
		dropped   int
	}{
		{name: "first pull", feed: []string{"b.example", "a.example"},
			adds: []string{"a.example", "b.example"}, carried: []string{"a.example", "b.example"}},
		{name: "same feed", base: []string{"a.example", "b.example"}, feed: []string{"b.example", "a.example"},
			l: listing{listed: map[string]string{"a.example": "us", "b.example": "us"}}, carried: []string{"a.example", "b.example"}},
		{name: "one dropped, one new", base: []string{"a.example", "b.example"}, feed: []string{"b.example", "c.example"},
			l:    listing{listed: map[string]string{"a.example": "us", "b.example": "us"}},
			adds: []string{"c.example"}, rms: []string{"a.example"}, carried: []string{"b.example", "c.example"}, dropped: 1},
		{name: "dropped but listed by someone else: kept listed", base: []string{"a.example"},
			l: listing{listed: map[string]string{"a.example": "other"}}, dropped: 1},
		{name: "dropped while its addition is pending: carried until listed", base: []string{"a.example"},
			l: listing{pending: map[string]bool{"a.example": true}}, carried: []string{"a.example"}, dropped: 1},
		{name: "dropped after a person removed it", base: []string{"a.example"}, dropped: 1},
		{name: "new but listed by another: not added, not carried", feed: []string{"a.example"},
			l: listing{listed: map[string]string{"a.example": "other"}}},
		{name: "new to the baseline but listed by this source: carried", feed: []string{"a.example"},
			l: listing{listed: map[string]string{"a.example": "us"}}, carried: []string{"a.example"}},
		{name: "kept in the feed after a person removed it: not proposed again", base: []string{"a.example"}, feed: []string{"a.example"},
			carried: []string{"a.example"}},
		{name: "prefix patterns", base: []string{"github.com/a/"}, feed: []string{"github.com/b/"},
			l:    listing{listed: map[string]string{"github.com/a/": "us"}},
			adds: []string{"github.com/b/"}, rms: []string{"github.com/a/"}, carried: []string{"github.com/b/"}, dropped: 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p := Diff(baseline(tt.base...), entries(tt.feed...), tt.l)
			var adds, rms []string
			for _, e := range p.Adds {
				adds = append(adds, e.Pattern.String())
			}
			for _, r := range p.Removes {
				rms = append(rms, r.String())
			}
			if !slices.Equal(adds, tt.adds) || !slices.Equal(rms, tt.rms) || !slices.Equal(patterns(p.Baseline), tt.carried) || p.Dropped != tt.dropped {
				t.Errorf("adds %v removes %v carried %v dropped %d\nwant adds %v removes %v carried %v dropped %d",
					adds, rms, patterns(p.Baseline), p.Dropped, tt.adds, tt.rms, tt.carried, tt.dropped)
			}
		})
	}
}

// TestDiffKeepsFirstProvenance: an entry the feed keeps keeps the
// provenance it was first carried with (a hosts feed's date is the day
// the source first saw the name).
func TestDiffKeepsFirstProvenance(t *testing.T) {
	later := entries("a.example", "b.example")
	for i := range later {
		later[i].Date = "2026-12-01"
	}
	p := Diff(baseline("a.example"), later, listing{listed: map[string]string{"a.example": "us"}})
	if got := p.Baseline.Item(0).Entry.Date; got != "2026-11-01" {
		t.Errorf("a.example carried with date %s", got)
	}
	if got := p.Baseline.Item(1).Entry.Date; got != "2026-12-01" {
		t.Errorf("b.example carried with date %s", got)
	}
}

func TestHold(t *testing.T) {
	lim := Limits{MaxAdds: 3, MaxRemovePercent: 50}
	for _, tt := range []struct {
		name  string
		plan  Plan
		base  int
		want  string
		guard bool
	}{
		{"within limits", Plan{Adds: entries("a.example", "b.example", "c.example"), Dropped: 5}, 10, "", false},
		{"too many adds", Plan{Adds: entries("a.example", "b.example", "c.example", "d.example")}, 0, "adds 4 entries, more than the source's limit of 3", false},
		{"half dropped is not more than half", Plan{Dropped: 1}, 2, "", false},
		{"90% dropped", Plan{Dropped: 9}, 10, "the feed dropped 9 of the source's 10 entries (90%), more than its limit of 50%", false},
		{"shared platform", Plan{Adds: entries("github.com", "github.com/someone/")}, 0, "touches the guard list: github.com (github.com, a shared code platform)", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, guard := Hold(tt.plan, tt.base, lim)
			if got != tt.want || guard != tt.guard {
				t.Errorf("Hold = %q, %v; want %q, %v", got, guard, tt.want, tt.guard)
			}
		})
	}
}

// TestRead: each fixture in testdata, good_* read into entries, fail_*
// refused as garbled with the reason; bodies for the other cases inline.
func TestRead(t *testing.T) {
	for _, tt := range []struct {
		file, format, body string
		entries            int
		err                string
	}{
		{file: "good_hosts.txt", format: "hosts", entries: 3},
		{file: "good_plain.txt", format: "plain", entries: 3},
		{file: "good_adblock.txt", format: "adblock", entries: 2},
		{file: "good_provenance.csv", format: "csv", entries: 2},
		{file: "good_bundle.json", format: "stix", entries: 1},
		{file: "fail_html_error_page.txt", format: "hosts", err: "feed garbled: 4 of the 4 items read as hosts are not entries (line 1"},
		{file: "fail_binary.png", format: "plain", err: "feed garbled"},
		{file: "fail_truncated_bundle.json", format: "stix", err: "feed garbled: ingest: STIX bundle"},
		{file: "fail_no_pattern_column.csv", format: "csv", err: "feed garbled: ingest: csv header"},
		{format: "plain", body: "github.com\n", entries: 1}, // shared platforms are read: Hold decides
		{format: "xml", body: "x", err: `format "xml"`},
	} {
		t.Run(tt.file+tt.format, func(t *testing.T) {
			body := []byte(tt.body)
			if tt.file != "" {
				var err error
				if body, err = os.ReadFile(filepath.Join("testdata", tt.file)); err != nil {
					t.Fatal(err)
				}
			}
			res, err := Read(body, tt.format, provA)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want %q", err, tt.err)
				}
				if !errors.Is(err, ErrGarbled) && tt.file != "" {
					t.Errorf("%v is not ErrGarbled", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Entries) != tt.entries {
				t.Fatalf("%d entries (rejected %v); want %d", len(res.Entries), res.Rejected, tt.entries)
			}
		})
	}
	res, _ := Read(mustRead(t, "testdata/good_bundle.json"), "stix", provA)
	want := entry.Provenance{Kind: entry.Flagged, Authority: "Example CERT", Date: "2026-10-01", Reference: "https://cert.example/advisories/7", Note: "IT-worker front"}
	if got := res.Entries[0].Provenance; got != want {
		t.Errorf("bundle provenance %+v, want the indicator's name, created date and external reference: %+v", got, want)
	}
}

func mustRead(t *testing.T, name string) []byte {
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
