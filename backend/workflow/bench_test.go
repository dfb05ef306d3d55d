package workflow

import (
	"context"
	"crypto/ed25519"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/backend/store/sqlite"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/snapshot"
	"github.com/redflag/redflag/lists/synthetic"
)

// BenchmarkPublish1M times "approve to servable" on a million-entry list
// next to its baseline, the lists core signing the same entries alone
// (snapshot.Build), in the same process and run:
//
//	core-build   snapshot.Build of the list's entries
//	update       approve a 200-item change, publish, served
//	full         approve the whole list as one change (a rollback from
//	             the seeded list), publish, served
func BenchmarkPublish1M(b *testing.B) {
	ctx := context.Background()
	db, err := sqlite.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	_, priv, _ := ed25519.GenerateKey(strings.NewReader(strings.Repeat("b", 64)))
	s, err := Open(ctx, Config{Store: db, Key: priv, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Wait()
	seed, _ := s.Index(ctx, "default")
	es := synthetic.Entries(1_000_000, 1)
	slices.SortFunc(es, func(x, y entry.Entry) int { return strings.Compare(x.Pattern.String(), y.Pattern.String()) })
	in := func(es []entry.Entry) []EntryInput {
		out := make([]EntryInput, len(es))
		for i, e := range es {
			out[i] = EntryInput{Pattern: e.Pattern.String(), Kind: e.Kind.String(), Date: e.Date, Authority: e.Authority, Reference: e.Reference, Note: e.Note}
		}
		return out
	}
	c, _, err := s.Propose(ctx, alice, "default", Proposal{Reason: "bench", Draft: true}, "")
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < len(es); i += MaxBatch {
		if _, err := s.Append(ctx, alice, c.ID, Batch{Add: in(es[i:min(i+MaxBatch, len(es))])}); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.Submit(ctx, alice, c.ID); err != nil {
		b.Fatal(err)
	}
	approvePublish := func(id int64) store.Version {
		if _, err := s.Review(ctx, bob, id, true, ""); err != nil {
			b.Fatal(err)
		}
		v, err := s.Publish(ctx, alice, "default", false)
		if err != nil {
			b.Fatal(err)
		}
		if ix, _ := s.Index(ctx, "default"); ix.Version != v.Version {
			b.Fatal("not served")
		}
		return v
	}
	big := approvePublish(c.ID)
	s.Wait()
	set, _ := s.Content("default")

	b.Run("core-build", func(b *testing.B) {
		for b.Loop() {
			if _, err := snapshot.Build(snapshot.Options{Name: "default", Version: 1, Created: time.Unix(1, 0)}, set.Entries(), priv); err != nil {
				b.Fatal(err)
			}
		}
	})
	round := 0
	b.Run("update", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			round++
			var remove []string
			for _, e := range es[round*100 : round*100+100] {
				remove = append(remove, e.Pattern.String())
			}
			c, _, err := s.Propose(ctx, alice, "default", Proposal{Reason: "u", Add: in(synthetic.Entries(100, uint64(round+100))), Remove: remove}, "")
			if err != nil {
				b.Fatal(err)
			}
			s.Wait()
			b.StartTimer()
			big = approvePublish(c.ID)
		}
	})
	b.Run("full", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			c, err := s.Rollback(ctx, alice, "default", seed.Version, "reset")
			if err != nil {
				b.Fatal(err)
			}
			approvePublish(c.ID)
			if c, err = s.Rollback(ctx, alice, "default", big.Version, "restore"); err != nil {
				b.Fatal(err)
			}
			s.Wait()
			b.StartTimer()
			big = approvePublish(c.ID)
		}
	})
}
