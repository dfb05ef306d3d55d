package workflow

import (
	"context"
	"crypto/ed25519"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/backend/store/sqlite"
	"github.com/redflag/redflag/lists/data"
)

var (
	alice = Actor{Name: "alice", TokenID: 1, Role: store.Admin}
	bob   = Actor{Name: "bob", TokenID: 2, Role: store.Reviewer}
)

func open(t *testing.T, now func() time.Time) *Service {
	t.Helper()
	db, err := sqlite.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	_, priv, _ := ed25519.GenerateKey(strings.NewReader(strings.Repeat("s", 64)))
	s, err := Open(context.Background(), Config{Store: db, Key: priv, Now: now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Wait)
	return s
}

func entryIn(p string) EntryInput {
	return EntryInput{Pattern: p, Kind: "flagged", Date: "2026-01-01", Authority: "A", Reference: "https://a.example/"}
}

// change proposes and approves adding patterns.
func change(t *testing.T, s *Service, add []string, remove []string) store.Change {
	t.Helper()
	p := Proposal{Reason: "r", Remove: remove}
	for _, a := range add {
		p.Add = append(p.Add, entryIn(a))
	}
	c, _, err := s.Propose(context.Background(), alice, "default", p, "")
	if err != nil {
		t.Fatal(err)
	}
	if c, err = s.Review(context.Background(), bob, c.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestVersionsIncrease: versions are publication times, but strictly
// above the last one even when the clock is behind it or stands still.
func TestVersionsIncrease(t *testing.T) {
	ctx := context.Background()
	clock := time.UnixMilli(int64(data.Version) - 86_400_000) // a day before the seed
	s := open(t, func() time.Time { return clock })
	last := uint64(data.Version)
	for i, step := range []time.Duration{0, 0, time.Hour * 48, 0, -time.Hour} {
		clock = clock.Add(step)
		change(t, s, []string{"v" + string(rune('a'+i)) + ".example"}, nil)
		v, err := s.Publish(ctx, alice, "default", false)
		if err != nil {
			t.Fatal(err)
		}
		want := max(uint64(clock.UnixMilli()), last+1)
		if v.Version != want || v.Version <= last {
			t.Errorf("publication %d at %v: version %d, want %d (last %d)", i, clock, v.Version, want, last)
		}
		last = v.Version
	}
}

func TestRollback(t *testing.T) {
	ctx := context.Background()
	s := open(t, time.Now)
	change(t, s, []string{"one.example", "two.example"}, nil)
	v1, err := s.Publish(ctx, alice, "default", false)
	if err != nil {
		t.Fatal(err)
	}
	change(t, s, []string{"three.example"}, []string{"one.example"})
	if _, err := s.Publish(ctx, alice, "default", false); err != nil {
		t.Fatal(err)
	}
	rb, err := s.Rollback(ctx, alice, "default", v1.Version, "undo")
	if err != nil {
		t.Fatal(err)
	}
	if rb.Adds != 1 || rb.Removes != 1 || rb.RestoreVersion != v1.Version {
		t.Errorf("rollback change %+v", rb)
	}
	// Content changed after the rollback was proposed: approving it would
	// not restore v1, so it is refused.
	change(t, s, []string{"four.example"}, nil)
	if _, err := s.Review(ctx, bob, rb.ID, true, ""); !errors.Is(err, ErrConflict) {
		t.Errorf("stale rollback: %v, want conflict", err)
	}
	rb, err = s.Rollback(ctx, alice, "default", v1.Version, "undo again")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Review(ctx, bob, rb.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	v3, err := s.Publish(ctx, alice, "default", false)
	if err != nil {
		t.Fatal(err)
	}
	at1, _ := s.ContentAt(ctx, "default", v1.Version)
	at3, _ := s.ContentAt(ctx, "default", v3.Version)
	if len(at1.Diff(at3)) != 0 || at3.Len() != v1.Entries {
		t.Errorf("rolled-back content differs from version %d", v1.Version)
	}
	if _, err := s.Rollback(ctx, alice, "default", v3.Version, "nothing"); !errors.Is(err, ErrConflict) {
		t.Errorf("rollback to the current content: %v", err)
	}
	if _, err := s.Rollback(ctx, alice, "default", 42, "nothing"); !errors.Is(err, ErrNotFound) {
		t.Errorf("rollback to an unknown version: %v", err)
	}
}

// TestRestart: a new service on the same store has the same content and
// serves the same version.
func TestRestart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	_, priv, _ := ed25519.GenerateKey(strings.NewReader(strings.Repeat("s", 64)))
	start := func() (*Service, func()) {
		db, err := sqlite.Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		s, err := Open(ctx, Config{Store: db, Key: priv, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			t.Fatal(err)
		}
		return s, func() { s.Wait(); db.Close() }
	}
	s, stop := start()
	change(t, s, []string{"kept.example"}, []string{"silverstarchina.com"})
	v, err := s.Publish(ctx, alice, "default", false)
	if err != nil {
		t.Fatal(err)
	}
	change(t, s, []string{"approved-unpublished.example"}, nil)
	stop()
	s, stop = start()
	defer stop()
	ix, err := s.Index(ctx, "default")
	if err != nil || ix.Version != v.Version {
		t.Fatalf("serving %+v after restart, want %d", ix, v.Version)
	}
	set, _ := s.Content("default")
	for p, want := range map[string]bool{"kept.example": true, "silverstarchina.com": false, "approved-unpublished.example": true} {
		if _, ok := set.Get(p); ok != want {
			t.Errorf("%s in content after restart: %v", p, ok)
		}
	}
}
