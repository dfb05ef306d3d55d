package scan

import (
	"os"
	"reflect"
	"testing"

	"github.com/redflag/redflag/lists/check"
	"github.com/redflag/redflag/lists/data"
	"github.com/redflag/redflag/lists/document"
)

func TestInputs(t *testing.T) {
	tests := []struct {
		part document.Part
		want []string
	}{
		{document.Part{Text: "Contact: hr@jinyang.asia, see cloudfox.cloud."}, []string{"hr@jinyang.asia", "cloudfox.cloud"}},
		{document.Part{Text: "https://careers.cloudfox.cloud/apply", Link: true}, []string{"https://careers.cloudfox.cloud/apply"}},
		{document.Part{Text: "HTTPS://Careers.CloudFox.cloud/", Link: true}, []string{"HTTPS://Careers.CloudFox.cloud/"}},
		{document.Part{Text: "mailto:hr%40jinyang.asia,ceo@cloudfox.cloud?subject=hi", Link: true}, []string{"hr@jinyang.asia", "ceo@cloudfox.cloud"}},
		{document.Part{Text: "www.jinyang.asia/jobs", Link: true}, []string{"www.jinyang.asia/jobs"}},
		{document.Part{Text: "#_Toc123", Link: true}, nil},
		{document.Part{Text: "https://nam12.safelinks.protection.outlook.com/?url=https%3A%2F%2Fwww.foxvsun.com%2Fportfolio&data=05", Link: true}, []string{"https://www.foxvsun.com/portfolio"}},
		{document.Part{Text: "https://safelinks.example.com/?url=https%3A%2F%2Fx.example", Link: true}, []string{"https://safelinks.example.com/?url=https%3A%2F%2Fx.example"}},
	}
	for _, tt := range tests {
		if got := Inputs(tt.part); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Inputs(%+v) = %q, want %q", tt.part, got, tt.want)
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
