package ingest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redflag/redflag/lists/entry"
)

var defaults = entry.Provenance{Kind: entry.Flagged, Authority: "Import test", Date: "2026-11-25", Reference: "https://example.org/list"}

func TestRead(t *testing.T) {
	tests := []struct {
		file     string
		format   Format
		accepted []string
		rejected map[int]string // line -> part of the reason
	}{
		{"plain.txt", Plain,
			[]string{"silverstarchina.com", "cloudfox.cloud", "jinyang.asia"},
			map[int]string{5: "public suffix", 7: "not allowed", 8: "duplicate of line 2"}},
		{"hosts.txt", Hosts,
			[]string{"silverstarchina.com", "cloudfox.cloud", "jinyang.asia"},
			map[int]string{6: "not a blocking address", 7: "needs an address and a name"}},
		{"adblock.txt", Adblock,
			[]string{"silverstarchina.com", "cloudfox.cloud", "github.com/some-user/"},
			map[int]string{6: "exception rule", 7: "element-hiding", 8: "wildcard", 9: "not a domain rule"}},
		{"provenance.csv", CSV,
			[]string{"silverstarchina.com", "github.com/some-user/", "ktsolution.tech"},
			map[int]string{4: "kind", 5: "YYYY-MM-DD"}},
		{"bundle.json", STIX,
			[]string{"silverstarchina.com", "github.com/some-user/", "cloudfox.cloud"},
			map[int]string{3: "no domain-name or url", 4: "sigma"}},
	}
	for _, tt := range tests {
		data, err := os.ReadFile(filepath.Join("testdata", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		if got := Detect(data); got != tt.format {
			t.Errorf("Detect(%s) = %s, want %s", tt.file, got, tt.format)
		}
		res, err := Read(strings.NewReader(string(data)), Auto, defaults, Options{})
		if err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		var got []string
		for _, e := range res.Entries {
			got = append(got, e.Pattern.String())
		}
		if strings.Join(got, " ") != strings.Join(tt.accepted, " ") {
			t.Errorf("%s: accepted %q, want %q", tt.file, got, tt.accepted)
		}
		if len(res.Rejected) != len(tt.rejected) {
			t.Errorf("%s: rejected %+v, want lines %v", tt.file, res.Rejected, tt.rejected)
		}
		for _, r := range res.Rejected {
			if want, ok := tt.rejected[r.Line]; !ok || !strings.Contains(r.Reason, want) {
				t.Errorf("%s: line %d rejected for %q, want %q", tt.file, r.Line, r.Reason, want)
			}
		}
	}
}

func TestProvenanceFromInput(t *testing.T) {
	data, _ := os.ReadFile("testdata/provenance.csv")
	res, err := Read(strings.NewReader(string(data)), CSV, defaults, Options{})
	if err != nil {
		t.Fatal(err)
	}
	first := res.Entries[0].Provenance
	if first.Kind != entry.Seized || first.Authority != "US Department of Justice" || first.Note != "front company, seized" {
		t.Errorf("csv provenance = %+v", first)
	}
	if last := res.Entries[2].Provenance; last.Authority != defaults.Authority || last.Note != "uses defaults" {
		t.Errorf("csv defaults = %+v", last)
	}
	data, _ = os.ReadFile("testdata/bundle.json")
	res, err = Read(strings.NewReader(string(data)), STIX, defaults, Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := res.Entries[0].Provenance
	if p.Authority != "Example CERT" || p.Date != "2026-03-01" || p.Reference != "https://cert.example/advisories/42" || p.Note != "Fake IT company front" {
		t.Errorf("stix provenance = %+v", p)
	}
}

func TestMissingProvenanceIsRejected(t *testing.T) {
	res, err := Read(strings.NewReader("example.com\n"), Plain, entry.Provenance{}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Entries) != 0 || len(res.Rejected) != 1 || !strings.Contains(res.Rejected[0].Reason, "provenance") {
		t.Errorf("result = %+v", res)
	}
}

func TestSharedPlatformsNeedConsent(t *testing.T) {
	in := "github.com\nwww.linkedin.com\ngithub.com/some-user/\nexample.com\n"
	res, err := Read(strings.NewReader(in), Plain, defaults, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Entries) != 2 || len(res.Rejected) != 2 || !strings.Contains(res.Rejected[0].Reason, "shared platform") {
		t.Errorf("result = %+v", res)
	}
	res, _ = Read(strings.NewReader(in), Plain, defaults, Options{AllowPlatforms: true})
	if len(res.Entries) != 4 {
		t.Errorf("with AllowPlatforms: %+v", res)
	}
}

func TestReadErrors(t *testing.T) {
	for _, tt := range []struct {
		in     string
		format Format
	}{
		{"{not json", STIX},
		{`{"type":"indicator"}`, STIX},
		{"name,kind\nexample.com,seized\n", CSV},
		{"x", "xml"},
	} {
		if _, err := Read(strings.NewReader(tt.in), tt.format, defaults, Options{}); err == nil {
			t.Errorf("Read(%q, %s) succeeded", tt.in, tt.format)
		}
	}
}

func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.*")
	for _, name := range files {
		b, _ := os.ReadFile(name)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		res, err := Read(strings.NewReader(string(b)), Auto, defaults, Options{})
		if err != nil {
			return
		}
		for _, e := range res.Entries {
			if err := e.Validate(); err != nil {
				t.Fatalf("invalid entry accepted: %v", err)
			}
		}
	})
}
