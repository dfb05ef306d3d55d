package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redflag/redflag/lists/check"
)

// redflag runs the command in-process and returns its exit status and
// output.
func redflag(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	st := run(args, &out, &errOut, strings.NewReader(stdin))
	return st, out.String(), errOut.String()
}

func TestVariants(t *testing.T) {
	st, out, errOut := redflag(t, "", "variants", "--json", "https://www.cloudfox.cloud/about")
	if st != exitOK {
		t.Fatalf("exit %d: %s", st, errOut)
	}
	classes := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var a variantAnswer
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatal(err)
		}
		classes[a.Class]++
		if a.Domain == "cloudfox.io" && (a.Verdict != "caution" || a.Resembles != "cloudfox.cloud") {
			t.Errorf("cloudfox.io: %+v", a)
		}
		if a.Domain == "mycloudfox.cloud" && a.Verdict != "caution" {
			t.Errorf("mycloudfox.cloud: %+v", a)
		}
	}
	for _, c := range []string{"tld-swap", "addition", "insertion", "omission", "repetition", "replacement", "transposition",
		"vowel-swap", "hyphenation", "bitsquatting", "homoglyph", "affix"} {
		if classes[c] == 0 {
			t.Errorf("no %s variant", c)
		}
	}
	st, out, _ = redflag(t, "", "variants", "silverstarchina.com")
	if st != exitOK || !strings.Contains(out, "omission") || !strings.Contains(out, "caution  tld-swap       silverstarchina.net") {
		t.Errorf("human output: %d\n%s", st, out)
	}
	for _, args := range [][]string{{"variants"}, {"variants", "a", "b"}, {"variants", "http://"}, {"variants", "co.uk"}} {
		if st, _, _ := redflag(t, "", args...); st != exitUsage {
			t.Errorf("%q: exit %d, want 2", args, st)
		}
	}
}

func TestCheckEmbeddedDefault(t *testing.T) {
	st, out, _ := redflag(t, "", "check", "--json", "HTTP://WWW.SilverStarChina.COM./careers?x=1#top")
	if st != exitListed {
		t.Fatalf("exit %d, want 1", st)
	}
	var r check.Result
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Verdict != "seized" || r.Match != "silverstarchina.com/" || r.Registrable != "silverstarchina.com" ||
		r.Entry == nil || !strings.Contains(r.Entry.Authority, "US Department of Justice") || r.Entry.Date != "2023-10-17" ||
		r.Canonical != "http://www.silverstarchina.com/careers?x=1" || len(r.Expressions) != 6 || r.ListVersion == 0 {
		t.Errorf("result %+v", r)
	}

	tests := []struct {
		args    []string
		status  int
		outPart string
	}{
		{[]string{"check", "https://example.com"}, exitOK, "clean"},
		{[]string{"check", "silverstar.com"}, exitOK, "clean"},
		{[]string{"check", "cloudfox.com"}, exitOK, "caution  cloudfox.com  (not listed; resembles cloudfox.cloud: the same name under .com instead of .cloud)"},
		{[]string{"check", "--fail-on", "caution", "cloudfox.com"}, exitListed, "caution"},
		{[]string{"check", "--fail-on", "caution", "example.com"}, exitOK, "clean"},
		{[]string{"check", "--no-lookalikes", "--fail-on", "caution", "cloudfox.com"}, exitOK, "clean"},
		{[]string{"check", "--fail-on", "maybe", "cloudfox.com"}, exitUsage, "--fail-on"},
		{[]string{"check", "--json", "https://silverstar-china.com/"}, exitOK, `"verdict":"caution","resembles":"silverstarchina.com","how":"a hyphen added","similarity":["hyphen"]`},
		{[]string{"check", ""}, exitUsage, "empty"},
		{[]string{"check", "http://"}, exitUsage, "no host"},
		{[]string{"check", "https://example.com", "jinyang.asia"}, exitListed, "Seized by US Department of Justice"},
		{[]string{"check", "--json", "http:// leadingspace.com/"}, exitOK, `"canonical":"http://%20leadingspace.com/"`},
		{[]string{"check", "--snapshot", "/nonexistent.snap", "--pub", "/nonexistent.pub", "x.com"}, exitUsage, ""},
		{[]string{"check", "--bogus"}, exitUsage, ""},
		{[]string{"nosuchcommand"}, exitUsage, ""},
	}
	for _, tt := range tests {
		st, out, errOut := redflag(t, "", tt.args...)
		if st != tt.status || !strings.Contains(out+errOut, tt.outPart) {
			t.Errorf("redflag %q: exit %d, output %q %q; want exit %d and %q", tt.args, st, out, errOut, tt.status, tt.outPart)
		}
	}
}

