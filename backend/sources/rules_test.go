package sources

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redflag/redflag/backend/feeds/feedtest"
	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/backend/workflow"
)

// TestRemovesOnlyWhatTheSourceAdded: a name the feed drops is removed
// only if this source listed it; an admin's entry and another source's
// stay.
func TestRemovesOnlyWhatTheSourceAdded(t *testing.T) {
	h := newHarness(t)
	mine := feedtest.NewFile(hostsFile([]string{"mine.example", "admins.example", "shared.example"}))
	defer mine.Close()
	other := feedtest.NewFile(hostsFile([]string{"shared.example"}))
	defer other.Close()

	// An admin lists admins.example first; another source lists shared.example.
	c, _, err := h.w.Propose(h.ctx, alice, "default", workflow.Proposal{Reason: "advisory", Add: []workflow.EntryInput{
		{Pattern: "admins.example", Kind: "seized", Date: "2026-09-01", Authority: "Court", Reference: "https://court.example/"}}}, "")
	if err != nil {
		t.Fatal(err)
	}
	h.approve(c.ID)
	h.add("other", other.URL(), "hosts", Settings{})
	h.approve(h.pull("other").Change)

	h.add("mine", mine.URL(), "hosts", Settings{})
	p := h.pull("mine")
	if got := h.items(p.Change); !slices.Equal(got, []string{"+mine.example"}) {
		t.Fatalf("mine proposes %v; what others listed is not proposed again", got)
	}
	h.approve(p.Change)
	mine.Set(hostsFile(nil))
	p = h.pull("mine")
	if got := h.items(p.Change); !slices.Equal(got, []string{"-mine.example"}) {
		t.Errorf("dropping everything removes %v, want only mine.example", got)
	}
	if p.Held == "" {
		t.Error("a feed that drops everything is held")
	}
	for _, pt := range []string{"admins.example", "shared.example"} {
		if _, ok := h.listed(pt); !ok {
			t.Errorf("%s is no longer listed", pt)
		}
	}
}

// TestAutoReview: under the auto rule a pull's change is approved at once,
// unless it is held; the guard list always holds.
func TestAutoReview(t *testing.T) {
	h := newHarness(t)
	f := feedtest.NewFile(hostsFile([]string{"a.example", "b.example", "c.example"}))
	defer f.Close()
	h.add("auto", f.URL(), "hosts", Settings{Review: str(store.ReviewAuto), MaxAdds: ptr(3)})
	p := h.pull("auto")
	c, _ := h.w.Change(h.ctx, p.Change)
	if c.State != store.Approved || c.ReviewedBy != "source:auto" || !strings.HasPrefix(c.ReviewComment, "auto:") {
		t.Fatalf("within limits: %+v", c)
	}
	if _, ok := h.listed("b.example"); !ok {
		t.Error("auto-approved entry not listed")
	}
	evs, _ := h.w.Audit(h.ctx, store.AuditFilter{Action: "change_approve"})
	if len(evs) == 0 || evs[0].Actor != "source:auto" || !strings.Contains(evs[0].Detail, `"auto":true`) {
		t.Errorf("audit: %+v", evs)
	}

	f.Set(hostsFile([]string{"a.example", "b.example", "c.example", "d.example", "e.example", "f.example", "g.example"}))
	p = h.pull("auto")
	c, _ = h.w.Change(h.ctx, p.Change)
	if c.State != store.Pending || p.Held != "adds 4 entries, more than the source's limit of 3" {
		t.Errorf("over the add limit: %+v %+v", p, c)
	}
	h.approve(p.Change)

	f.Set(hostsFile([]string{"a.example", "b.example", "c.example", "d.example", "e.example", "f.example", "g.example", "linkedin.com"}))
	p = h.pull("auto")
	c, _ = h.w.Change(h.ctx, p.Change)
	if c.State != store.Pending || !c.Force || !strings.Contains(p.Held, "touches the guard list: linkedin.com") {
		t.Errorf("a shared platform: %+v %+v", p, c)
	}
}

func ptr[T any](v T) *T { return &v }

