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
