package server

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkSnapshotGET measures the server's own cost of answering a poll
// (routing, middleware, handler; no network): a 304 and a 200 of the
// seeded snapshot.
func BenchmarkSnapshotGET(b *testing.B) {
	s, err := New(context.Background(), Config{DataDir: b.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelInfo}))})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	ix := s.Workflow.Indexes()[0]
	for _, tc := range []struct {
		name, etag string
		status     int
	}{{"304", ix.Snapshot.ETag, 304}, {"200", "", 200}} {
		b.Run(tc.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, "/v1/lists/default/snapshot", nil)
			if tc.etag != "" {
				req.Header.Set("If-None-Match", tc.etag)
			}
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				s.Echo.ServeHTTP(rec, req)
				if rec.Code != tc.status {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}
