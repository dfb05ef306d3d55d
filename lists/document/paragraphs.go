package document

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
)

// paragraphs collects the paragraphs of a word-processing XML part (DOCX
// or ODT) as its elements are walked. Paragraphs nest (a text box or a
// note inside a paragraph holds paragraphs of its own), so the open ones
// are a stack; each is numbered in the order it opens.
type paragraphs struct {
	where string // prefix of each location, e.g. "header, "
	stack []*paragraph
	count int
	out   []Part
}

type paragraph struct {
	n     int
	text  strings.Builder
	links []string
}

func (ps *paragraphs) open() {
	ps.count++
	ps.stack = append(ps.stack, &paragraph{n: ps.count})
}

// top is the innermost open paragraph, nil outside any.
func (ps *paragraphs) top() *paragraph {
	if len(ps.stack) == 0 {
		return nil
	}
	return ps.stack[len(ps.stack)-1]
}

// close ends the innermost paragraph: a part for its text, one for each
// of its links.
func (ps *paragraphs) close() {
	p := ps.top()
	if p == nil {
		return
	}
	ps.stack = ps.stack[:len(ps.stack)-1]
	loc := fmt.Sprintf("%sparagraph %d", ps.where, p.n)
	if s := p.text.String(); strings.TrimSpace(s) != "" {
		ps.out = append(ps.out, Part{Where: loc, Text: s})
	}
	for _, l := range p.links {
		ps.out = append(ps.out, Part{Where: loc + ", link", Text: l, Link: true})
	}
}

// walk calls fn with each XML token of b and the innermost open paragraph
// (nil outside any), and returns the parts of the paragraphs closed.
func (ps *paragraphs) walk(b []byte, fn func(tok xml.Token, top *paragraph)) ([]Part, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return ps.out, nil
		}
		if err != nil {
			return nil, err
		}
		fn(tok, ps.top())
	}
}
