package e2e

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/redflag/redflag/backend/workflow"
	"github.com/redflag/redflag/lists/check"
)

// TestLookAlikesSetting: an entry proposed with look-alikes off is stored,
// shown, published and served that way — its variants are not cautioned,
// its exact name still is listed — while an entry with them on cautions
// its variants; switching the setting is a change like any other; the
// add preview and an import dry run show what would be cautioned among
// the known-legit names.
func TestLookAlikesSetting(t *testing.T) {
	s := start(t, "", "--review=off")
	alice := s.token("alice", "admin")
	c := s.client(alice)
	admin := func(args ...string) (string, string, error) {
		return redflag(t, "", append(append([]string{"admin"}, args...), "--server", s.url, "--token", alice)...)
	}
	off := flagged("fake-recruiter-agency.example")
	off.LookAlikes = "off"
	on := flagged("talentbridgeglobal.example")
	p := workflow.Proposal{Reason: "advisory 7", Add: []workflow.EntryInput{off, on}}
	ch, err := c.Propose(ctx(t), "default", p, "k1")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Review(ctx(t), ch.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Publish(ctx(t), "default", false); err != nil {
		t.Fatal(err)
	}
	set := trust(t, c)
	snap, _ := fetchSnapshot(t, c, "default", set)
	answer := func(input string) check.Result { return check.Check(snap, input, check.Options{}) }
	if r := answer("https://fake-recruiter-agency.example/"); r.Verdict != check.Flagged {
		t.Errorf("the entry with look-alikes off: %s", r.Verdict)
	}
	if r := answer("https://fake-recruiter-agency.net/"); r.Verdict != check.Clean {
		t.Errorf("a variant of the entry with look-alikes off: %s (%s)", r.Verdict, r.How)
	}
	if r := answer("https://talent-bridge-global.example/"); r.Verdict != check.Caution || r.Resembles != "talentbridgeglobal.example" {
		t.Errorf("a variant of the entry with look-alikes on: %s %s", r.Verdict, r.Resembles)
	}
	out, errOut, err := admin("entries", "--q", "fake-recruiter")
	if err != nil || !strings.Contains(out, `"lookalikes": "off"`) {
		t.Errorf("entries: %v %s %s", err, out, errOut)
	}

	// Switching it on is a change of its own, served as a delta like any.
	out, errOut, err = admin("propose", "--add", "fake-recruiter-agency.example", "--kind", "flagged", "--date", "2026-11-20",
		"--authority", "Acme security", "--reference", "https://acme.example/advisory/42", "--note", "fake recruiter",
		"--lookalikes", "on", "--reason", "variants seen", "--json")
	var switched struct{ ID int64 }
	if err != nil || json.Unmarshal([]byte(out), &switched) != nil {
		t.Fatalf("propose: %v %s", err, errOut)
	}
	if ch, err := c.Review(ctx(t), switched.ID, true, ""); err != nil || ch.Adds != 1 {
		t.Fatalf("approve: %v %+v", err, ch)
	}
	if _, errOut, err := admin("publish"); err != nil {
		t.Fatalf("publish: %v %s", err, errOut)
	}
	snap, _ = fetchSnapshot(t, c, "default", set)
	if r := answer("https://fake-recruiter-agency.net/"); r.Verdict != check.Caution {
		t.Errorf("after switching look-alikes on: %s", r.Verdict)
	}
	if _, errOut, err := admin("propose", "--add", "x.example", "--lookalikes", "maybe", "--kind", "flagged", "--date", "2026-11-20",
		"--authority", "A", "--reference", "https://a.example/", "--reason", "r"); err == nil || !strings.Contains(errOut, "lookalikes") {
		t.Errorf("a bad --lookalikes value: %v %s", err, errOut)
	}

	// The add form's preview: an entry that folds like a mail provider's
	// name reaches that provider's other names.
	mailbox := workflow.EntryInput{Pattern: "mailbox.net", Kind: "flagged", Date: "2026-11-20", Authority: "A", Reference: "https://a.example/"}
	v, err := c.Validate(ctx(t), "default", mailbox)
	if err != nil || v.Reach == nil || v.Reach.Cautioned < 10 || v.Reach.Names < 10000 || len(v.Reach.Entries) != 1 ||
		len(v.Reach.Entries[0].Examples) != 10 || !strings.Contains(strings.Join(v.Reach.Entries[0].Examples, " "), "mailbox.co.za") {
		t.Errorf("validate reach: %v %+v", err, v.Reach)
	}
	mailbox.LookAlikes = "off"
	if v, err := c.Validate(ctx(t), "default", mailbox); err != nil || v.Reach == nil || v.Reach.Cautioned != 0 {
		t.Errorf("validate reach with look-alikes off: %v %+v", err, v.Reach)
	}

	// An import's dry run says the same of every accepted entry.
	out, errOut, err = redflag(t, "mailbox.net\nsilverstarchina-careers.example\n", "admin", "import", "--server", s.url, "--token", alice,
		"--kind", "flagged", "--date", "2026-11-20", "--authority", "A", "--reference", "https://a.example/", "--dry-run", "-")
	var dry struct {
		Reach workflow.Reach `json:"reach"`
	}
	if err != nil || json.Unmarshal([]byte(out), &dry) != nil || dry.Reach.Cautioned == 0 || !strings.Contains(errOut, "mailbox.net:") {
		t.Errorf("import dry run: %v %s %s", err, out, errOut)
	}
	q := url.Values{"dry_run": {"true"}, "format": {"plain"}, "kind": {"flagged"}, "date": {"2026-11-20"}, "authority": {"A"},
		"reference": {"https://a.example/"}, "lookalikes": {"off"}}
	ans, err := c.Import(ctx(t), "default", []byte("mailbox.net\n"), q)
	if err != nil || ans.Reach == nil || ans.Reach.Cautioned != 0 || len(ans.Entries) != 1 || ans.Entries[0].LookAlikes != "off" {
		t.Errorf("import dry run with lookalikes=off: %v %+v", err, ans)
	}
}
