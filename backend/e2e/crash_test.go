package e2e

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/redflag/redflag/backend/client"
	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/backend/store/sqlite"
	"github.com/redflag/redflag/backend/workflow"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/snapshot"
	"github.com/redflag/redflag/lists/synthetic"
)

func inputs(es []entry.Entry) []workflow.EntryInput {
	out := make([]workflow.EntryInput, len(es))
	for i, e := range es {
		out[i] = workflow.EntryInput{Pattern: e.Pattern.String(), Kind: e.Kind.String(), Date: e.Date, Authority: e.Authority, Reference: e.Reference, Note: e.Note}
	}
	return out
}

// propose uploads es as one change (a draft in batches when large) and
// returns it pending.
func proposeAll(t *testing.T, c *client.Client, es []entry.Entry) store.Change {
	t.Helper()
	n := min(len(es), workflow.MaxBatch)
	ans, err := c.Propose(ctx(t), "default", workflow.Proposal{Reason: "bulk", Add: inputs(es[:n]), Draft: n < len(es)}, "")
	if err != nil {
		t.Fatal(err)
	}
	ch := ans.Change
	if n == len(es) {
		return ch
	}
	for i := n; i < len(es); i += workflow.MaxBatch {
		if _, err := c.Append(ctx(t), ch.ID, workflow.Batch{Add: inputs(es[i:min(i+workflow.MaxBatch, len(es))])}, ""); err != nil {
			t.Fatal(err)
		}
	}
	if ch, err = c.Submit(ctx(t), ch.ID, ""); err != nil {
		t.Fatal(err)
	}
	return ch
}

// TestKillDuringPublish sends SIGKILL to the server while it publishes a
// large list, at several points of the publication, and checks after each
// restart that the last committed version is served whole, that the
// interrupted one is either fully there or absent, and that the store is
// consistent.
func TestKillDuringPublish(t *testing.T) {
	n := 200_000
	if testing.Short() {
		n = 50_000
	}
	s := start(t, "")
	aliceTok, bobTok := s.token("alice", "admin"), s.token("bob", "reviewer")
	alice, bob := s.client(aliceTok), s.client(bobTok)
	set := trust(t, s.client(""))
	es := synthetic.Entries(n, 7)
	ch := proposeAll(t, alice, es)
	if _, err := bob.Review(ctx(t), ch.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	first, err := alice.Publish(ctx(t), "default", false)
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(begin)
	t.Logf("publishing %d entries took %v", first.Entries, took)

	extra := 0
	kills := []float64{0.02, 0.1, 0.4, 0.7, 0.95}
	interrupted := 0
	for round, frac := range kills {
		// Something new to publish.
		extra++
		more := []entry.Entry{{Pattern: entry.Pattern{Host: fmt.Sprintf("round-%d.example", round)}, Provenance: es[0].Provenance}}
		c, err := alice.Propose(ctx(t), "default", workflow.Proposal{Reason: "more", Add: inputs(more)}, "")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bob.Review(ctx(t), c.ID, true, ""); err != nil {
			t.Fatal(err)
		}
		before, err := alice.History(ctx(t), "default")
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() {
			_, err := alice.Publish(context.Background(), "default", false)
			done <- err
		}()
		time.Sleep(time.Duration(frac * float64(took)))
		s.kill()
		if err := <-done; err != nil {
			interrupted++
		}

		// The store is consistent while the server is down.
		db, err := sqlite.Open(s.dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.Check(context.Background()); err != nil {
			t.Errorf("round %d: %v", round, err)
		}
		db.Close()

		s.run()
		alice, bob = s.client(aliceTok), s.client(bobTok)
		after, err := alice.History(ctx(t), "default")
		if err != nil {
			t.Fatal(err)
		}
		switch len(after) - len(before) {
		case 0: // the interrupted version does not exist
			t.Logf("round %d (kill at %.0f%%): the interrupted version is absent", round, 100*frac)
		case 1: // it exists whole
			t.Logf("round %d (kill at %.0f%%): the interrupted version was committed whole", round, 100*frac)
			if after[0].Version <= before[0].Version || after[0].Entries != 17+n+extra {
				t.Errorf("round %d: new version %+v", round, after[0])
			}
		default:
			t.Fatalf("round %d: %d versions before, %d after", round, len(before), len(after))
		}
		// The latest version in the history is the one served, and it verifies.
		obj, err := s.client("").Get(ctx(t), "/v1/lists/default/snapshot", "")
		if err != nil {
			t.Fatal(err)
		}
		snap, err := snapshot.Open(obj.Body, set)
		if err != nil || snap.Version != after[0].Version || snap.Entries != after[0].Entries {
			t.Fatalf("round %d: serving %v (%v), history says %d", round, snap, err, after[0].Version)
		}
		// Publishing works again, above every version ever published.
		if len(after) == len(before) {
			v, err := alice.Publish(ctx(t), "default", false)
			if err != nil || v.Version <= after[0].Version || v.Entries != 17+n+extra {
				t.Fatalf("round %d: publishing after the restart: %+v, %v", round, v, err)
			}
		} else if _, err := alice.Publish(ctx(t), "default", false); client.StatusOf(err) != http.StatusConflict {
			t.Errorf("round %d: republishing the recovered version: %v, want 409", round, err)
		}
	}
	t.Logf("%d of %d publications were interrupted by SIGKILL", interrupted, len(kills))
	if interrupted == 0 {
		t.Error("no publication was interrupted: the kills came too late to test anything")
	}
}
