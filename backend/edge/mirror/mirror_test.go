package mirror

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redflag/redflag/backend/edge/app"
	"github.com/redflag/redflag/backend/publish"
	"github.com/redflag/redflag/backend/server"
	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/backend/workflow"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// bucket is an in-memory app.Bucket that records the order of writes.
type bucket struct {
	mu      sync.Mutex
	objects map[string][]byte
	writes  []string
}

func (b *bucket) Get(_ context.Context, key string) ([]byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if v, ok := b.objects[key]; ok {
		return v, nil
	}
	return nil, fmt.Errorf("%s: %w", key, publish.ErrNotFound)
}

func (b *bucket) Has(ctx context.Context, key string) (bool, error) {
	_, err := b.Get(ctx, key)
	return err == nil, nil
}

func (b *bucket) Delete(_ context.Context, key string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.objects, key)
	return nil
}

func (b *bucket) Put(_ context.Context, key string, v []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.objects[key] = v
	if !strings.HasSuffix(key, "/retired.json") { // the Worker's own record
		b.writes = append(b.writes, key)
	}
	return nil
}

// TestMirror pushes a publisher's objects to the edge application (in
// process; the contract test does it through workerd) and checks the
// write order and the result.
func TestMirror(t *testing.T) {
	ctx := context.Background()
	s, err := server.New(ctx, server.Config{DataDir: t.TempDir(), ReviewOff: true, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	origin := httptest.NewServer(s.Echo)
	defer origin.Close()
	if _, err := publishEntry(ctx, s, "mirror.example"); err != nil {
		t.Fatal(err)
	}
	s.Workflow.Wait()

	b := &bucket{objects: map[string][]byte{}}
	edge := httptest.NewServer(app.New(b, app.Config{Token: "secret"}))
	defer edge.Close()
	set, err := Fetch(ctx, origin.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := (Edge{URL: edge.URL, Token: "wrong"}).Push(ctx, set, nil); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("push with a wrong token: %v", err)
	}
	e := Edge{URL: edge.URL, Token: "secret"}
	if err := e.Push(ctx, set, nil); err != nil {
		t.Fatal(err)
	}
	if err := e.Check(ctx, set); err != nil {
		t.Fatal(err)
	}
	rank := func(k string) int {
		switch {
		case strings.HasSuffix(k, ".snap") || strings.HasSuffix(k, ".delta"):
			return 0
		case k == publish.KeysKey:
			return 1
		case strings.HasSuffix(k, "/index.json"):
			return 2
		}
		return 3
	}
	for i := 1; i < len(b.writes); i++ {
		if rank(b.writes[i-1]) > rank(b.writes[i]) {
			t.Errorf("write order %v", b.writes)
		}
	}
	want := s.Workflow.Objects()
	if len(b.writes) != len(want) {
		t.Errorf("%d objects written, the origin serves %d", len(b.writes), len(want))
	}
	for k, v := range want {
		if string(b.objects[k]) != string(v) {
			t.Errorf("object %s differs", k)
		}
	}
	// Pushing again changes nothing.
	if err := e.Push(ctx, set, nil); err != nil {
		t.Fatal(err)
	}
}

// TestFetchDuringPublication: a publication between reading the catalog
// and reading the list's objects is noticed, and the read starts again.
func TestFetchDuringPublication(t *testing.T) {
	ctx := context.Background()
	s, err := server.New(ctx, server.Config{DataDir: t.TempDir(), ReviewOff: true, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	catalogs := 0
	var published uint64
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/lists" {
			catalogs++
		}
		s.Echo.ServeHTTP(w, r)
		if r.URL.Path == "/v1/lists" && catalogs == 1 {
			// The next version is published right after the first read
			// of the catalog.
			v, err := publishEntry(ctx, s, "during.example")
			if err != nil {
				t.Error(err)
			}
			published = v.Version
		}
	}))
	defer origin.Close()
	set, err := Fetch(ctx, origin.URL)
	if err != nil {
		t.Fatal(err)
	}
	if catalogs != 2 || len(set.Indexes) != 1 || set.Indexes[0].Version != published {
		t.Fatalf("read the catalog %d times, got %+v; want 2 reads and version %d", catalogs, set.Indexes, published)
	}
	for _, o := range set.Objects {
		if strings.HasSuffix(o.Key, ".snap") && o.Key != publish.SnapshotKey("default", published) {
			t.Errorf("snapshot %s of another version in the set", o.Key)
		}
	}
}

// TestFollow: Follow pushes the origin's first state and each later
// publication, and keeps trying while the edge refuses writes.
func TestFollow(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s, err := server.New(ctx, server.Config{DataDir: t.TempDir(), ReviewOff: true, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	origin := httptest.NewServer(s.Echo)
	defer origin.Close()

	b := &bucket{objects: map[string][]byte{}}
	worker := app.New(b, app.Config{Token: "secret"})
	var refusals atomic.Int32
	refusals.Store(3)
	edge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut && refusals.Add(-1) >= 0 {
			http.Error(w, `{"error":"unauthorized"}`, http.StatusUnauthorized) // not retried by Put
			return
		}
		worker.ServeHTTP(w, r)
	}))
	defer edge.Close()

	versions := FromWorkflow(s.Workflow)
	go Follow(ctx, origin.URL, Edge{URL: edge.URL, Token: "secret"}, versions,
		FollowConfig{Every: 10 * time.Millisecond, MaxGap: 40 * time.Millisecond, Log: quiet})

	edgeAt := func(want uint64) {
		t.Helper()
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			raw, _ := b.Get(ctx, publish.IndexKey("default"))
			var ix publish.Index
			if json.Unmarshal(raw, &ix) == nil && ix.Version == want {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("edge index %.100q, want version %d", raw, want)
			}
		}
	}
	first, _, _ := versions(ctx)
	edgeAt(first["default"])
	if refusals.Load() >= 0 {
		t.Errorf("the edge refused no write (%d refusals left)", refusals.Load())
	}

	v, err := publishEntry(ctx, s, "followed.example")
	if err != nil {
		t.Fatal(err)
	}
	edgeAt(v.Version)
}

// publishEntry lists pattern in the default list and publishes it (the
// server runs with review off).
func publishEntry(ctx context.Context, s *server.Server, pattern string) (store.Version, error) {
	a := workflow.Actor{Name: "alice", Role: "admin"}
	ch, _, err := s.Workflow.Propose(ctx, a, "default", workflow.Proposal{Reason: "test", Add: []workflow.EntryInput{{
		Pattern: pattern, Kind: "flagged", Authority: "T", Date: "2026-11-20", Reference: "https://t.example/"}}}, "")
	if err != nil {
		return store.Version{}, err
	}
	if _, err := s.Workflow.Review(ctx, a, ch.ID, true, "ok"); err != nil {
		return store.Version{}, err
	}
	return s.Workflow.Publish(ctx, a, "default", false)
}
