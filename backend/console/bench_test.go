package console_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/redflag/redflag/backend/admin"
	"github.com/redflag/redflag/backend/server"
	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/backend/workflow"
	"github.com/redflag/redflag/lists/synthetic"
)

// BenchmarkEntries1M measures what the console's entries page asks of a
// server holding a 1,000,000-entry list: the first page, a page deep in
// the list, a search for one domain, a search matching many, and a kind
// filter. Each request runs through the whole server (token check, rate
// limit, gzip, JSON) in process; ns/op is the full request, "server-ms"
// the handler's own took_ms of one untimed request.
func BenchmarkEntries1M(b *testing.B) {
	ctx := context.Background()
	s, err := server.New(ctx, server.Config{DataDir: b.TempDir(), ReviewOff: true, AdminRate: 1e9, AdminBurst: 1e9,
		Logger: slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelError}))})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	tok, hash, err := admin.NewToken()
	if err != nil {
		b.Fatal(err)
	}
	t, err := s.Store.CreateToken(ctx, store.Token{Name: "bench", Role: store.Admin}, hash, store.Event{Actor: "system", Action: "token_create"})
	if err != nil {
		b.Fatal(err)
	}
	alice := workflow.Actor{Name: "bench", TokenID: t.ID, Role: store.Admin}
	es := synthetic.Entries(1_000_000, 1)
	c, _, err := s.Workflow.Propose(ctx, alice, "default", workflow.Proposal{Reason: "bench", Draft: true}, "")
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < len(es); i += workflow.MaxBatch {
		var batch workflow.Batch
		for _, e := range es[i:min(i+workflow.MaxBatch, len(es))] {
			batch.Add = append(batch.Add, workflow.EntryInput{Pattern: e.Pattern.String(), Kind: e.Kind.String(), Date: e.Date, Authority: e.Authority, Reference: e.Reference, Note: e.Note})
		}
		if _, err := s.Workflow.Append(ctx, alice, c.ID, batch); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.Workflow.Submit(ctx, alice, c.ID); err != nil {
		b.Fatal(err)
	}
	if _, err := s.Workflow.Review(ctx, alice, c.ID, true, "bench"); err != nil {
		b.Fatal(err)
	}
	// Opening the page signs in (whoami), reads the lists, the pending
	// count and the first page of entries.
	b.Run("open-entries-page", func(b *testing.B) {
		var reqs []*http.Request
		for _, p := range []string{"/whoami", "/lists", "/lists/default/changes?state=pending&limit=100", "/lists/default/entries?limit=50"} {
			r := httptest.NewRequest(http.MethodGet, "/v1/admin"+p, nil)
			r.Header.Set("Authorization", "Bearer "+tok)
			r.Header.Set("Accept-Encoding", "gzip")
			reqs = append(reqs, r)
		}
		for b.Loop() {
			for _, r := range reqs {
				rec := httptest.NewRecorder()
				s.Echo.ServeHTTP(rec, r)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: status %d: %s", r.URL, rec.Code, rec.Body)
				}
			}
		}
	})
	one := es[777].Pattern.String()
	for _, tc := range []struct {
		name  string
		query url.Values
		min   int // entries the answer must hold
	}{
		{"first-page", url.Values{"limit": {"50"}}, 50},
		{"deep-page", url.Values{"limit": {"50"}, "after": {es[500_000].Pattern.String()}}, 50},
		{"search-one-domain", url.Values{"limit": {"50"}, "q": {one}}, 1},
		{"search-many", url.Values{"limit": {"50"}, "q": {"ab"}}, 50},
		{"kind-seized", url.Values{"limit": {"50"}, "kind": {"seized"}}, 50},
	} {
		b.Run(tc.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/v1/admin/lists/default/entries?"+tc.query.Encode(), nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			plain := httptest.NewRecorder()
			s.Echo.ServeHTTP(plain, req)
			var page admin.EntriesPage
			if err := json.Unmarshal(plain.Body.Bytes(), &page); err != nil {
				b.Fatalf("%v: %s", err, plain.Body)
			}
			if page.Total < 1_000_000 || len(page.Entries) < tc.min {
				b.Fatalf("total %d, %d entries", page.Total, len(page.Entries))
			}
			took := page.TookMS
			req.Header.Set("Accept-Encoding", "gzip") // as a browser asks
			for b.Loop() {
				rec := httptest.NewRecorder()
				s.Echo.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("status %d: %s", rec.Code, rec.Body)
				}
			}
			b.ReportMetric(took, "server-ms")
		})
	}
}
