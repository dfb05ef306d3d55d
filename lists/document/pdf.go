package document

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/ledongthuc/pdf"
)

// maxPages bounds the pages read from one PDF (a page count is the file's
// own word).
const maxPages = 10000

// readPDF makes a part of each page's text and one of each link
// annotation's URI.
func readPDF(data []byte) (*Document, error) {
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if errors.Is(err, pdf.ErrInvalidPassword) {
			return nil, fmt.Errorf("%w: the PDF needs a password to open", ErrEncrypted)
		}
		if strings.Contains(err.Error(), "encrypt") {
			return nil, fmt.Errorf("%w: %v", ErrEncrypted, err)
		}
		return nil, fmt.Errorf("%w: %v", ErrDamaged, err)
	}
	doc := &Document{Format: PDF}
	for n := 1; n <= maxPages; n++ {
		p := r.Page(n)
		if p.V.IsNull() {
			if n == 1 && r.NumPage() > 0 {
				return nil, fmt.Errorf("%w: its page tree has no pages", ErrDamaged)
			}
			break
		}
		where := fmt.Sprintf("page %d", n)
		if text := pageText(p); strings.TrimSpace(text) != "" {
			doc.Parts = append(doc.Parts, Part{Where: where, Text: text})
		}
		for _, uri := range linkURIs(p) {
			doc.Parts = append(doc.Parts, Part{Where: where + ", link", Text: uri, Link: true})
		}
	}
	return doc, nil
}

// pageText lays a page's characters out as text: a line break where the
// baseline moves, a space where a gap opens between characters, so that
// text placed piece by piece does not run into one word.
func pageText(p pdf.Page) string {
	var b strings.Builder
	var last pdf.Text
	for i, t := range p.Content().Text {
		if i > 0 {
			size := math.Max(math.Max(t.FontSize, last.FontSize), 1)
			switch {
			case math.Abs(t.Y-last.Y) > size/2:
				b.WriteByte('\n')
			case t.X-(last.X+last.W) > size/5 && t.S != " " && last.S != " ":
				b.WriteByte(' ')
			}
		}
		b.WriteString(t.S)
		last = t
	}
	return b.String()
}

// linkURIs are the targets of a page's link annotations with a URI action.
func linkURIs(p pdf.Page) []string {
	annots := p.V.Key("Annots")
	var out []string
	for i := 0; i < annots.Len() && i < 10000; i++ {
		a := annots.Index(i)
		if a.Key("Subtype").Name() != "Link" {
			continue
		}
		act := a.Key("A")
		if act.Key("S").Name() != "URI" {
			continue
		}
		if uri := strings.TrimSpace(act.Key("URI").RawString()); uri != "" {
			out = append(out, uri)
		}
	}
	return out
}
