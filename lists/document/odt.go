package document

import (
	"bytes"
	"encoding/xml"
	"fmt"
)

// readODT makes a part of each paragraph or heading of content.xml and of
// each text:a link's target.
func readODT(data []byte) (*Document, error) {
	z, err := openZip(data)
	if err != nil {
		return nil, err
	}
	f := zipFile(z, "content.xml")
	if f == nil {
		if zipFile(z, "META-INF/manifest.xml") != nil && zipFile(z, "encrypted-package") != nil {
			return nil, fmt.Errorf("%w: the ODT needs a password to open", ErrEncrypted)
		}
		return nil, fmt.Errorf("%w: no content.xml in the archive", ErrDamaged)
	}
	b, err := readZipFile(f)
	if err != nil {
		return nil, err
	}
	// An ODF package encrypts each part and says so in its manifest.
	if m := zipFile(z, "META-INF/manifest.xml"); m != nil {
		if mb, err := readZipFile(m); err == nil && bytes.Contains(mb, []byte("encryption-data")) {
			return nil, fmt.Errorf("%w: the ODT needs a password to open", ErrEncrypted)
		}
	}
	parts, err := odfParagraphs(b)
	if err != nil {
		return nil, fmt.Errorf("%w: content.xml: %v", ErrDamaged, err)
	}
	return &Document{Format: ODT, Parts: parts}, nil
}

// odfParagraphs walks ODF text: text:p and text:h paragraphs (a note's or
// a frame's nest inside one), text:s spaces, text:tab, text:line-break,
// and text:a links.
func odfParagraphs(b []byte) ([]Part, error) {
	ps := &paragraphs{}
	return ps.walk(b, func(tok xml.Token, top *paragraph) {
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "p", "h":
				ps.open()
			case "s", "tab":
				if top != nil {
					top.text.WriteByte(' ')
				}
			case "line-break":
				if top != nil {
					top.text.WriteByte('\n')
				}
			case "a":
				if href := attr(t, "href"); href != "" && top != nil {
					top.links = append(top.links, href)
				}
			}
		case xml.EndElement:
			if t.Name.Local == "p" || t.Name.Local == "h" {
				ps.close()
			}
		case xml.CharData:
			if top != nil {
				top.text.Write(t)
			}
		}
	})
}
