package scan

import (
	"encoding/json"
	"os"
	"reflect"
	"testing"

	"github.com/redflag/redflag/lists/check"
	"github.com/redflag/redflag/lists/data"
	"github.com/redflag/redflag/lists/document"
)

// TestInputs runs the table the extension's document page is held to as
// well (extension/test/findings.test.mjs).
func TestInputs(t *testing.T) {
	b, err := os.ReadFile("testdata/inputs.json")
	if err != nil {
		t.Fatal(err)
	}
	var tests []struct {
		Text string   `json:"text"`
		Link bool     `json:"link"`
		Want []string `json:"want"`
	}
	if err := json.Unmarshal(b, &tests); err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		got := Inputs(document.Part{Text: tt.Text, Link: tt.Link})
		if len(got) == 0 && len(tt.Want) == 0 {
			continue
		}
		if !reflect.DeepEqual(got, tt.Want) {
			t.Errorf("Inputs(%q, link %v) = %q, want %q", tt.Text, tt.Link, got, tt.Want)
		}
	}
}

func TestDocument(t *testing.T) {
	s, err := data.Default()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("../document/testdata/resume-listed.pdf")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := document.Read("resume-listed.pdf", b)
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]string{}
	for _, f := range Document(s, "cv.pdf", doc, check.Options{}) {
		if f.File != "cv.pdf" {
			t.Errorf("finding %+v names another file", f)
		}
		if f.Check.Listed() {
			listed[f.Check.Input] = f.Location + " " + f.Check.Verdict
		}
	}
	want := map[string]string{"hr@jinyang.asia": "page 1 seized", "https://careers.cloudfox.cloud/apply": "page 2, link seized"}
	if !reflect.DeepEqual(listed, want) {
		t.Errorf("listed %v, want %v", listed, want)
	}
}

// BenchmarkPDF50Pages is the 50-page résumé (6,002 inputs) through each
// step in turn: the PDF read alone is the baseline the rest adds to.
func BenchmarkPDF50Pages(b *testing.B) {
	s, err := data.Default()
	if err != nil {
		b.Fatal(err)
	}
	pdf, err := os.ReadFile("../document/testdata/resume-50-pages.pdf")
	if err != nil {
		b.Fatal(err)
	}
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			if _, err := document.Read("cv.pdf", pdf); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("read+find", func(b *testing.B) {
		for b.Loop() {
			doc, _ := document.Read("cv.pdf", pdf)
			for _, p := range doc.Parts {
				Inputs(p)
			}
		}
	})
	b.Run("read+find+check", func(b *testing.B) {
		for b.Loop() {
			doc, _ := document.Read("cv.pdf", pdf)
			if n := len(Document(s, "cv.pdf", doc, check.Options{})); n != 6002 {
				b.Fatalf("%d findings, want 6002", n)
			}
		}
	})
}
