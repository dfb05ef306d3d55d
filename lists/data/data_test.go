package data

import (
	"bytes"
	"crypto/ed25519"
	"testing"

	"github.com/redflag/redflag/lists/canon"
	"github.com/redflag/redflag/lists/snapshot"
)

// The shipped list: the 17 domains the DOJ seized on 2023-10-17, each with
// its provenance.
func TestShippedEntries(t *testing.T) {
	es, err := Entries()
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 17 {
		t.Fatalf("%d entries, want the 17 DOJ-seized domains", len(es))
	}
	for _, e := range es {
		if e.Kind.String() != "seized" || e.Date != "2023-10-17" || e.Reference == "" || e.Pattern.IsPrefix() {
			t.Errorf("entry %s: %+v", e.Pattern, e.Provenance)
		}
	}
}

// Changing the data without a new version would ship two different lists
// under one version number.
func TestContentPinned(t *testing.T) {
	es, err := Entries()
	if err != nil {
		t.Fatal(err)
	}
	if got := contentSHA256(es); got != ContentSHA256 {
		t.Errorf("entry files changed: set Version to the new publication time (Unix ms) and ContentSHA256 = %q", got)
	}
}

// The embedded snapshot must be what the entry files say today.
func TestEmbeddedSnapshotFresh(t *testing.T) {
	b, err := SnapshotBytes()
	if err != nil {
		t.Fatal(err)
	}
	embedded, err := Default()
	if err != nil {
		t.Fatalf("embedded default list does not verify: %v", err)
	}
	es, err := Entries()
	if err != nil {
		t.Fatal(err)
	}
	_, priv, _ := ed25519.GenerateKey(nil)
	fresh, err := snapshot.Build(Options(), es, priv)
	if err != nil {
		t.Fatal(err)
	}
	// Everything before the key id and signature is the content.
	const trailer = 8 + ed25519.SignatureSize
	if !bytes.Equal(b[:len(b)-trailer], fresh.Bytes()[:len(fresh.Bytes())-trailer]) {
		t.Fatal("lists/data/embedded/default.snap is stale: run make")
	}
	for _, u := range []string{"http://silverstarchina.com/", "https://jobs.cloudfox.cloud/apply", "hr@jinyang.asia"} {
		cu, _ := canon.Parse(u)
		if _, ok := embedded.Lookup(cu); !ok {
			t.Errorf("embedded list does not list %s", u)
		}
	}
}
