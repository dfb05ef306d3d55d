package checker

import (
	"crypto/ed25519"
	"errors"
	"testing"
	"time"

	"github.com/redflag/redflag/lists/check"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/keys"
	"github.com/redflag/redflag/lists/snapshot"
	"github.com/redflag/redflag/lists/synthetic"
)

// buildList is list name at version, each entry with provenance prov,
// signed by signer.
func buildList(t *testing.T, name string, version uint64, signer ed25519.PrivateKey, prov entry.Provenance, patterns ...string) *snapshot.Snapshot {
	t.Helper()
	var es []entry.Entry
	for _, p := range patterns {
		pat, err := entry.ParsePattern(p)
		if err != nil {
			t.Fatal(err)
		}
		es = append(es, entry.Entry{Pattern: pat, Provenance: prov})
	}
	s, err := snapshot.Build(snapshot.Options{Name: name, Version: version, Created: time.Unix(0, 0)}, es, signer)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSubscriptionsTrustTheirOwnKeys: a key trusted for one list verifies
// that list only, and a refused snapshot leaves every list answering.
func TestSubscriptionsTrustTheirOwnKeys(t *testing.T) {
	pubA := priv.Public().(ed25519.PublicKey)
	pubB, privB, _ := keys.Generate()
	c, err := Open(build(t, 5, "public-front.com").Bytes(), keys.NewSet(pubA))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Subscribe("company", nil); err == nil {
		t.Error("a list with no trusted key was subscribed")
	}
	if _, err := c.Subscribe("company", []string{"ed25519:nope"}); err == nil {
		t.Error("a list with a malformed key was subscribed")
	}
	id, err := c.Subscribe("company", []string{keys.FormatText(pubB)})
	if err != nil || id != 1 {
		t.Fatalf("Subscribe = %d, %v", id, err)
	}
	company := c.List(id)
	if in := company.Info(); in.Loaded || in.Version != 0 || in.Name != "company" || len(in.TrustedKeys) != 1 {
		t.Errorf("empty subscription: %+v", in)
	}
	v2delta, _ := snapshot.Diff(buildList(t, "company", 1, privB, flagged), buildList(t, "company", 2, privB, flagged), privB)

	steps := []struct {
		name    string
		do      func() error
		wantErr error
	}{
		{"a delta before any snapshot", func() error { return company.ApplyDelta(v2delta) }, snapshot.ErrWrongBase},
		{"company list signed with the default list's key", func() error { return company.Load(buildList(t, "company", 3, priv, flagged, "x-front.com").Bytes()) }, snapshot.ErrUnknownKey},
		{"the same, signature checked by the host", func() error {
			return company.LoadSignatureVerified(buildList(t, "company", 3, priv, flagged, "x-front.com").Bytes())
		}, snapshot.ErrUnknownKey},
		{"default list signed with the company's key", func() error { return c.Default().Load(build2(t, privB).Bytes()) }, snapshot.ErrUnknownKey},
		{"another list's snapshot signed with the company's key", func() error { return company.Load(buildList(t, "other", 3, privB, flagged).Bytes()) }, snapshot.ErrWrongBase},
		{"company list signed with its key", func() error {
			return company.Load(buildList(t, "company", 3, privB, flagged, "acme-payroll.com").Bytes())
		}, nil},
	}
	for _, s := range steps {
		if err := s.do(); s.wantErr == nil && err != nil || s.wantErr != nil && !errors.Is(err, s.wantErr) {
			t.Errorf("%s: err = %v, want %v", s.name, err, s.wantErr)
		}
	}
	idA, idB := keys.IDOf(pubA), keys.IDOf(pubB)
	if company.KeyFor(idA[:]) != nil || c.Default().KeyFor(idB[:]) != nil {
		t.Error("KeyFor hands out a key trusted for another list")
	}
	for _, tt := range []struct{ input, verdict, list string }{
		{"https://public-front.com/", check.Seized, "default"},
		{"https://acme-payroll.com/", check.Flagged, "company"},
		{"https://x-front.com/", check.Clean, ""},
	} {
		r, _ := check.Across(c.Snapshots(), tt.input, check.Options{})
		if r.Verdict != tt.verdict || r.List != tt.list {
			t.Errorf("%s: %s from %q, want %s from %q", tt.input, r.Verdict, r.List, tt.verdict, tt.list)
		}
	}

	if err := c.Unsubscribe(0); err == nil {
		t.Error("the default list was unsubscribed")
	}
	if err := c.Unsubscribe(id); err != nil {
		t.Fatal(err)
	}
	if c.List(id) != nil || len(c.Snapshots()) != 1 {
		t.Errorf("after Unsubscribe: %d snapshots", len(c.Snapshots()))
	}
	if err := c.Unsubscribe(id); !errors.Is(err, ErrNoList) {
		t.Errorf("second Unsubscribe: %v", err)
	}
	if r, _ := check.Across(c.Snapshots(), "https://acme-payroll.com/", check.Options{}); r.Verdict != check.Clean {
		t.Errorf("an unsubscribed list still answers: %s", r.Verdict)
	}
}

var flagged = synthetic.Provenances[1]

// build2 is the default list's name signed by signer.
func build2(t *testing.T, signer ed25519.PrivateKey) *snapshot.Snapshot {
	return buildList(t, "default", 99, signer, flagged, "a.com")
}

func TestSubscriptionIDs(t *testing.T) {
	c, err := Open(build(t, 5).Bytes(), keys.NewSet(priv.Public().(ed25519.PublicKey)))
	if err != nil {
		t.Fatal(err)
	}
	k := []string{keys.FormatText(priv.Public().(ed25519.PublicKey))}
	for i := 1; i < MaxLists; i++ {
		if id, err := c.Subscribe("l", k); err != nil || id != i {
			t.Fatalf("Subscribe #%d = %d, %v", i, id, err)
		}
	}
	if _, err := c.Subscribe("l", k); err == nil {
		t.Errorf("more than %d lists", MaxLists)
	}
	if err := c.Unsubscribe(3); err != nil {
		t.Fatal(err)
	}
	if id, err := c.Subscribe("l", k); id != 3 || err != nil {
		t.Errorf("a freed id is not reused: %d, %v", id, err)
	}
	for _, bad := range []string{"", "a/b", "a\nb"} {
		if _, err := c.Subscribe(bad, k); err == nil {
			t.Errorf("list name %q accepted", bad)
		}
	}
}
