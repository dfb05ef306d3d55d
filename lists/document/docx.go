package document

import (
	"archive/zip"
	"encoding/xml"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// The Word parts with text of their own, and how a location names them.
var docxParts = []struct{ prefix, where string }{
	{"word/document", ""},
	{"word/header", "header, "},
	{"word/footer", "footer, "},
	{"word/footnotes", "footnotes, "},
	{"word/endnotes", "endnotes, "},
}

// readDOCX makes a part of each paragraph's text and of each hyperlink's
// target (a relationship of the part, or a HYPERLINK field).
func readDOCX(data []byte) (*Document, error) {
	z, err := openZip(data)
	if err != nil {
		return nil, err
	}
	main := zipFile(z, "word/document.xml")
	if main == nil {
		return nil, fmt.Errorf("%w: no word/document.xml in the archive", ErrDamaged)
	}
	doc := &Document{Format: DOCX}
	var names []string
	for _, f := range z.File {
		if strings.HasPrefix(f.Name, "word/") && strings.HasSuffix(f.Name, ".xml") && !strings.Contains(f.Name[5:], "/") {
			names = append(names, f.Name)
		}
	}
	sort.Strings(names)
	for _, kind := range docxParts {
		for _, name := range names {
			if !strings.HasPrefix(name, kind.prefix) {
				continue
			}
			rels, err := docxRels(z, name)
			if err != nil {
				return nil, err
			}
			b, err := readZipFile(zipFile(z, name))
			if err != nil {
				return nil, err
			}
			parts, err := wordParagraphs(b, rels, kind.where)
			if err != nil {
				return nil, fmt.Errorf("%w: %s: %v", ErrDamaged, name, err)
			}
			doc.Parts = append(doc.Parts, parts...)
		}
	}
	return doc, nil
}

// docxRels maps the relationship ids of a part to their external targets.
func docxRels(z *zip.Reader, part string) (map[string]string, error) {
	f := zipFile(z, "word/_rels/"+part[len("word/"):]+".rels")
	if f == nil {
		return nil, nil
	}
	b, err := readZipFile(f)
	if err != nil {
		return nil, err
	}
	var rels struct {
		List []struct {
			ID     string `xml:"Id,attr"`
			Target string `xml:"Target,attr"`
			Mode   string `xml:"TargetMode,attr"`
		} `xml:"Relationship"`
	}
	if err := xml.Unmarshal(b, &rels); err != nil {
		return nil, fmt.Errorf("%w: relationships of %s: %v", ErrDamaged, part, err)
	}
	m := make(map[string]string)
	for _, r := range rels.List {
		if r.Mode == "External" {
			m[r.ID] = r.Target
		}
	}
	return m, nil
}

var hyperlinkField = regexp.MustCompile(`HYPERLINK\s+"([^"]+)"`)

// wordParagraphs walks WordprocessingML: w:p paragraphs, w:t text,
// w:hyperlink r:id links, and HYPERLINK fields in w:instrText or
// w:fldSimple.
func wordParagraphs(b []byte, rels map[string]string, where string) ([]Part, error) {
	ps := &paragraphs{where: where}
	instr := map[*paragraph]*strings.Builder{} // field codes, per paragraph
	inText := ""                               // "t" (shown text) or "instrText" (a field's code) while inside one
	return ps.walk(b, func(tok xml.Token, top *paragraph) {
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "p":
				ps.open()
			case "t", "instrText":
				inText = t.Name.Local
			case "tab":
				if top != nil {
					top.text.WriteByte('\t')
				}
			case "br", "cr":
				if top != nil {
					top.text.WriteByte('\n')
				}
			case "hyperlink":
				if target := rels[attr(t, "id")]; target != "" && top != nil {
					top.links = append(top.links, target)
				}
			case "fldSimple":
				if m := hyperlinkField.FindStringSubmatch(attr(t, "instr")); m != nil && top != nil {
					top.links = append(top.links, m[1])
				}
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "t", "instrText":
				inText = ""
			case "p":
				if top == nil {
					return
				}
				if code := instr[top]; code != nil {
					for _, m := range hyperlinkField.FindAllStringSubmatch(code.String(), -1) {
						top.links = append(top.links, m[1])
					}
					delete(instr, top)
				}
				ps.close()
			}
		case xml.CharData:
			switch {
			case top == nil:
			case inText == "t":
				top.text.Write(t)
			case inText == "instrText":
				if instr[top] == nil {
					instr[top] = new(strings.Builder)
				}
				instr[top].Write(t)
			}
		}
	})
}

// attr is the value of the attribute with local name local.
func attr(e xml.StartElement, local string) string {
	for _, a := range e.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}
