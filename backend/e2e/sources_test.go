package e2e

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redflag/redflag/backend/cli"
	"github.com/redflag/redflag/backend/feeds/feedtest"
)

// TestSourceEndToEnd: a hosts feed served on 127.0.0.1, followed by a
// real `redflag serve` through `redflag admin source`: pull, approve,
// publish, and `redflag check` against the served snapshot finds the new
// entry; a failing feed changes nothing, says why and shows in /metrics.
func TestSourceEndToEnd(t *testing.T) {
	s := start(t, "")
	alice, bob := s.token("alice", "admin"), s.token("bob", "reviewer")
	admin := func(token string, args ...string) (string, string, error) {
		return redflag(t, "", append(append([]string{"admin"}, args...), "--server", s.url, "--token", token)...)
	}
	feed := feedtest.NewFile("# Acme blocklist\n0.0.0.0 fake-recruiter.example\n0.0.0.0 jobs.fake-front.example\n")
	defer feed.Close()

	out, errOut, err := admin(alice, "source", "add", "--name", "acme", "--url", feed.URL(), "--format", "hosts",
		"--kind", "flagged", "--authority", "Acme security", "--reference", "https://acme.example/feed", "--every", "6h")
	if err != nil || !strings.HasPrefix(out, "source acme added to list default (hosts, every 6h, review review)") {
		t.Fatalf("source add: %q %v %s", out, err, errOut)
	}
	if _, errOut, err := admin(bob, "source", "add", "--name", "bobs", "--url", feed.URL(), "--format", "hosts"); err == nil || !strings.Contains(errOut, "403") {
		t.Errorf("a reviewer adds a source: %v %s", err, errOut)
	}

	// The first pull is due at once: the schedule makes it.
	var first struct {
		Pulls []struct {
			By     string `json:"by"`
			Added  int    `json:"added"`
			Change int64  `json:"change"`
		} `json:"pulls"`
	}
	for deadline := time.Now().Add(30 * time.Second); len(first.Pulls) == 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no scheduled pull within 30 s of adding the source")
		}
		out, _, _ := admin(bob, "source", "show", "acme")
		json.Unmarshal([]byte(out), &first)
	}
	if p := first.Pulls[0]; p.By != "schedule" || p.Added != 2 || p.Change == 0 {
		t.Fatalf("scheduled pull %+v", p)
	}
	if _, errOut, err := admin(bob, "approve", jsonNumber(first.Pulls[0].Change)); err != nil {
		t.Fatalf("approve: %v %s", err, errOut)
	}

	// The feed drops a name and gains one; pull now prints the change.
	feed.Set("0.0.0.0 jobs.fake-front.example\n0.0.0.0 hr.fake-front.example\n")
	out, errOut, err = admin(alice, "source", "pull", "acme", "--json")
	if err != nil {
		t.Fatalf("source pull: %v %s", err, errOut)
	}
	var ans cli.PullAnswer
	if err := json.Unmarshal([]byte(out), &ans); err != nil || ans.Change == nil || ans.Added != 1 || ans.Removed != 1 || ans.Held != "" {
		t.Fatalf("source pull --json printed %q (%v)", out, err)
	}
	if !strings.Contains(out, `"held": ""`) {
		t.Errorf("held is always present: %s", out)
	}
	out, _, err = admin(alice, "source", "pull", "acme", "--json")
	if err != nil || strings.Join(strings.Fields(out), " ") != `{ "change": null, "added": 0, "removed": 0, "held": "" }` {
		t.Errorf("pull of the unchanged feed: %q %v", out, err)
	}
	if _, errOut, err := admin(bob, "approve", jsonNumber(*ans.Change), "--comment", "checked the feed"); err != nil {
		t.Fatalf("approve: %v %s", err, errOut)
	}
	if _, errOut, err := admin(alice, "publish"); err != nil {
		t.Fatalf("publish: %v %s", err, errOut)
	}
	snap := filepath.Join(t.TempDir(), "served.snap")
	resp, err := http.Get(s.url + "/v1/lists/default/snapshot")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	os.WriteFile(snap, body, 0o644)
	check := func(u string) (string, int) {
		out, _, err := redflag(t, "", "check", "--snapshot", snap, "--pub", filepath.Join(s.dir, "signing.pub"), "--json", u)
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return out, exit.ExitCode()
		}
		return out, 0
	}
	if out, code := check("https://hr.fake-front.example/apply"); code != 1 || !strings.Contains(out, "Acme security") {
		t.Fatalf("check of the new entry against the served snapshot: exit %d %s", code, out)
	}
	if out, code := check("https://fake-recruiter.example/careers"); code != 0 {
		t.Errorf("the entry the feed dropped is still listed: exit %d %s", code, out)
	}
	var exit *exec.ExitError

	// A failing feed: nothing changes, the error is shown and counted.
	feed.Fail(http.StatusBadGateway)
	out, errOut, err = admin(alice, "source", "pull", "acme")
	if !errors.As(err, &exit) || exit.ExitCode() != 1 || !strings.Contains(errOut, "changed nothing: feed "+feed.URL()+": HTTP 502 Bad Gateway") {
		t.Errorf("failing pull: %v %q %q", err, out, errOut)
	}
	out, _, _ = admin(bob, "source", "show", "acme")
	if !strings.Contains(out, `"last_error": "feed `+feed.URL()+`: HTTP 502`) || !strings.Contains(out, `"failures": 1`) {
		t.Errorf("source show after the failure: %s", out)
	}
	resp, err = http.Get(s.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`redflag_source_pulls_total{list="default",result="error",source="acme"} 1`,
		`redflag_source_pulls_total{list="default",result="proposed",source="acme"} 2`,
		`redflag_source_failures{list="default",source="acme"} 1`,
	} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}

	out, errOut, err = admin(alice, "source", "disable", "acme")
	if err != nil || !strings.HasPrefix(out, "source acme of list default: disabled") {
		t.Errorf("disable: %q %v %s", out, err, errOut)
	}
	out, _, _ = admin(bob, "source", "list")
	if !strings.Contains(out, `"enabled": false`) || strings.Contains(out, `"secret":`) {
		t.Errorf("source list: %s", out)
	}
	evs, err := s.client(bob).Audit(ctx(t), url.Values{"list": {"default"}})
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for i := len(evs) - 1; i >= 0; i-- {
		if e := evs[i]; e.Actor != "system" {
			seen = append(seen, e.Actor+" "+e.Action)
		}
	}
	want := "alice source_create|source:acme change_propose|bob change_approve|source:acme change_propose|alice source_pull|" +
		"alice source_pull|bob change_approve|alice publish|alice source_pull|alice source_update"
	if strings.Join(seen, "|") != want {
		t.Errorf("audit:\n%s\nwant\n%s", strings.Join(seen, "|"), want)
	}
}

func jsonNumber(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
