package sources

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redflag/redflag/backend/feeds/feedtest"
	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/backend/store/sqlite"
	"github.com/redflag/redflag/backend/workflow"
	"github.com/redflag/redflag/lists/entry"
)

var (
	alice = workflow.Actor{Name: "alice", TokenID: 1, Role: store.Admin}
	bob   = workflow.Actor{Name: "bob", TokenID: 2, Role: store.Reviewer}
)

type harness struct {
	t   testing.TB
	db  *sqlite.DB
	w   *workflow.Service
	s   *Service
	ctx context.Context
}

func newHarness(t testing.TB) *harness {
	t.Helper()
	dir := t.TempDir()
	db, err := sqlite.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	_, priv, _ := ed25519.GenerateKey(strings.NewReader(strings.Repeat("k", 64)))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	w, err := workflow.Open(context.Background(), workflow.Config{Store: db, Key: priv, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(w.Wait)
	s, err := New(Config{Store: db, Sources: db, Workflow: w, DataDir: dir, Logger: log, MinEvery: 10 * time.Millisecond, RetryAfter: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	return &harness{t: t, db: db, w: w, s: s, ctx: context.Background()}
}

func str(s string) *string { return &s }

func (h *harness) add(name, url, format string, more Settings) store.Source {
	h.t.Helper()
	more.Name, more.URL, more.Format = name, &url, &format
	src, err := h.s.Create(h.ctx, alice, "default", more)
	if err != nil {
		h.t.Fatal(err)
	}
	return src
}

func (h *harness) pull(name string) store.Pull {
	h.t.Helper()
	p, err := h.s.Pull(h.ctx, alice, "default", name)
	if err != nil {
		h.t.Fatal(err)
	}
	return p
}

func (h *harness) approve(id int64) {
	h.t.Helper()
	if _, err := h.w.Review(h.ctx, bob, id, true, "ok"); err != nil {
		h.t.Fatal(err)
	}
}

// items returns a change's items as "+pattern" and "-pattern".
func (h *harness) items(id int64) []string {
	h.t.Helper()
	page, err := h.w.Items(h.ctx, id, 0, 1000)
	if err != nil {
		h.t.Fatal(err)
	}
	var out []string
	for _, it := range page.Items {
		op := "+"
		if it.Op == store.Remove {
			op = "-"
		}
		out = append(out, op+it.Pattern)
	}
	return out
}

func (h *harness) listed(pattern string) (entry.Provenance, bool) {
	set, _ := h.w.Content("default")
	e, ok := set.Get(pattern)
	return e.Provenance, ok
}

func (h *harness) changeCount() int {
	cs, err := h.w.Changes(h.ctx, store.ChangeFilter{List: "default"})
	if err != nil {
		h.t.Fatal(err)
	}
	return len(cs)
}

// feed is a feed server whose content a test sets by the names it lists.
type feed interface {
	serve(names ...string)
	fail(status int)
	garble()
	url() string
	format() string
}

// fileFeed serves a hosts file or a STIX bundle.
type fileFeed struct {
	*feedtest.File
	render func(names []string) string
	kind   string
}

func (f *fileFeed) serve(names ...string) { f.Set(f.render(names)) }
func (f *fileFeed) fail(status int)       { f.Fail(status) }
func (f *fileFeed) url() string           { return f.URL() }
func (f *fileFeed) format() string        { return f.kind }
func (f *fileFeed) garble() {
	if f.kind == "stix" {
		f.Set(`{"type": "bundle", "objects": [{"type": "indicator", "pattern": "[domain-name:value = 'x.exa`)
	} else {
		f.Set("<!doctype html>\n<html><body>\n<h1>Maintenance</h1>\n</body></html>\n")
	}
}

func hostsFile(names []string) string {
	var b strings.Builder
	b.WriteString("# Acme blocklist\n127.0.0.1 localhost\n")
	for _, n := range names {
		fmt.Fprintf(&b, "0.0.0.0 %s\n", n)
	}
	return b.String()
}

// indicatorID gives each name its own stable STIX id.
func indicatorID(name string) string {
	var n uint32
	for _, c := range name {
		n = n*31 + uint32(c)
	}
	return fmt.Sprintf("00000000-0000-4000-8000-%012x", n)
}

func indicator(name string) string {
	return feedtest.Indicator(indicatorID(name), name, "Front "+name, "2026-10-01T08:00:00.000Z")
}

func stixBundle(names []string) string {
	objs := []string{}
	for _, n := range names {
		objs = append(objs, indicator(n))
	}
	return feedtest.Bundle(objs...)
}

// taxiiFeed adds an indicator for each new name and a revoking version
// for each name no longer served.
type taxiiFeed struct {
	*feedtest.TAXII
	served []string
	rev    int
}

func (f *taxiiFeed) serve(names ...string) {
	f.Fail(0)
	f.Garble(false)
	var objs []string
	for _, n := range names {
		if !slices.Contains(f.served, n) {
			objs = append(objs, indicator(n))
		}
	}
	for _, n := range f.served {
		if !slices.Contains(names, n) {
			f.rev++
			objs = append(objs, feedtest.Revoked(indicatorID(n), n, "Front "+n, "2026-10-01T08:00:00.000Z",
				fmt.Sprintf("2026-10-02T08:00:%02d.000Z", f.rev%60)))
		}
	}
	f.Add(objs...)
	f.served = names
}
func (f *taxiiFeed) fail(status int) { f.Fail(status) }
func (f *taxiiFeed) garble()         { f.Fail(0); f.Garble(true) }
func (f *taxiiFeed) url() string     { return f.CollectionURL() }
func (f *taxiiFeed) format() string  { return "taxii" }

func twenty() []string {
	names := []string{"two.example", "three.example"}
	for i := 1; i <= 18; i++ {
		names = append(names, fmt.Sprintf("front-%02d.example", i))
	}
	return names
}

// TestPullScenario runs the same story against a hosts file, a STIX
// bundle and a TAXII collection, each served over HTTP on 127.0.0.1: a
// first pull proposes two additions; a name dropped and another gained
// make one addition and one removal; an unchanged feed proposes nothing;
// a feed that drops 90% is held; a 500 and a garbled feed change nothing
// and leave their error with the source.
func TestPullScenario(t *testing.T) {
	for _, mk := range []func() (feed, func()){
		func() (feed, func()) {
			f := &fileFeed{File: feedtest.NewFile(""), render: hostsFile, kind: "hosts"}
			return f, f.Close
		},
		func() (feed, func()) {
			f := &fileFeed{File: feedtest.NewFile(""), render: stixBundle, kind: "stix"}
			return f, f.Close
		},
		func() (feed, func()) {
			f := &taxiiFeed{TAXII: feedtest.NewTAXII()}
			return f, f.Close
		},
	} {
		f, closeFeed := mk()
		t.Run(f.format(), func(t *testing.T) {
			defer closeFeed()
			h := newHarness(t)
			f.serve("one.example", "two.example")
			h.add("acme", f.url(), f.format(), Settings{Authority: str("Acme ISAC"), Reference: str("https://acme.example/feed")})

			p := h.pull("acme")
			if p.Result != store.PullProposed || p.Added != 2 || p.Removed != 0 || p.Held != "" || p.Change == 0 {
				t.Fatalf("first pull: %+v", p)
			}
			c, _ := h.w.Change(h.ctx, p.Change)
			if c.ProposedBy != "source:acme" || c.State != store.Pending || !strings.HasPrefix(c.Reason, "Source acme: 2 to add, 0 to remove") {
				t.Errorf("change %+v", c)
			}
			if got := h.items(p.Change); !slices.Equal(got, []string{"+one.example", "+two.example"}) {
				t.Errorf("items %v", got)
			}
			h.approve(p.Change)
			prov, ok := h.listed("one.example")
			want := entry.Provenance{Kind: entry.Flagged, Authority: "Acme ISAC", Date: time.Now().UTC().Format(time.DateOnly), Reference: "https://acme.example/feed"}
			if f.format() != "hosts" { // the indicator's name, created time and external reference
				want.Date, want.Reference, want.Note = "2026-10-01", "https://cert.example/advisories/one.example", "Front one.example"
			}
			if !ok || prov != want {
				t.Errorf("one.example listed %v with %+v, want %+v", ok, prov, want)
			}

			f.serve("two.example", "three.example")
			p = h.pull("acme")
			if p.Result != store.PullProposed || p.Added != 1 || p.Removed != 1 || p.Held != "" {
				t.Fatalf("second pull: %+v", p)
			}
			if got := h.items(p.Change); !slices.Equal(got, []string{"-one.example", "+three.example"}) && !slices.Equal(got, []string{"+three.example", "-one.example"}) {
				t.Errorf("items %v", got)
			}
			h.approve(p.Change)

			n := h.changeCount()
			p = h.pull("acme")
			if p.Result != store.PullUnchanged || p.Change != 0 || h.changeCount() != n {
				t.Fatalf("unchanged feed: %+v", p)
			}
			if ff, ok := f.(*fileFeed); ok {
				if p.Status != http.StatusNotModified || ff.LastHeader().Get("If-None-Match") == "" {
					t.Errorf("the unchanged pull was not a 304 to a conditional request: %+v", p)
				}
				ff.NoValidators()
				if p = h.pull("acme"); p.Result != store.PullUnchanged || p.Status != 200 || h.changeCount() != n {
					t.Errorf("the same content without validators: %+v", p)
				}
			}

			f.serve(twenty()...)
			p = h.pull("acme")
			if p.Added != 18 || p.Held != "" {
				t.Fatalf("growing to 20: %+v", p)
			}
			h.approve(p.Change)
			f.serve("two.example", "three.example")
			p = h.pull("acme")
			if p.Result != store.PullProposed || p.Removed != 18 || p.Held != "the feed dropped 18 of the source's 20 entries (90%), more than its limit of 50%" {
				t.Fatalf("dropping 90%%: %+v", p)
			}
			c, _ = h.w.Change(h.ctx, p.Change)
			if c.State != store.Pending || !strings.Contains(c.Reason, "Held for a person: the feed dropped 18") {
				t.Errorf("held change %+v", c)
			}
			h.approve(p.Change)

			src, _ := h.s.Get(h.ctx, "default", "acme")
			entries := src.Entries
			n = h.changeCount()
			for i, step := range []struct {
				do   func()
				want string
			}{
				{func() { f.fail(http.StatusInternalServerError) }, "500 Internal Server Error"},
				{f.garble, "garbled"},
			} {
				step.do()
				p = h.pull("acme")
				if p.Result != store.PullFailed || !strings.Contains(p.Error, step.want) || p.Change != 0 || h.changeCount() != n {
					t.Fatalf("failure %d: %+v, want an error saying %q", i, p, step.want)
				}
				src, _ = h.s.Get(h.ctx, "default", "acme")
				if src.LastError != p.Error || src.Failures != i+1 || src.Entries != entries || src.LastResult != store.PullFailed {
					t.Errorf("source after failure %d: %+v", i, src)
				}
			}
			if _, ok := h.listed("two.example"); !ok {
				t.Error("a failed pull removed an entry")
			}
			f.serve("two.example", "three.example")
			if p = h.pull("acme"); p.Result != store.PullUnchanged {
				t.Errorf("after recovering: %+v", p)
			}
			if src, _ = h.s.Get(h.ctx, "default", "acme"); src.Failures != 0 || src.LastError != "" {
				t.Errorf("source after recovering: %+v", src)
			}
			pulls, _ := h.s.Pulls(h.ctx, "default", "acme", 100)
			if len(pulls) < 8 || pulls[0].Result != store.PullUnchanged || pulls[1].Result != store.PullFailed {
				t.Errorf("pull history: %+v", pulls)
			}
		})
	}
}
