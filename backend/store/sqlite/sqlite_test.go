package sqlite

import (
	"context"
	"strings"
	"testing"

	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/synthetic"
)

func TestItemsRoundTrip(t *testing.T) {
	es := synthetic.Entries(1000, 5)
	var items []store.Item
	for i, e := range es {
		if i%7 == 0 {
			items = append(items, store.Item{Op: store.Remove, Entry: entry.Entry{Pattern: e.Pattern}})
		} else {
			items = append(items, store.Item{Op: store.Add, Entry: e})
		}
	}
	got, err := decodeItems(encodeItems(items), len(items))
	if err != nil {
		t.Fatal(err)
	}
	for i := range items {
		if got.Item(i) != items[i] {
			t.Fatalf("item %d: %+v, want %+v", i, got.Item(i), items[i])
		}
	}
	for _, bad := range []string{"+\tx.example\t0\n", "P\tseized\n", "?\tx\n", "-\ta.example\n-\tb.example\n"} {
		if _, err := decodeItems([]byte(bad), 1); err == nil {
			t.Errorf("decoded %q", bad)
		}
	}
}

func TestAuditAppendOnly(t *testing.T) {
	db, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.AppendAudit(ctx, store.Event{Actor: "alice", Action: "test"}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{`UPDATE audit SET actor = 'mallory'`, `DELETE FROM audit`} {
		if _, err := db.db.Exec(q); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: %v", q, err)
		}
	}
	evs, _ := db.Audit(ctx, store.AuditFilter{})
	if len(evs) != 1 || evs[0].Actor != "alice" {
		t.Errorf("events %+v", evs)
	}
	if err := db.Check(ctx); err != nil {
		t.Error(err)
	}
}

func TestChangeStates(t *testing.T) {
	db, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	if err := db.CreateList(ctx, store.List{Name: "l"}, store.Event{Action: "list_create"}); err != nil {
		t.Fatal(err)
	}
	if err := db.CreateList(ctx, store.List{Name: "l"}, store.Event{}); err == nil {
		t.Error("created a list twice")
	}
	c, err := db.CreateChange(ctx, store.Change{List: "l", State: store.Pending, Reason: "r", ProposedBy: "a", ProposedToken: 1, IdempotencyKey: "k"}, nil, store.Event{})
	if err != nil {
		t.Fatal(err)
	}
	if again, err := db.CreateChange(ctx, store.Change{List: "l", State: store.Pending, Reason: "r", ProposedBy: "a", ProposedToken: 1, IdempotencyKey: "k"}, nil, store.Event{}); err != store.ErrExists || again.ID != c.ID {
		t.Errorf("idempotent create: %+v, %v", again, err)
	}
	if _, err := db.CreateChange(ctx, store.Change{List: "nope", State: store.Pending, ProposedBy: "a"}, nil, store.Event{}); err == nil {
		t.Error("change on a missing list")
	}
	c.State = store.Approved
	c1, err := db.SetState(ctx, c, store.Pending, store.Event{})
	if err != nil || c1.ApprovalSeq != 1 {
		t.Fatalf("approve: %+v, %v", c1, err)
	}
	if _, err := db.SetState(ctx, c, store.Pending, store.Event{}); err == nil {
		t.Error("approved twice")
	}
	if _, err := db.AppendItems(ctx, c.ID, nil, store.Event{}); err == nil {
		t.Error("appended to an approved change")
	}
}