func TestCheckStdin(t *testing.T) {
	st, out, _ := redflag(t, "https://example.com\r\nhttps://jobs.xinlusoft.com/\n\nhr@foxvsun.com\n", "check", "--json")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if st != exitUsage || len(lines) != 4 {
		t.Fatalf("exit %d, %d lines: %s", st, len(lines), out)
	}
	for i, want := range []string{"clean", "seized", "invalid", "seized"} {
		var r check.Result
		json.Unmarshal([]byte(lines[i]), &r)
		if r.Verdict != want {
			t.Errorf("line %d: %s, want %s", i+1, r.Verdict, want)
		}
	}
}

// Two lists signed by different publishers, each snapshot with its own key,
// consulted at once: the strongest answer wins and names its list.
func TestCheckAcrossLists(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	mustRun := func(args ...string) {
		t.Helper()
		if st, out, errOut := redflag(t, "", args...); st != exitOK {
			t.Fatalf("redflag %q: exit %d\n%s%s", args, st, out, errOut)
		}
	}
	header := "pattern\tkind\tdate\tauthority\treference\tnote\n"
	os.WriteFile(p("company.tsv"), []byte(header+
		"alpha-corp.example\tflagged\t2026-01-02\tCompany SOC\thttps://company.example/1\t\n"+
		"shared.example\tflagged\t2026-01-02\tCompany SOC\thttps://company.example/2\t\n"), 0o644)
	os.WriteFile(p("partner.tsv"), []byte(header+
		"beta-corp.example\tflagged\t2026-01-03\tPartner SOC\thttps://partner.example/1\t\n"+
		"shared.example\tseized\t2026-01-03\tPartner police\thttps://partner.example/2\t\n"), 0o644)
	mustRun("keygen", "--out", p("a"))
	mustRun("keygen", "--out", p("b"))
	mustRun("build", "--key", p("a.key"), "--name", "company", "--version", "100", "--out", p("a.snap"), p("company.tsv"))
	mustRun("build", "--key", p("b.key"), "--name", "partner", "--version", "200", "--out", p("b.snap"), p("partner.tsv"))
	mustRun("build", "--key", p("a.key"), "--name", "company", "--version", "101", "--out", p("a101.snap"), p("company.tsv"))
	mustRun("build", "--key", p("a.key"), "--out", p("unnamed.snap"), p("company.tsv")) // build's default name: "default"
	bSnap, _ := os.ReadFile(p("b.snap"))

	both := []string{"check", "--snapshot", p("a.snap"), "--pub", p("a.pub"), "--snapshot", p("b.snap"), "--pub", p("b.pub")}
	withDefault := []string{"check", "--default", "--snapshot", p("b.snap"), "--pub", p("b.pub")}
	args := func(base []string, more ...string) []string { return append(append([]string(nil), base...), more...) }
	tests := []struct {
		name   string
		args   []string
		stdin  string
		status int
		want   []string // each in stdout+stderr
		not    string   // absent from stdout
	}{
		{"entry of the first list", args(both, "https://alpha-corp.example/jobs"), "", exitListed,
			[]string{"flagged  https://alpha-corp.example/jobs  (matches alpha-corp.example/) Flagged by Company SOC", "; list company"}, ""},
		{"entry of the second list", args(both, "beta-corp.example"), "", exitListed,
			[]string{"Flagged by Partner SOC on 2026-01-03; see https://partner.example/1; list partner"}, ""},
		{"seized in one outranks flagged in the other", args(both, "shared.example"), "", exitListed,
			[]string{"seized   shared.example", "Seized by Partner police", "; list partner"}, "company"},
		{"in either order", []string{"check", "--snapshot", p("b.snap"), "--pub", p("b.pub"), "--snapshot", p("a.snap"), "--pub", p("a.pub"), "shared.example"}, "", exitListed,
			[]string{"seized   shared.example", "; list partner"}, ""},
		{"keys before every snapshot apply to each", []string{"check", "--pub", p("a.pub"), "--pub", p("b.pub"), "--snapshot", p("a.snap"), "--snapshot", p("b.snap"), "shared.example"}, "", exitListed,
			[]string{"; list partner"}, ""},
		{"json names the list", args(both, "--json", "alpha-corp.example", "beta-corp.example"), "", exitListed,
			[]string{`"verdict":"flagged"`, `"list":"company","list_version":100`, `"list":"partner","list_version":200`}, ""},
		{"clean names no list", args(both, "example.com"), "", exitOK, []string{"clean    example.com"}, "; list"},
		{"caution names its list", args(both, "alpha-corps.example"), "", exitOK,
			[]string{"caution  alpha-corps.example  (not listed; resembles alpha-corp.example", "; list company"}, ""},
		{"caution with --fail-on caution", args(both, "--fail-on", "caution", "alpha-corps.example"), "", exitListed, []string{"caution"}, ""},
		{"--no-lookalikes", args(both, "--no-lookalikes", "--fail-on", "caution", "alpha-corps.example"), "", exitOK, []string{"clean"}, ""},
		{"invalid input", args(both, "beta-corp.example", "http://"), "", exitUsage, []string{"list partner", "invalid  http://"}, ""},
		{"stdin inputs", both, "example.com\nshared.example\n", exitListed, []string{"clean    example.com", "seized   shared.example", "list partner"}, ""},
		{"one list: key after the snapshot", []string{"check", "--snapshot", p("a.snap"), "--pub", p("a.pub"), "shared.example"}, "", exitListed,
			[]string{"flagged  shared.example"}, "; list"},
		{"one list: key before the snapshot", []string{"check", "--pub", p("a.pub"), "--snapshot", p("a.snap"), "shared.example"}, "", exitListed,
			[]string{"flagged  shared.example"}, "; list"},
		{"default list first", args(withDefault, "--json", "silverstarchina.com"), "", exitListed,
			[]string{`"verdict":"seized"`, `"list":"default"`}, ""},
		{"then the files", args(withDefault, "--json", "beta-corp.example"), "", exitListed,
			[]string{`"list":"partner","list_version":200`}, ""},
		{"default list in human output", args(withDefault, "silverstarchina.com", "example.com"), "", exitListed,
			[]string{"Seized by US Department of Justice", "; list default", "clean    example.com"}, ""},
		{"--default alone", []string{"check", "--default", "silverstarchina.com"}, "", exitListed, []string{"seized   silverstarchina.com"}, "; list"},
		{"list B's snapshot with list A's key", []string{"check", "--snapshot", p("a.snap"), "--pub", p("a.pub"), "--snapshot", p("b.snap"), "--pub", p("a.pub"), "x.com"}, "", exitUsage,
			[]string{p("b.snap") + ": ", "untrusted key"}, "x.com"},
		{"a key given after one snapshot is not the next one's", []string{"check", "--snapshot", p("a.snap"), "--pub", p("a.pub"), "--snapshot", p("b.snap"), "x.com"}, "", exitUsage,
			[]string{p("b.snap") + ": ", "untrusted key"}, ""},
		{"shared key, only one list's", []string{"check", "--pub", p("a.pub"), "--snapshot", p("a.snap"), "--snapshot", p("b.snap"), "x.com"}, "", exitUsage,
			[]string{p("b.snap") + ": "}, ""},
		{"two versions of one list", []string{"check", "--pub", p("a.pub"), "--snapshot", p("a.snap"), "--snapshot", p("a101.snap"), "x.com"}, "", exitUsage,
			[]string{p("a.snap") + " and " + p("a101.snap") + ` are both list "company"`}, ""},
		{"a file named like the default list", []string{"check", "--default", "--snapshot", p("unnamed.snap"), "--pub", p("a.pub"), "x.com"}, "", exitUsage,
			[]string{`the embedded default list and ` + p("unnamed.snap") + ` are both list "default"`}, ""},
		{"snapshot from stdin", []string{"check", "--default", "--snapshot", "-", "--pub", p("b.pub"), "beta-corp.example"}, string(bSnap), exitListed,
			[]string{"; list partner"}, ""},
		{"snapshot from stdin wants argument inputs", []string{"check", "--default", "--snapshot", "-", "--pub", p("b.pub")}, string(bSnap), exitUsage,
			[]string{"inputs must be arguments"}, ""},
		{"stdin read twice", []string{"check", "--snapshot", "-", "--pub", p("b.pub"), "--snapshot", "-", "x.com"}, string(bSnap), exitUsage,
			[]string{"--snapshot - given twice"}, ""},
		{"--pub without --snapshot", []string{"check", "--default", "--pub", p("a.pub"), "x.com"}, "", exitUsage, []string{"--pub needs --snapshot"}, ""},
	}
	for _, tt := range tests {
		st, out, errOut := redflag(t, tt.stdin, tt.args...)
		if st != tt.status {
			t.Errorf("%s: exit %d, want %d\n%s%s", tt.name, st, tt.status, out, errOut)
		}
		for _, w := range tt.want {
			if !strings.Contains(out+errOut, w) {
				t.Errorf("%s: output lacks %q:\n%s%s", tt.name, w, out, errOut)
			}
		}
		if tt.not != "" && strings.Contains(out, tt.not) {
			t.Errorf("%s: stdout has %q:\n%s", tt.name, tt.not, out)
		}
	}
}

