package entry

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"strings"
	"testing"
)

var doj = Provenance{
	Kind:      Seized,
	Authority: "US Department of Justice",
	Date:      "2023-10-17",
	Reference: "https://example.org/press-release",
}

func TestProvenanceValidate(t *testing.T) {
	tests := []struct {
		name   string
		change func(*Provenance)
		reason string // "" for valid
	}{
		{"valid", func(*Provenance) {}, ""},
		{"note", func(p *Provenance) { p.Note = "used by IT workers" }, ""},
		{"no kind", func(p *Provenance) { p.Kind = 0 }, "kind"},
		{"no authority", func(p *Provenance) { p.Authority = "" }, "authority is required"},
		{"long authority", func(p *Provenance) { p.Authority = strings.Repeat("a", MaxAuthorityLen+1) }, "longer than"},
		{"bad date", func(p *Provenance) { p.Date = "17/10/2023" }, "YYYY-MM-DD"},
		{"impossible date", func(p *Provenance) { p.Date = "2023-02-30" }, "YYYY-MM-DD"},
		{"no reference", func(p *Provenance) { p.Reference = "" }, "reference is required"},
		{"reference not a URL", func(p *Provenance) { p.Reference = "see press release" }, "http(s) URL"},
		{"tab in note", func(p *Provenance) { p.Note = "a\tb" }, "control character"},
		{"bad utf-8", func(p *Provenance) { p.Note = "a\xffb" }, "invalid UTF-8"},
	}
	for _, tt := range tests {
		p := doj
		tt.change(&p)
		err := p.Validate()
		switch {
		case tt.reason == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.reason != "" && (err == nil || !strings.Contains(err.Error(), tt.reason)):
			t.Errorf("%s: error %v, want one saying %q", tt.name, err, tt.reason)
		}
	}
}

func TestKindJSON(t *testing.T) {
	b, err := json.Marshal(doj)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"kind":"seized"`) {
		t.Errorf("json = %s, want kind as a word", b)
	}
	var back Provenance
	if err := json.Unmarshal(b, &back); err != nil || back != doj {
		t.Errorf("round trip = %+v, %v", back, err)
	}
	if err := json.Unmarshal([]byte(`{"kind":"arrested"}`), &back); err == nil {
		t.Error("unknown kind accepted")
	}
}

func TestReadFile(t *testing.T) {
	f, err := os.Open("testdata/mixed.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, bad, err := ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range entries {
		got = append(got, e.Pattern.String())
	}
	if want := "silverstarchina.com github.com/some-user/"; strings.Join(got, " ") != want {
		t.Errorf("entries = %q, want %q", got, want)
	}
	wantBad := map[int]string{
		6:  "public suffix",
		7:  "canonical form",
		8:  "kind",
		9:  "6 tab-separated columns",
		10: "duplicate of line 4",
	}
	if len(bad) != len(wantBad) {
		t.Errorf("bad lines = %v, want %d", bad, len(wantBad))
	}
	for _, b := range bad {
		if !strings.Contains(b.Error(), wantBad[b.Line]) {
			t.Errorf("line %d: %v, want %q", b.Line, b.Err, wantBad[b.Line])
		}
	}
}

func TestReadFileNeedsHeader(t *testing.T) {
	_, _, err := ReadFile(strings.NewReader("example.com\tseized\t2023-10-17\tX\thttps://x.org/\t\n"))
	if err == nil || !strings.Contains(err.Error(), "column header") {
		t.Errorf("err = %v, want a missing-header error", err)
	}
}

func TestReadFileLookAlikesColumn(t *testing.T) {
	f, err := os.Open("testdata/lookalikes.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entries, bad, err := ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	off := map[string]bool{}
	for _, e := range entries {
		off[e.Pattern.String()] = e.LookAlikesOff
	}
	want := map[string]bool{"xinlusoft.com": true, "edenprogram.com": false, "jinyang.asia": false}
	if !maps.Equal(off, want) {
		t.Errorf("lookalikes off = %v, want %v", off, want)
	}
	wantBad := map[int]string{6: `lookalikes must be "on" or "off"`, 7: "want 7 tab-separated columns, got 6"}
	if len(bad) != len(wantBad) {
		t.Fatalf("bad lines = %v", bad)
	}
	for _, b := range bad {
		if !strings.Contains(b.Error(), wantBad[b.Line]) {
			t.Errorf("line %d: %v, want %q", b.Line, b, wantBad[b.Line])
		}
	}
}

func TestWriteFileRoundTrip(t *testing.T) {
	p, _ := ParsePattern("github.com/some-user/")
	in := []Entry{
		{Pattern: Pattern{Host: "silverstarchina.com"}, Provenance: doj},
		{Pattern: p, Provenance: Provenance{Kind: Flagged, Authority: "Acme security team", Date: "2026-01-02", Reference: "https://acme.example/advisory/1", Note: "fake recruiter"}},
	}
	for _, lookAlikesOff := range []bool{false, true} {
		in[0].LookAlikesOff = lookAlikesOff
		var buf bytes.Buffer
		if err := WriteFile(&buf, in); err != nil {
			t.Fatal(err)
		}
		if got := strings.Contains(buf.String(), HeaderLookAlikes); got != lookAlikesOff {
			t.Errorf("lookalikes off %v: seventh column written %v", lookAlikesOff, got)
		}
		out, bad, err := ReadFile(&buf)
		if err != nil || len(bad) > 0 {
			t.Fatalf("ReadFile: %v %v", bad, err)
		}
		if len(out) != len(in) || out[0] != in[0] || out[1] != in[1] {
			t.Errorf("round trip = %+v, want %+v", out, in)
		}
	}
	var buf bytes.Buffer
	bad1 := in[0]
	bad1.Date = "yesterday"
	if err := WriteFile(&buf, []Entry{bad1}); err == nil {
		t.Error("WriteFile wrote an invalid entry")
	}
}
