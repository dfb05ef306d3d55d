package e2e

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/redflag/redflag/backend/store"
)

// TestAdminCommand drives the publisher with `redflag admin`, as an admin
// without curl would.
func TestAdminCommand(t *testing.T) {
	s := start(t, "")
	alice, bob := s.token("alice", "admin"), s.token("bob", "reviewer")
	admin := func(token string, args ...string) (string, string, error) {
		return redflag(t, "", append(append([]string{"admin"}, args...), "--server", s.url, "--token", token)...)
	}
	out, errOut, err := admin(alice, "propose", "--add", "https://Fake-Recruiter.example/jobs", "--add", "hr@fake-hr.example",
		"--kind", "flagged", "--authority", "Acme", "--date", "2026-11-20", "--reference", "https://acme.example/a", "--reason", "advisory", "--json")
	if err != nil {
		t.Fatalf("propose: %v\n%s", err, errOut)
	}
	var ch store.Change
	if err := json.Unmarshal([]byte(out), &ch); err != nil || ch.Adds != 2 {
		t.Fatalf("propose printed %q", out)
	}
	id := strings.TrimSpace(strings.Split(strings.Split(out, `"id": `)[1], ",")[0])
	if _, errOut, err := admin(alice, "approve", id); err == nil || !strings.Contains(errOut, "403") {
		t.Errorf("self-approval: %v %s", err, errOut)
	}
	for _, step := range [][]string{
		{bob, "show", id},
		{bob, "approve", id, "--comment", "ok"},
		{alice, "publish"},
		{bob, "history"},
		{bob, "entries", "--q", "fake"},
		{bob, "changes", "--state", "approved"},
		{bob, "audit", "--actor", "alice"},
		{bob, "whoami"},
	} {
		out, errOut, err := admin(step[0], step[1:]...)
		if err != nil {
			t.Fatalf("admin %v: %v\n%s", step[1:], err, errOut)
		}
		if step[1] == "entries" && (!strings.Contains(out, "fake-recruiter.example") || !strings.Contains(out, "fake-hr.example")) {
			t.Errorf("entries: %s", out)
		}
		if step[1] == "audit" && !strings.Contains(out, `"action": "publish"`) {
			t.Errorf("audit: %s", out)
		}
	}
	// Without --json: one summary line per action; patterns may also come
	// as arguments.
	out, errOut, err = admin(alice, "propose", "--kind", "seized", "--authority", "Court", "--date", "2026-11-21",
		"--reference", "https://court.example/o", "--reason", "order", "positional.example", "other-positional.example")
	if err != nil || !strings.HasPrefix(out, "change 3 proposed (2 adds, 0 removes)") {
		t.Errorf("propose summary: %q %v %s", out, err, errOut)
	}
	if out, _, err := admin(bob, "approve", "3"); err != nil || strings.TrimSpace(out) != "change 3 approved by bob" {
		t.Errorf("approve summary: %q %v", out, err)
	}
	if out, _, err := admin(alice, "publish"); err != nil || !strings.HasPrefix(out, "published default version ") {
		t.Errorf("publish summary: %q %v", out, err)
	}
	if _, errOut, err := admin("rf_wrong", "history"); err == nil || !strings.Contains(errOut, "401") {
		t.Errorf("wrong token: %v %s", err, errOut)
	}
	if _, errOut, err := redflag(t, "", "admin", "history", "--server", s.url); err == nil || !strings.Contains(errOut, "no token") {
		t.Errorf("no token: %v %s", err, errOut)
	}
	for _, cmd := range []string{"serve", "token", "admin"} {
		if _, errOut, err := redflag(t, "", cmd, "--help"); err != nil || !strings.Contains(errOut, "Usage: redflag "+cmd) {
			t.Errorf("%s --help: %v %s", cmd, err, errOut)
		}
	}
}