func TestHelp(t *testing.T) {
	for _, cmd := range []string{"keygen", "import", "build", "verify", "diff", "apply", "check"} {
		st, _, errOut := redflag(t, "", cmd, "--help")
		if st != exitOK || !strings.Contains(errOut, "Usage: redflag "+cmd) {
			t.Errorf("%s --help: exit %d, %q", cmd, st, errOut)
		}
	}
	if st, _, errOut := redflag(t, "", "--help"); st != exitOK || !strings.Contains(errOut, "Commands:") {
		t.Errorf("--help: exit %d, %q", st, errOut)
	}
}

// The whole list lifecycle through the command: keys, import, build,
// verify, check, a new version, diff, apply.
func TestLifecycle(t *testing.T) {
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	mustRun := func(want int, stdin string, args ...string) string {
		t.Helper()
		st, out, errOut := redflag(t, stdin, args...)
		if st != want {
			t.Fatalf("redflag %q: exit %d, want %d\n%s%s", args, st, want, out, errOut)
		}
		return out + errOut
	}
	mustRun(exitOK, "", "keygen", "--out", p("k"))
	mustRun(exitOK, "", "keygen", "--out", p("other"))
	if st, _, errOut := redflag(t, "", "keygen", "--out", p("k")); st == exitOK || !strings.Contains(errOut, "exists") {
		t.Errorf("keygen over an existing key: exit %d %q", st, errOut)
	}

	prov := []string{"--kind", "flagged", "--authority", "Acme security team", "--date", "2026-11-20", "--reference", "https://acme.example/advisory/7"}
	out := mustRun(exitListed, "", append(append([]string{"import", "--out", p("acme.tsv"), "--rejects", p("rejects.tsv")}, prov...), "testdata/acme.hosts")...)
	if !strings.Contains(out, "accepted 2, rejected 2") || !strings.Contains(out, "public suffix") || !strings.Contains(out, "shared platform") {
		t.Errorf("import summary: %s", out)
	}
	if rej, _ := os.ReadFile(p("rejects.tsv")); !strings.Contains(string(rej), "co.uk") {
		t.Errorf("rejects file: %q", rej)
	}
	mustRun(exitOK, "", append(append([]string{"import", "--format", "plain", "--out", p("prefixes.tsv")}, prov...), "testdata/prefixes.txt")...)

	mustRun(exitOK, "", "build", "--key", p("k.key"), "--name", "acme", "--version", "100", "--out", p("v100.snap"), p("acme.tsv"))
	mustRun(exitOK, "", "build", "--key", p("k.key"), "--name", "acme", "--version", "200", "--out", p("v200.snap"), p("acme.tsv"), p("prefixes.tsv"))

	out = mustRun(exitOK, "", "verify", "--pub", p("k.pub"), p("v100.snap"))
	if !strings.Contains(out, `"version": 100`) || !strings.Contains(out, `"entries": 2`) {
		t.Errorf("verify: %s", out)
	}
	out = mustRun(exitListed, "", "verify", "--pub", p("other.pub"), p("v100.snap"))
	if !strings.Contains(out, "untrusted key") {
		t.Errorf("verify with the wrong key: %s", out)
	}
	raw, _ := os.ReadFile(p("v100.snap"))
	raw[20] ^= 1
	os.WriteFile(p("tampered.snap"), raw, 0o644)
	out = mustRun(exitListed, "", "verify", "--pub", p("k.pub"), p("tampered.snap"))
	if !strings.Contains(out, "bad signature") {
		t.Errorf("verify tampered: %s", out)
	}

	out = mustRun(exitListed, "", "check", "--snapshot", p("v200.snap"), "--pub", p("k.pub"),
		"https://www.github.com/some-user/repo", "https://github.com/another", "https://jobs.fake-recruiter.example/")
	if !strings.Contains(out, "flagged  https://www.github.com/some-user/repo  (matches github.com/some-user/)") ||
		!strings.Contains(out, "clean    https://github.com/another") || !strings.Contains(out, "matches fake-recruiter.example/") {
		t.Errorf("check: %s", out)
	}

	mustRun(exitOK, "", "diff", "--key", p("k.key"), "--out", p("100-200.delta"), p("v100.snap"), p("v200.snap"))
	mustRun(exitOK, "", "apply", "--pub", p("k.pub"), "--out", p("applied.snap"), p("v100.snap"), p("100-200.delta"))
	a, _ := os.ReadFile(p("applied.snap"))
	b, _ := os.ReadFile(p("v200.snap"))
	if !bytes.Equal(a, b) {
		t.Error("v100 + delta != v200")
	}
	mustRun(exitOK, "", "verify", "--pub", p("k.pub"), "--base", p("v100.snap"), p("100-200.delta"))
	if out := mustRun(exitUsage, "", "verify", "--pub", p("k.pub"), p("100-200.delta")); !strings.Contains(out, "pass --base") {
		t.Errorf("verify of a delta without its base: %s", out)
	}
	out = mustRun(exitListed, "", "verify", "--pub", p("k.pub"), "--base", p("v200.snap"), p("100-200.delta"))
	if !strings.Contains(out, "does not apply") {
		t.Errorf("delta on the wrong base: %s", out)
	}
	out = mustRun(exitUsage, "", "diff", "--key", p("k.key"), p("v200.snap"), p("v100.snap"))
	if !strings.Contains(out, "not newer") {
		t.Errorf("backwards diff: %s", out)
	}

	// A bad line fails the build and is named.
	os.WriteFile(p("bad.tsv"), []byte("pattern\tkind\tdate\tauthority\treference\tnote\ncom\tseized\t2023-10-17\tX\thttps://x.org/\t\n"), 0o644)
	out = mustRun(exitUsage, "", "build", "--key", p("k.key"), "--out", p("bad.snap"), p("bad.tsv"))
	if !strings.Contains(out, "bad.tsv:line 2") || !strings.Contains(out, "public suffix") {
		t.Errorf("bad build: %s", out)
	}
	if _, err := os.Stat(p("bad.snap")); err == nil {
		t.Error("a failed build wrote its output")
	}
}