// TestSecretHeader: the value is sent to the feed, stored sealed, and
// never shown: not in the source, its audit records or the database.
func TestSecretHeader(t *testing.T) {
	h := newHarness(t)
	srv := feedtest.NewTAXII()
	defer srv.Close()
	srv.Require("X-Api-Key", "k-123456789")
	srv.Add(indicator("a.example"))
	src := h.add("isac", srv.CollectionURL(), "taxii", Settings{SecretHeader: str("X-Api-Key"), Secret: str("k-123456789")})
	if !src.HasSecret || src.SecretHeader != "X-Api-Key" {
		t.Fatalf("%+v", src)
	}
	if p := h.pull("isac"); p.Added != 1 {
		t.Fatalf("with the secret: %+v", p)
	}
	if _, err := h.s.Update(h.ctx, alice, "default", "isac", Settings{Secret: str("wrong")}); err != nil {
		t.Fatal(err)
	}
	srv.Add(indicator("b.example"))
	if p := h.pull("isac"); p.Result != store.PullFailed || !strings.Contains(p.Error, "401") {
		t.Errorf("with a wrong secret: %+v", p)
	}
	evs, _ := h.w.Audit(h.ctx, store.AuditFilter{})
	for _, ev := range evs {
		if strings.Contains(ev.Detail, "k-123456789") || strings.Contains(ev.Detail, "wrong") {
			t.Errorf("audit record shows the secret: %+v", ev)
		}
	}
	db, _ := os.ReadFile(filepath.Join(h.s.cfg.DataDir, "redflag.db"))
	wal, _ := os.ReadFile(filepath.Join(h.s.cfg.DataDir, "redflag.db-wal"))
	if bytes.Contains(append(db, wal...), []byte("k-123456789")) {
		t.Error("the database holds the secret in the clear")
	}
}

func TestSettings(t *testing.T) {
	h := newHarness(t)
	ok := Settings{Name: "ok", URL: str("https://feeds.example/list.txt"), Format: str("plain")}
	with := func(f func(*Settings)) Settings { s := ok; f(&s); return s }
	for _, tt := range []struct {
		name string
		in   Settings
		want string
	}{
		{"bad name", with(func(s *Settings) { s.Name = "Acme Feed" }), "source name"},
		{"no URL", with(func(s *Settings) { s.URL = nil }), "want an http or https URL"},
		{"file URL", with(func(s *Settings) { s.URL = str("file:///etc/hosts") }), "want an http or https URL"},
		{"unknown format", with(func(s *Settings) { s.Format = str("xml") }), `format "xml"`},
		{"too often", with(func(s *Settings) { s.Every = str("1ms") }), "every 1ms"},
		{"bad interval", with(func(s *Settings) { s.Every = str("often") }), `interval "often"`},
		{"bad review", with(func(s *Settings) { s.Review = str("never") }), `review "never"`},
		{"bad kind", with(func(s *Settings) { s.Kind = str("suspicious") }), "kind"},
		{"bad reference", with(func(s *Settings) { s.Reference = str("acme") }), "reference must be an http(s) URL"},
		{"share over 100", with(func(s *Settings) { s.MaxRemovePercent = ptr(101) }), "max_remove_percent 101"},
		{"secret without its header", with(func(s *Settings) { s.Secret = str("x") }), "secret needs secret_header"},
		{"bad header name", with(func(s *Settings) { s.SecretHeader = str("X Key") }), "not a header name"},
		{"header value with a newline", with(func(s *Settings) { s.SecretHeader, s.Secret = str("X-Key"), str("a\nb") }), "cannot carry"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := h.s.Create(h.ctx, alice, "default", tt.in)
			if !errors.Is(err, workflow.ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want invalid saying %q", err, tt.want)
			}
		})
	}
	if srcs, _ := h.s.List(h.ctx, "default"); len(srcs) != 0 {
		t.Errorf("refused settings stored %v", srcs)
	}
	src, err := h.s.Create(h.ctx, alice, "default", with(func(s *Settings) { s.Every = str("1d") }))
	if err != nil || src.Every.String() != "1d" || src.Authority != "ok" || src.Reference != "https://feeds.example/list.txt" || src.Review != "review" || !src.Enabled {
		t.Fatalf("defaults: %+v %v", src, err)
	}
	if _, err := h.s.Create(h.ctx, alice, "default", ok); !errors.Is(err, workflow.ErrConflict) {
		t.Errorf("same name again: %v", err)
	}
	if _, err := h.s.Create(h.ctx, bob, "default", with(func(s *Settings) { s.Name = "bobs" })); !errors.Is(err, workflow.ErrForbidden) {
		t.Errorf("a reviewer adds a source: %v", err)
	}
	if _, err := h.s.Pull(h.ctx, bob, "default", "ok"); !errors.Is(err, workflow.ErrForbidden) {
		t.Errorf("a reviewer pulls: %v", err)
	}
	if _, err := h.s.Create(h.ctx, alice, "nope", with(func(s *Settings) { s.Name = "x" })); !errors.Is(err, workflow.ErrNotFound) {
		t.Errorf("unknown list: %v", err)
	}
	src, err = h.s.Update(h.ctx, alice, "default", "ok", Settings{Enabled: ptr(false), Every: str("6h")})
	if err != nil || src.Enabled || src.Every.String() != "6h" {
		t.Errorf("disable: %+v %v", src, err)
	}
	evs, _ := h.w.Audit(h.ctx, store.AuditFilter{Action: "source_update"})
	if len(evs) != 1 || evs[0].Actor != "alice" || evs[0].Target != "ok" || !strings.Contains(evs[0].Detail, `"enabled":false`) {
		t.Errorf("audit: %+v", evs)
	}
}

