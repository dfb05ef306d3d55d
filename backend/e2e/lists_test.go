package e2e

import (
	"strings"
	"testing"

	"github.com/redflag/redflag/backend/workflow"
)

// TestListSettings: a new list with its description and its names kept
// out; the default list publishes its names until the setting changes,
// which a publication without new approvals then carries; the public
// index says both.
func TestListSettings(t *testing.T) {
	s := start(t, "", "--review=off")
	alice := s.token("alice", "admin")
	c := s.client(alice)
	admin := func(args ...string) (string, string, error) {
		return redflag(t, "", append(append([]string{"admin"}, args...), "--server", s.url, "--token", alice)...)
	}
	set := trust(t, c)
	def, _ := fetchSnapshot(t, c, "default", set)
	if !def.HasBrowserNames() || len(def.Names) != 17 {
		t.Fatalf("the seeded default list's names: %v (%d)", def.HasBrowserNames(), len(def.Names))
	}

	if _, errOut, err := admin("list-create", "acme", "--description", "Acme's own findings", "--browser-names=false"); err != nil {
		t.Fatalf("list-create: %v %s", err, errOut)
	}
	ch, err := c.Propose(ctx(t), "acme", workflow.Proposal{Reason: "first", Add: []workflow.EntryInput{flagged("acme-fake-hr.example")}}, "k")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Review(ctx(t), ch.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Publish(ctx(t), "acme", false); err != nil {
		t.Fatal(err)
	}
	acme, _ := fetchSnapshot(t, c, "acme", set)
	if acme.HasBrowserNames() || !listed(t, acme, "https://acme-fake-hr.example/") {
		t.Errorf("acme: names %v", acme.Names)
	}
	idx, err := c.Lists(ctx(t))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, ix := range idx.Lists {
		seen[ix.Name] = ix.BrowserNames
		if ix.Name == "acme" && ix.Description != "Acme's own findings" {
			t.Errorf("acme's index: %+v", ix)
		}
	}
	if !seen["default"] || seen["acme"] {
		t.Errorf("index browser_names: %v", seen)
	}

	// The default list keeps its names out from now on: the next
	// publication, with no new approval, says so.
	if out, errOut, err := admin("list-set", "default", "--browser-names=false"); err != nil || !strings.Contains(out, "browser names false") {
		t.Fatalf("list-set: %v %s %s", err, out, errOut)
	}
	if out, _, _ := admin("lists"); !strings.Contains(out, "names kept out") {
		t.Errorf("lists: %s", out)
	}
	if _, errOut, err := admin("publish"); err != nil {
		t.Fatalf("publish after the setting changed: %v %s", err, errOut)
	}
	def, _ = fetchSnapshot(t, c, "default", set)
	if def.HasBrowserNames() || !listed(t, def, "https://silverstarchina.com/") {
		t.Errorf("default after the change: names %v", def.HasBrowserNames())
	}
	if _, errOut, err := admin("publish"); err == nil || !strings.Contains(errOut, "nothing approved") {
		t.Errorf("a second publish: %v %s", err, errOut)
	}
	if _, errOut, err := admin("list-set", "default", "--description", "two\nlines"); err == nil {
		t.Errorf("a two-line description was taken: %s", errOut)
	}
}