func TestScan(t *testing.T) {
	dir := "../../document/testdata/"
	tests := []struct {
		args   []string
		status int
		out    []string // each in stdout
		errOut []string // each in stderr
	}{
		{[]string{"scan", dir + "resume-listed.pdf", dir + "resume-listed.docx"}, exitListed, []string{
			"resume-listed.pdf (page 1): seized   hr@jinyang.asia",
			"resume-listed.pdf (page 2, link): seized   https://careers.cloudfox.cloud/apply",
			"resume-listed.docx (paragraph 2): seized   hr@jinyang.asia",
			"resume-listed.docx (paragraph 3, link): seized   https://careers.cloudfox.cloud/apply",
			"resume-listed.pdf: 2 found, 2 listed",
		}, nil},
		{[]string{"scan", dir + "resume-clean.pdf", dir + "resume-clean.docx"}, exitOK, []string{"resume-clean.docx: 2 found, 0 listed"}, nil},
		{[]string{"scan", "--all", dir + "resume-clean.docx"}, exitOK, []string{"(paragraph 2): clean    jane@example.com"}, nil},
		// Unreadable files are named with the reason; the others are still reported.
		{[]string{"scan", dir + "encrypted.pdf", dir + "truncated.docx", dir + "resume-listed.odt"}, exitUsage,
			[]string{"resume-listed.odt (paragraph 3, link): seized"},
			[]string{"encrypted.pdf: encrypted: the PDF needs a password to open", "truncated.docx: damaged: not a complete ZIP archive"}},
		{[]string{"scan", dir + "message.eml"}, exitListed, []string{"(header Reply-To): seized   hr@jinyang.asia", "(body, paragraph 4, link): seized"}, nil},
		{[]string{"scan", "/nonexistent.pdf"}, exitUsage, nil, []string{"/nonexistent.pdf"}},
		{[]string{"scan"}, exitUsage, nil, []string{"at least one file"}},
	}
	for _, tt := range tests {
		st, out, errOut := redflag(t, "", tt.args...)
		if st != tt.status {
			t.Errorf("redflag %q: exit %d, want %d\n%s%s", tt.args, st, tt.status, out, errOut)
		}
		for _, w := range tt.out {
			if !strings.Contains(out, w) {
				t.Errorf("redflag %q: stdout lacks %q:\n%s", tt.args, w, out)
			}
		}
		for _, w := range tt.errOut {
			if !strings.Contains(errOut, w) {
				t.Errorf("redflag %q: stderr lacks %q:\n%s", tt.args, w, errOut)
			}
		}
	}
}