// TestSchedule: Run pulls enabled sources when due; a failing feed is
// retried after a pause that doubles up to the source's interval.
func TestSchedule(t *testing.T) {
	h := newHarness(t)
	f := feedtest.NewFile(hostsFile([]string{"a.example"}))
	defer f.Close()
	h.add("due", f.URL(), "hosts", Settings{Every: str("50ms")})
	off := feedtest.NewFile(hostsFile([]string{"b.example"}))
	defer off.Close()
	h.add("off", off.URL(), "hosts", Settings{Enabled: ptr(false)})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { h.s.Run(ctx, 10*time.Millisecond); close(done) }()
	defer func() { cancel(); <-done }()
	deadline := time.Now().Add(10 * time.Second)
	for f.Requests() < 3 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if f.Requests() < 3 {
		t.Fatalf("%d pulls in 10 s of a source due every 50 ms", f.Requests())
	}
	if off.Requests() != 0 {
		t.Error("a disabled source was pulled")
	}
	pulls, _ := h.s.Pulls(h.ctx, "default", "due", 10)
	if pulls[len(pulls)-1].By != "schedule" || pulls[len(pulls)-1].Added != 1 {
		t.Errorf("first scheduled pull: %+v", pulls[len(pulls)-1])
	}

	for _, tt := range []struct {
		failures int
		every    time.Duration
		want     time.Duration
	}{
		{1, time.Hour, time.Minute},
		{2, time.Hour, 2 * time.Minute},
		{4, time.Hour, 8 * time.Minute},
		{10, time.Hour, time.Hour},
		{3, 3 * time.Minute, 3 * time.Minute},
	} {
		if got := h.s.backoff(store.Source{Failures: tt.failures, Every: store.Interval(tt.every)}); got != tt.want {
			t.Errorf("backoff after %d failures, every %v: %v, want %v", tt.failures, tt.every, got, tt.want)
		}
	}
	f.Fail(http.StatusServiceUnavailable)
	p, _ := h.s.Pull(h.ctx, alice, "default", "due")
	src, _ := h.s.Get(h.ctx, "default", "due")
	if p.Result != store.PullFailed || src.NextPull.Sub(p.At) != time.Duration(src.Every) {
		// RetryAfter (1m) is more than this source's 50ms interval.
		t.Errorf("after a failure: %+v next %v", p, src.NextPull.Sub(p.At))
	}
}

// TestMovedTAXIISource: a new URL reads the collection whole again, so a
// source moved to another collection does not skip its older objects.
func TestMovedTAXIISource(t *testing.T) {
	h := newHarness(t)
	srv := feedtest.NewTAXII()
	defer srv.Close()
	srv.Add(indicator("a.example"), indicator("b.example"))
	h.add("isac", srv.CollectionURL(), "taxii", Settings{})
	if p := h.pull("isac"); p.Added != 2 {
		t.Fatalf("first pull %+v", p)
	}
	h.pull("isac")
	if asked := srv.Requests(); !strings.Contains(asked[len(asked)-1], "added_after=") {
		t.Fatalf("the second pull asked %q", asked[len(asked)-1])
	}
	moved := strings.TrimSuffix(srv.CollectionURL(), "/")
	if _, err := h.s.Update(h.ctx, alice, "default", "isac", Settings{URL: &moved}); err != nil {
		t.Fatal(err)
	}
	p := h.pull("isac")
	asked := srv.Requests()
	if strings.Contains(asked[len(asked)-1], "added_after=") || p.Result != store.PullUnchanged {
		t.Errorf("after moving, asked %q and got %+v", asked[len(asked)-1], p)
	}
}
