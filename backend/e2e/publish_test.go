package e2e

import (
	"bytes"
	"crypto/ed25519"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/redflag/redflag/backend/client"
	"github.com/redflag/redflag/backend/publish"
	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/backend/workflow"
	"github.com/redflag/redflag/lists/canon"
	"github.com/redflag/redflag/lists/data"
	"github.com/redflag/redflag/lists/keys"
	"github.com/redflag/redflag/lists/snapshot"
)

func flagged(pattern string) workflow.EntryInput {
	return workflow.EntryInput{Pattern: pattern, Kind: "flagged", Date: "2026-11-20", Authority: "Acme security",
		Reference: "https://acme.example/advisory/42", Note: "fake recruiter"}
}

// trust fetches /v1/keys.
func trust(t *testing.T, c *client.Client) *keys.Set {
	t.Helper()
	ks, err := c.Keys(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	set := keys.NewSet()
	for _, k := range ks.Keys {
		pub, err := keys.ParseText(k.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		if keys.IDOf(pub).String() != k.ID {
			t.Fatalf("key %s has id %s", k.PublicKey, keys.IDOf(pub))
		}
		set.Add(pub)
	}
	return set
}

func listed(t *testing.T, s *snapshot.Snapshot, url string) bool {
	t.Helper()
	u, err := canon.Parse(url)
	if err != nil {
		t.Fatal(err)
	}
	_, ok := s.Lookup(u)
	return ok
}

func fetchSnapshot(t *testing.T, c *client.Client, list string, set *keys.Set) (*snapshot.Snapshot, client.Object) {
	t.Helper()
	obj, err := c.Get(ctx(t), "/v1/lists/"+list+"/snapshot", "")
	if err != nil {
		t.Fatal(err)
	}
	s, err := snapshot.Open(obj.Body, set)
	if err != nil {
		t.Fatalf("served snapshot: %v", err)
	}
	if obj.Version != s.Version || obj.Header.Get("Cache-Control") == "" || obj.ETag == "" {
		t.Errorf("snapshot headers: version %d (snapshot %d), %v", obj.Version, s.Version, obj.Header)
	}
	return s, obj
}

// TestProposeApprovePublish walks the whole path: the seeded list, a
// change proposed by one admin and approved by a reviewer, publication,
// the snapshot and the delta verified with the lists core, conditional
// requests, and a rollback.
func TestProposeApprovePublish(t *testing.T) {
	s := start(t, "")
	alice, bob := s.client(s.token("alice", "admin")), s.client(s.token("bob", "reviewer"))
	pub := s.client("")
	set := trust(t, pub)

	lists, err := pub.Lists(ctx(t))
	if err != nil || len(lists.Lists) != 1 {
		t.Fatalf("lists %+v, %v", lists, err)
	}
	want, _ := data.Entries()
	if ix := lists.Lists[0]; ix.Name != data.Name || ix.Version != data.Version || ix.Entries != len(want) {
		t.Fatalf("seeded list %+v, want %s@%d with %d entries", ix, data.Name, data.Version, len(want))
	}
	v1, obj1 := fetchSnapshot(t, pub, "default", set)
	if !listed(t, v1, "https://www.silverstarchina.com/careers") {
		t.Error("seeded snapshot misses silverstarchina.com")
	}

	ch, err := alice.Propose(ctx(t), "default", workflow.Proposal{Reason: "Acme advisory 42",
		Add:    []workflow.EntryInput{flagged("HTTPS://Recruit-Example.COM/jobs"), flagged("https://github.com/fake-recruiter")},
		Remove: []string{"silverstarchina.com"}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if ch.State != "pending" || ch.Adds != 2 || ch.Removes != 1 || ch.ProposedBy != "alice" {
		t.Fatalf("proposed %+v", ch)
	}
	items, err := bob.Items(ctx(t), ch.ID, 0, 10)
	if err != nil || items.Total != 3 || len(items.Items) != 3 {
		t.Fatalf("items %+v, %v", items, err)
	}
	for _, it := range items.Items {
		if it.Pattern == "silverstarchina.com" && (it.Op != "remove" || it.Current == nil || it.Current.Authority == "") {
			t.Errorf("removal shown as %+v", it)
		}
	}
	if _, err := bob.Review(ctx(t), ch.ID, true, "checked the advisory"); err != nil {
		t.Fatal(err)
	}
	// Approved but not yet published: the public side still serves v1.
	if o, _ := pub.Get(ctx(t), "/v1/lists/default/snapshot", ""); o.Version != v1.Version {
		t.Errorf("served version %d before publishing, want %d", o.Version, v1.Version)
	}
	ver, err := alice.Publish(ctx(t), "default", false)
	if err != nil {
		t.Fatal(err)
	}
	if ver.Version <= v1.Version || ver.Entries != len(want)+1 || len(ver.Deltas) != 1 || ver.Deltas[0].From != v1.Version {
		t.Fatalf("published %+v", ver)
	}

	v2, obj2 := fetchSnapshot(t, pub, "default", set)
	if v2.Version != ver.Version {
		t.Fatalf("serving %d after publishing %d", v2.Version, ver.Version)
	}
	for url, want := range map[string]bool{
		"http://recruit-example.com/apply":        true,
		"https://github.com/fake-recruiter/repo":  true,
		"https://github.com/someone-else":         false,
		"https://www.silverstarchina.com/careers": false,
		"jinyang.asia": true,
	} {
		if got := listed(t, v2, url); got != want {
			t.Errorf("v2 lists %s: %v, want %v", url, got, want)
		}
	}

	// The delta from v1 rebuilds v2 byte for byte.
	d, err := pub.Get(ctx(t), "/v1/lists/default/delta?from="+strconv.FormatUint(v1.Version, 10), "")
	if err != nil {
		t.Fatal(err)
	}
	if d.Header.Get("Content-Type") != "application/vnd.redflag.delta" || d.Version != v2.Version {
		t.Errorf("delta headers %v", d.Header)
	}
	applied, err := snapshot.ApplyDelta(v1, d.Body, set)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(applied.Bytes(), obj2.Body) {
		t.Fatal("delta applied to v1 differs from the served v2")
	}

	// Conditional requests and the delta answers a client falls back on.
	tests := []struct {
		path, etag string
		status     int
		code       string
	}{
		{"/v1/lists/default/snapshot", obj2.ETag, http.StatusNotModified, ""},
		{"/v1/lists/default/snapshot", obj1.ETag, http.StatusOK, ""},
		{"/v1/lists/default/snapshot", "W/" + obj2.ETag, http.StatusNotModified, ""},
		{"/v1/lists/default/delta?from=" + strconv.FormatUint(v2.Version, 10), "", http.StatusNotModified, ""},
		{"/v1/lists/default/delta?from=" + strconv.FormatUint(v1.Version, 10), d.ETag, http.StatusNotModified, ""},
		{"/v1/lists/default/delta?from=12345", "", http.StatusGone, "delta_expired"},
		{"/v1/lists/default/delta?from=" + strconv.FormatUint(v1.Version+1, 10), "", http.StatusNotFound, "delta_unavailable"},
		{"/v1/lists/default/delta?from=" + strconv.FormatUint(v2.Version+1, 10), "", http.StatusNotFound, "delta_unavailable"},
		{"/v1/lists/default/delta?from=abc", "", http.StatusBadRequest, "bad_request"},
		{"/v1/lists/nosuch/snapshot", "", http.StatusNotFound, "not_found"},
		{"/v1/lists/default", "", http.StatusOK, ""},
	}
	for _, tt := range tests {
		o, err := pub.Get(ctx(t), tt.path, tt.etag)
		status := o.Status
		if e, ok := err.(*client.Error); ok {
			status = e.Status
			if e.Problem.Error != tt.code {
				t.Errorf("GET %s: error %q, want %q", tt.path, e.Problem.Error, tt.code)
			}
		} else if err != nil {
			t.Fatal(err)
		}
		if status != tt.status {
			t.Errorf("GET %s (If-None-Match %s): %d, want %d", tt.path, tt.etag, status, tt.status)
		}
	}

	// Rollback: a new version whose content equals v1's.
	rb, err := alice.Rollback(ctx(t), "default", v1.Version, "advisory 42 withdrawn")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bob.Review(ctx(t), rb.ID, true, "ok"); err != nil {
		t.Fatal(err)
	}
	ver3, err := alice.Publish(ctx(t), "default", false)
	if err != nil {
		t.Fatal(err)
	}
	v3, _ := fetchSnapshot(t, pub, "default", set)
	if v3.Version != ver3.Version || v3.Version <= v2.Version {
		t.Fatalf("rollback published %d after %d", v3.Version, v2.Version)
	}
	if !slices.Equal(v3.Keys, v1.Keys) || !slices.Equal(v3.Markers, v1.Markers) || !slices.Equal(v3.Provenances, v1.Provenances) {
		t.Error("rolled-back content differs from v1")
	}
	if _, err := alice.Publish(ctx(t), "default", false); client.StatusOf(err) != http.StatusConflict {
		t.Errorf("publishing nothing new: %v, want 409", err)
	}
	// The delta from v1 to v3 is made in the background after v3 is served.
	var hist []store.Version
	for i := 0; i < 100; i++ {
		if hist, err = bob.History(ctx(t), "default"); err != nil || len(hist[0].Deltas) == 2 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil || len(hist) != 3 || hist[0].Version != v3.Version || len(hist[0].Deltas) != 2 {
		t.Fatalf("history %+v, %v", hist, err)
	}
	d13, err := pub.Get(ctx(t), "/v1/lists/default/delta?from="+strconv.FormatUint(v1.Version, 10), "")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := snapshot.ApplyDelta(v1, d13.Body, set); err != nil || !bytes.Equal(got.Bytes(), v3.Bytes()) {
		t.Errorf("delta v1 -> v3: %v", err)
	}
}

// TestSeedWithDevKey: a publisher signing with the key make uses serves
// exactly the default snapshot embedded in the binaries, so extensions
// shipping it are already current.
func TestSeedWithDevKey(t *testing.T) {
	home, _ := os.UserHomeDir()
	key := filepath.Join(home, ".config", "redflag", "dev-signing.key")
	if _, err := os.Stat(key); err != nil {
		t.Skip("no development key (run make embedded)")
	}
	embedded, err := data.SnapshotBytes()
	if err != nil {
		t.Skip(err)
	}
	s := start(t, "", "--key", key)
	obj, err := s.client("").Get(ctx(t), "/v1/lists/default/snapshot", "")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(obj.Body, embedded) {
		t.Error("seeded snapshot differs from lists/data/embedded/default.snap")
	}
	if _, err := os.Stat(filepath.Join(s.dir, "signing.key")); err == nil {
		t.Error("made a signing key although --key was given")
	}
	ks, _ := s.client("").Keys(ctx(t))
	priv, _ := keys.ReadPrivateFile(key)
	if len(ks.Keys) != 1 || ks.Keys[0].PublicKey != keys.FormatText(priv.Public().(ed25519.PublicKey)) {
		t.Errorf("keys %+v", ks)
	}
}

// TestDataDirKey: without --key the first start makes a 0600 key.
func TestDataDirKey(t *testing.T) {
	s := start(t, "")
	fi, err := os.Stat(filepath.Join(s.dir, "signing.key"))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("signing key mode %v, want 0600", fi.Mode().Perm())
	}
	var ix publish.Index
	if _, err := s.client("").Do(ctx(t), client.Request{Method: "GET", Path: "/v1/lists/default"}, &ix); err != nil {
		t.Fatal(err)
	}
	if ix.Snapshot.Object != publish.SnapshotKey("default", data.Version) || ix.Snapshot.Size == 0 {
		t.Errorf("index %+v", ix)
	}
}

// TestMaxAge: --max-age sets the Cache-Control of published objects.
func TestMaxAge(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want string
	}{{nil, "public, max-age=60"}, {[]string{"--max-age", "0s"}, "public, max-age=0"}, {[]string{"--max-age", "5m"}, "public, max-age=300"}} {
		s := start(t, "", tt.args...)
		obj, err := s.client("").Get(ctx(t), "/v1/lists/default/snapshot", "")
		if err != nil || obj.Header.Get("Cache-Control") != tt.want {
			t.Errorf("%v: Cache-Control %q, want %q (%v)", tt.args, obj.Header.Get("Cache-Control"), tt.want, err)
		}
		s.stop()
	}
}