func TestScanJSON(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"resume-listed.docx", "truncated.docx"} {
		b, err := os.ReadFile(filepath.Join("../../document/testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, name), b, 0o644)
	}
	st, out, _ := redflag(t, "", "scan", "--json", dir) // a directory: every file below it
	if st != exitUsage {
		t.Errorf("exit %d, want 2 (one file is damaged)", st)
	}
	type line struct {
		File     string        `json:"file"`
		Location string        `json:"location"`
		Check    *check.Result `json:"check"`
		Error    string        `json:"error"`
	}
	var got []line
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var x line
		if err := json.Unmarshal([]byte(l), &x); err != nil {
			t.Fatalf("%v: %s", err, l)
		}
		got = append(got, x)
	}
	if len(got) != 3 {
		t.Fatalf("%d objects, want 2 findings and 1 error:\n%s", len(got), out)
	}
	f := got[0]
	if filepath.Base(f.File) != "resume-listed.docx" || f.Location != "paragraph 2" || f.Check == nil || f.Check.Verdict != "seized" ||
		f.Check.Input != "hr@jinyang.asia" || f.Check.Entry == nil || f.Check.Entry.Date != "2023-10-17" || len(f.Check.Expressions) == 0 {
		t.Errorf("first finding %+v", f)
	}
	if got[1].Location != "paragraph 3, link" || got[1].Check.Match != "cloudfox.cloud/" {
		t.Errorf("second finding %+v", got[1])
	}
	if filepath.Base(got[2].File) != "truncated.docx" || !strings.Contains(got[2].Error, "damaged") {
		t.Errorf("error object %+v", got[2])
	}
}
