package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redflag/redflag/backend/client"
	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/backend/workflow"
)

// state is what a request with no side effect must leave unchanged.
type state struct {
	changes, events, entries int
	version                  uint64
}

func snapshotState(t *testing.T, c *client.Client) state {
	t.Helper()
	cs, err := c.Changes(ctx(t), "default", "")
	if err != nil {
		t.Fatal(err)
	}
	evs, err := c.Audit(ctx(t), url.Values{"limit": {"1000"}})
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Entries(ctx(t), "default", url.Values{"limit": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	hist, err := c.History(ctx(t), "default")
	if err != nil {
		t.Fatal(err)
	}
	return state{len(cs), len(evs), p.Total, hist[0].Version}
}

func raw(t *testing.T, method, url, auth, body string, hdr map[string]string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	req.Header.Set("Content-Type", "application/json")
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	json.Unmarshal(b, &m)
	return resp.StatusCode, m
}

func TestAuth(t *testing.T) {
	s := start(t, "")
	aliceTok := s.token("alice", "admin")
	alice := s.client(aliceTok)
	bob := s.client(s.token("bob", "reviewer"))
	before := snapshotState(t, alice)
	body := `{"reason":"x","add":[{"pattern":"evil.example","kind":"flagged","date":"2026-11-20","authority":"A","reference":"https://a.example/"}]}`
	propose := s.url + "/v1/admin/lists/default/changes"
	for _, tt := range []struct {
		name, url, auth string
	}{
		{"no token", propose, ""},
		{"wrong token", propose, "Bearer rf_wrong"},
		{"not bearer", propose, "Basic " + aliceTok},
		{"token in the query", propose + "?token=" + aliceTok, ""},
		{"publish without token", s.url + "/v1/admin/lists/default/publish", ""},
		{"approve with wrong token", s.url + "/v1/admin/changes/1/approve", "Bearer " + aliceTok + "x"},
	} {
		st, m := raw(t, "POST", tt.url, tt.auth, body, nil)
		if st != http.StatusUnauthorized || m["error"] != "unauthorized" {
			t.Errorf("%s: %d %v, want 401", tt.name, st, m)
		}
	}
	if after := snapshotState(t, alice); after != before {
		t.Errorf("unauthorized requests changed state: %+v -> %+v", before, after)
	}

	// Roles: a reviewer may not propose or publish.
	if _, err := bob.Propose(ctx(t), "default", workflow.Proposal{Reason: "x", Add: []workflow.EntryInput{flagged("evil.example")}}, ""); client.StatusOf(err) != http.StatusForbidden {
		t.Errorf("reviewer proposing: %v, want 403", err)
	}
	if _, err := bob.Publish(ctx(t), "default", true); client.StatusOf(err) != http.StatusForbidden {
		t.Errorf("reviewer publishing: %v, want 403", err)
	}

	// A revoked token stops working at once.
	if _, errOut, err := redflag(t, "", "token", "revoke", "--data", s.dir, "--id", "1"); err != nil {
		t.Fatal(errOut)
	}
	if _, err := alice.WhoAmI(ctx(t)); client.StatusOf(err) != http.StatusUnauthorized {
		t.Errorf("revoked token: %v, want 401", err)
	}
	// The store keeps only hashes.
	db, _ := os.ReadFile(filepath.Join(s.dir, "redflag.db"))
	wal, _ := os.ReadFile(filepath.Join(s.dir, "redflag.db-wal"))
	if bytes.Contains(db, []byte(aliceTok)) || bytes.Contains(wal, []byte(aliceTok)) {
		t.Error("the database holds a token in clear")
	}
}

func TestBadInput(t *testing.T) {
	s := start(t, "", "--body-limit", "1M")
	tok := s.token("alice", "admin")
	alice := s.client(tok)
	before := snapshotState(t, alice)
	auth := "Bearer " + tok
	propose := s.url + "/v1/admin/lists/default/changes"
	good := `{"pattern":"fine.example","kind":"flagged","date":"2026-11-20","authority":"A","reference":"https://a.example/"}`
	tests := []struct {
		name, body string
		status     int
		message    string
	}{
		{"malformed", `{"reason":"x","add":[`, 400, "malformed JSON"},
		{"not an object", `[1,2]`, 400, "malformed JSON"},
		{"unknown field", `{"reason":"x","remvoe":["a.example"]}`, 400, "unknown field"},
		{"empty", ``, 400, "empty request body"},
		{"trailing data", `{"reason":"x","add":[` + good + `]} {}`, 400, "data after"},
		{"no reason", `{"add":[` + good + `]}`, 422, "reason is required"},
		{"no entries", `{"reason":"x"}`, 422, "needs entries"},
		{"oversized", `{"reason":"` + strings.Repeat("x", 2<<20) + `"}`, 413, "too large"},
		{"force without reason", `{"reason":"x","force":true,"add":[` + good + `]}`, 422, "force_reason"},
	}
	for _, tt := range tests {
		st, m := raw(t, "POST", propose, auth, tt.body, nil)
		if st != tt.status || !strings.Contains(fmt.Sprint(m["message"]), tt.message) {
			t.Errorf("%s: %d %v, want %d and %q", tt.name, st, m["message"], tt.status, tt.message)
		}
	}

	// Every bad entry is reported; the good ones are not applied either.
	p := workflow.Proposal{Reason: "mixed", Add: []workflow.EntryInput{
		flagged("good.example"),
		flagged("co.uk"),
		{Pattern: "bad-date.example", Kind: "flagged", Date: "2026-02-30", Authority: "A", Reference: "https://a.example/"},
		{Pattern: "no-kind.example", Kind: "hacked", Date: "2026-11-20", Authority: "A", Reference: "https://a.example/"},
		{Pattern: "ftp://x.example/", Kind: "seized", Date: "2026-11-20", Authority: "A", Reference: "https://a.example/"},
		{Pattern: "bad-ref.example", Kind: "seized", Date: "2026-11-20", Authority: "A", Reference: "javascript:alert(1)"},
		flagged("good.example"),
	}, Remove: []string{"not-listed.example"}}
	_, err := alice.Propose(ctx(t), "default", p, "")
	var e *client.Error
	if !asError(err, &e) || e.Status != 422 || e.Problem.Error != "invalid_entries" {
		t.Fatalf("mixed batch: %v", err)
	}
	wantBad := map[int]string{1: "public suffix", 2: "date must be YYYY-MM-DD", 3: "kind must be", 4: "only http and https", 5: "reference must be", 6: "repeats entry 0", 7: "is not listed"}
	if len(e.Problem.Items) != len(wantBad) {
		t.Errorf("%d item errors, want %d: %+v", len(e.Problem.Items), len(wantBad), e.Problem.Items)
	}
	for _, it := range e.Problem.Items {
		if !strings.Contains(it.Reason, wantBad[it.Index]) {
			t.Errorf("item %d (%s): %q, want %q", it.Index, it.Input, it.Reason, wantBad[it.Index])
		}
	}
	// Validate-one-entry says the same as a proposal.
	v, err := alice.Validate(ctx(t), "default", p.Add[2])
	if err != nil || v.OK || !strings.Contains(v.Error, "date must be YYYY-MM-DD") {
		t.Errorf("validate: %+v, %v", v, err)
	}
	v, err = alice.Validate(ctx(t), "default", flagged("https://WWW.Good.Example/x"))
	if err != nil || !v.OK || v.Pattern != "good.example" || v.Listed {
		t.Errorf("validate good: %+v, %v", v, err)
	}

	// Over 100,000 entries in one request: refused whole.
	big := workflow.Proposal{Reason: "too big"}
	for i := 0; i <= workflow.MaxBatch; i++ {
		big.Add = append(big.Add, workflow.EntryInput{Pattern: fmt.Sprintf("d%d.example", i)})
	}
	s2 := start(t, "")
	a2 := s2.client(s2.token("alice", "admin"))
	if _, err := a2.Propose(ctx(t), "default", big, ""); client.StatusOf(err) != http.StatusRequestEntityTooLarge {
		t.Errorf("%d entries: %v, want 413", len(big.Add), err)
	}
	if after := snapshotState(t, alice); after.changes != before.changes || after.entries != before.entries || after.version != before.version {
		t.Errorf("bad input changed state: %+v -> %+v", before, after)
	}
}

func asError(err error, e **client.Error) bool {
	x, ok := err.(*client.Error)
	*e = x
	return ok
}

func TestIdempotency(t *testing.T) {
	s := start(t, "")
	alice := s.client(s.token("alice", "admin"))
	p := workflow.Proposal{Reason: "retry me", Add: []workflow.EntryInput{flagged("retry.example")}}
	first, err := alice.Propose(ctx(t), "default", p, "key-1")
	if err != nil {
		t.Fatal(err)
	}
	again, err := alice.Propose(ctx(t), "default", p, "key-1")
	if err != nil {
		t.Fatal(err)
	}
	if again.ID != first.ID {
		t.Errorf("retry made change %d, first was %d", again.ID, first.ID)
	}
	p.Add = append(p.Add, flagged("other.example"))
	if _, err := alice.Propose(ctx(t), "default", p, "key-1"); client.StatusOf(err) != http.StatusUnprocessableEntity {
		t.Errorf("same key, other body: %v, want 422", err)
	}
	cs, _ := alice.Changes(ctx(t), "default", store.Pending)
	if len(cs) != 1 {
		t.Errorf("%d pending changes, want 1", len(cs))
	}
	// The same key from another token is another request.
	carol := s.client(s.token("carol", "admin"))
	if c, err := carol.Propose(ctx(t), "default", workflow.Proposal{Reason: "r", Add: []workflow.EntryInput{flagged("retry.example")}}, "key-1"); err != nil || c.ID == first.ID {
		t.Errorf("other token, same key: %+v, %v", c, err)
	}
	// Replays also cover approve and publish: a retried publish does not
	// publish twice.
	bob := s.client(s.token("bob", "reviewer"))
	if _, err := bob.Review(ctx(t), first.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	var v1, v2 store.Version
	for _, v := range []*store.Version{&v1, &v2} {
		if _, err := alice.Do(ctx(t), client.Request{Method: "POST", Path: "/v1/admin/lists/default/publish", IdempotencyKey: "pub-1"}, v); err != nil {
			t.Fatal(err)
		}
	}
	hist, _ := alice.History(ctx(t), "default")
	if v1.Version != v2.Version || len(hist) != 2 {
		t.Errorf("retried publish: %d and %d, %d versions", v1.Version, v2.Version, len(hist))
	}
}

func TestReview(t *testing.T) {
	s := start(t, "")
	alice, bob := s.client(s.token("alice", "admin")), s.client(s.token("bob", "reviewer"))
	dave := s.client(s.token("dave", "admin"))
	ch, err := alice.Propose(ctx(t), "default", workflow.Proposal{Reason: "r", Add: []workflow.EntryInput{flagged("mine.example")}}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := alice.Review(ctx(t), ch.ID, true, "lgtm"); client.StatusOf(err) != http.StatusForbidden {
		t.Errorf("self-approval: %v, want 403", err)
	}
	if _, err := bob.Review(ctx(t), ch.ID, false, ""); client.StatusOf(err) != http.StatusUnprocessableEntity {
		t.Errorf("rejection without comment: %v, want 422", err)
	}
	got, err := dave.Review(ctx(t), ch.ID, false, "source is a forum post")
	if err != nil || got.State != store.Rejected || got.ReviewedBy != "dave" || got.ReviewComment != "source is a forum post" {
		t.Fatalf("reject: %+v, %v", got, err)
	}
	if _, err := bob.Review(ctx(t), ch.ID, true, ""); client.StatusOf(err) != http.StatusConflict {
		t.Errorf("approving a rejected change: %v, want 409", err)
	}
	if p, _ := alice.Entries(ctx(t), "default", url.Values{"q": {"mine.example"}}); p.Matched != 0 {
		t.Error("a rejected change reached the content")
	}

	// With review off, the proposer approves alone, and the log says so.
	s.stop()
	off := start(t, s.dir, "--review=off")
	alice = off.client(alice.Token)
	ch, err = alice.Propose(ctx(t), "default", workflow.Proposal{Reason: "r", Add: []workflow.EntryInput{flagged("mine.example")}}, "")
	if err != nil {
		t.Fatal(err)
	}
	got, err = alice.Review(ctx(t), ch.ID, true, "")
	if err != nil || !got.ReviewOff || got.State != store.Approved {
		t.Fatalf("self-approval with review off: %+v, %v", got, err)
	}
	evs, _ := alice.Audit(ctx(t), url.Values{"action": {"review_off"}})
	if len(evs) != 1 {
		t.Errorf("%d review_off events, want 1", len(evs))
	}
	evs, _ = alice.Audit(ctx(t), url.Values{"action": {"change_approve"}, "actor": {"alice"}})
	if len(evs) != 1 || !strings.Contains(evs[0].Detail, `"review_off":true`) {
		t.Errorf("approval record %+v", evs)
	}
}

func TestGuard(t *testing.T) {
	s := start(t, "")
	alice := s.client(s.token("alice", "admin"))
	tests := []struct {
		name   string
		p      workflow.Proposal
		status int
	}{
		{"whole platform", workflow.Proposal{Reason: "r", Add: []workflow.EntryInput{flagged("https://github.com/")}}, 422},
		{"platform subdomain", workflow.Proposal{Reason: "r", Add: []workflow.EntryInput{flagged("gist.github.com")}}, 422},
		{"job board", workflow.Proposal{Reason: "r", Add: []workflow.EntryInput{flagged("linkedin.com")}}, 422},
		{"force without reason", workflow.Proposal{Reason: "r", Force: true, Add: []workflow.EntryInput{flagged("github.com")}}, 422},
		{"profile prefix", workflow.Proposal{Reason: "r", Add: []workflow.EntryInput{flagged("github.com/some-user/")}}, 201},
		{"pasted profile URL", workflow.Proposal{Reason: "r", Add: []workflow.EntryInput{flagged("https://www.linkedin.com/in/fake-recruiter")}}, 201},
		{"forced", workflow.Proposal{Reason: "r", Force: true, ForceReason: "platform compromised; incident 7", Add: []workflow.EntryInput{flagged("upwork.com")}}, 201},
	}
	for _, tt := range tests {
		ch, err := alice.Propose(ctx(t), "default", tt.p, "")
		st := client.StatusOf(err)
		if err == nil {
			st = 201
		}
		if st != tt.status {
			t.Errorf("%s: %d (%v), want %d", tt.name, st, err, tt.status)
		}
		var e *client.Error
		if tt.status == 422 && asError(err, &e) && len(e.Problem.Items) == 1 && (e.Problem.Items[0].Refusal == nil || !strings.Contains(e.Problem.Items[0].Reason, "force")) {
			t.Errorf("%s: refusal %+v does not explain force", tt.name, e.Problem.Items[0])
		}
		if tt.name == "forced" && (ch.ForceReason == "" || !ch.Force) {
			t.Errorf("forced change %+v", ch)
		}
	}
}

func TestImportEntriesAudit(t *testing.T) {
	s := start(t, "")
	alice, bob := s.client(s.token("alice", "admin")), s.client(s.token("bob", "reviewer"))
	before := snapshotState(t, alice)
	file := []byte("# acme hosts\nevil-one.example\nhttps://evil-two.example/login\nco.uk\nhr@evil-three.example\ngithub.com\nevil-four.example\n")
	q := url.Values{"kind": {"flagged"}, "authority": {"Acme"}, "date": {"2026-11-21"}, "reference": {"https://acme.example/a"}, "dry_run": {"true"}, "reason": {"acme feed"}}
	ans, err := alice.Import(ctx(t), "default", file, q)
	if err != nil {
		t.Fatal(err)
	}
	if ans.Accepted != 4 || len(ans.Rejected) != 2 || !ans.DryRun || ans.Change != nil {
		t.Fatalf("dry run %+v", ans)
	}
	if after := snapshotState(t, alice); after.changes != before.changes {
		t.Error("a dry run proposed a change")
	}
	q.Del("dry_run")
	ans, err = alice.Import(ctx(t), "default", file, q)
	if err != nil || ans.Change == nil || ans.Change.Adds != 4 {
		t.Fatalf("import %+v, %v", ans, err)
	}

	// The command line: parse locally, upload in batches with progress.
	path := filepath.Join(t.TempDir(), "list.txt")
	os.WriteFile(path, []byte("cli-1.example\ncli-2.example\nnot a domain!\ncli-3.example\ncli-4.example\ncli-5.example\n"), 0o644)
	out, errOut, err := redflag(t, "", "admin", "import", "--server", s.url, "--token", alice.Token, "--batch", "2",
		"--kind", "seized", "--authority", "Court", "--date", "2026-11-22", "--reference", "https://court.example/order", "--reason", "order 9", "--json", path)
	if err != nil {
		t.Fatalf("admin import: %v\n%s", err, errOut)
	}
	if !strings.Contains(errOut, "5 accepted, 1 rejected") || !strings.Contains(errOut, "uploading [") || !strings.Contains(errOut, "5/5 entries") {
		t.Errorf("import output: %s", errOut)
	}
	var ch store.Change
	json.Unmarshal([]byte(out), &ch)
	if ch.State != store.Pending || ch.Adds != 5 {
		t.Fatalf("imported change %+v", ch)
	}
	for _, id := range []int64{ans.Change.ID, ch.ID} {
		if _, err := bob.Review(ctx(t), id, true, "ok"); err != nil {
			t.Fatal(err)
		}
	}
	// Entries page and search.
	p, err := bob.Entries(ctx(t), "default", url.Values{"q": {"cli-"}, "limit": {"2"}})
	if err != nil || p.Matched != 5 || len(p.Entries) != 2 || p.Next != "cli-2.example" || p.Entries[0].Authority != "Court" {
		t.Fatalf("search %+v, %v", p, err)
	}
	p, err = bob.Entries(ctx(t), "default", url.Values{"q": {"cli-"}, "limit": {"2"}, "after": {p.Next}})
	if err != nil || len(p.Entries) != 2 || p.Entries[0].Pattern != "cli-3.example" {
		t.Fatalf("second page %+v, %v", p, err)
	}
	p, _ = bob.Entries(ctx(t), "default", url.Values{"kind": {"flagged"}})
	if p.Matched != 4 {
		t.Errorf("flagged entries: %d, want 4", p.Matched)
	}

	// Audit filters.
	evs, err := bob.Audit(ctx(t), url.Values{"actor": {"bob"}})
	if err != nil || len(evs) != 2 || evs[0].Action != "change_approve" || evs[0].TokenID == 0 || evs[0].RequestID == "" {
		t.Errorf("bob's events %+v, %v", evs, err)
	}
	evs, _ = bob.Audit(ctx(t), url.Values{"action": {"change_propose"}, "since": {"2000-01-01"}})
	if len(evs) != 3 { // seed + two imports
		t.Errorf("%d propose events, want 3", len(evs))
	}
	evs, _ = bob.Audit(ctx(t), url.Values{"until": {"2000-01-01"}})
	if len(evs) != 0 {
		t.Errorf("%d events before 2000", len(evs))
	}
	if _, err := bob.Audit(ctx(t), url.Values{"since": {"yesterday"}}); client.StatusOf(err) != 400 {
		t.Errorf("bad since: %v", err)
	}
}

func TestMetricsAndOpenAPI(t *testing.T) {
	s := start(t, "")
	c := s.client("")
	c.Get(ctx(t), "/v1/lists/default/snapshot", "")
	var b []byte
	if _, err := c.Do(ctx(t), client.Request{Method: "GET", Path: "/metrics"}, &b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`redflag_http_requests_total{code="200",method="GET",route="/v1/lists/:name/snapshot"} 1`, "redflag_list_entries{list=\"default\"} 17", "process_resident_memory_bytes"} {
		if !bytes.Contains(b, []byte(want)) {
			t.Errorf("metrics lack %s", want)
		}
	}
	var doc map[string]any
	if _, err := c.Do(ctx(t), client.Request{Method: "GET", Path: "/v1/openapi.json"}, &doc); err != nil || doc["openapi"] != "3.0.3" {
		t.Errorf("openapi: %v", err)
	}
	// JSON is gzipped for clients that accept it; snapshots are not.
	req, _ := http.NewRequest("GET", s.url+"/v1/openapi.json", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("openapi.json not gzipped: %v", resp.Header)
	}
	req, _ = http.NewRequest("GET", s.url+"/v1/lists/default/snapshot", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	resp, _ = http.DefaultTransport.RoundTrip(req)
	resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "" {
		t.Errorf("snapshot compressed: %v", resp.Header)
	}
}

func TestRateLimit(t *testing.T) {
	s := start(t, "", "--admin-rate", "1", "--admin-burst", "5")
	alice := s.client(s.token("alice", "admin"))
	limited := 0
	for i := 0; i < 20; i++ {
		if _, err := alice.WhoAmI(ctx(t)); client.StatusOf(err) == http.StatusTooManyRequests {
			limited++
		}
	}
	if limited < 10 {
		t.Errorf("%d of 20 requests limited at 1/s burst 5", limited)
	}
	// The public API is not limited.
	for i := 0; i < 20; i++ {
		if _, err := s.client("").Get(ctx(t), "/v1/lists", ""); err != nil {
			t.Fatal(err)
		}
	}
}
