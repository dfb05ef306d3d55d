package document

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"
)

// The files under testdata/ are made here, by a PDF library and the
// standard library's ZIP writer, so that each is a file a real tool wrote
// and anyone can make again:
//
//	go test ./lists/document -run TestFixtures -update
//
// The extension's browser tests read the same files.
var update = flag.Bool("update", false, "rewrite testdata/ from the generators")

const (
	listedEmail = "hr@jinyang.asia"
	listedLink  = "https://careers.cloudfox.cloud/apply"
)

var fixtures = map[string]func() []byte{
	"resume-listed.pdf":   func() []byte { return resumePDF(listedEmail, listedLink, 2, "") },
	"resume-clean.pdf":    func() []byte { return resumePDF("jane@example.com", "https://janedoe.example/portfolio", 2, "") },
	"encrypted.pdf":       func() []byte { return resumePDF(listedEmail, listedLink, 1, "secret") },
	"resume-listed.docx":  func() []byte { return resumeDOCX(listedEmail, listedLink) },
	"resume-clean.docx":   func() []byte { return resumeDOCX("jane@example.com", "https://janedoe.example/portfolio") },
	"truncated.docx":      func() []byte { b := resumeDOCX(listedEmail, listedLink); return b[:len(b)/2] },
	"resume-listed.odt":   func() []byte { return resumeODT(listedEmail, listedLink) },
	"message.eml":         func() []byte { return message() },
	"resume-50-pages.pdf": func() []byte { return longResumePDF(50) },
}

func TestFixtures(t *testing.T) {
	for name, make := range fixtures {
		want := make()
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (make it with -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what its generator makes now (run with -update)", path)
		}
	}
}

var fixed = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// resumePDF is a résumé of pages pages: the email in the text of page 1,
// and link as the target of a link annotation on the last page, whose
// visible text does not show it. A password makes it encrypted.
func resumePDF(email, link string, pages int, password string) []byte {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(fixed)
	pdf.SetModificationDate(fixed)
	pdf.SetCatalogSort(true)
	if password != "" {
		pdf.SetProtection(fpdf.CnProtectPrint, password, "owner-"+password)
	}
	for n := 1; n <= pages; n++ {
		pdf.AddPage()
		pdf.SetFont("Helvetica", "", 12)
		pdf.Cell(0, 10, fmt.Sprintf("Jane Candidate - page %d", n))
		pdf.Ln(12)
		if n == 1 {
			pdf.Cell(40, 8, "Contact:")
			pdf.Cell(0, 8, email)
			pdf.Ln(10)
		}
		for i := 0; i < 20; i++ {
			pdf.Cell(0, 7, fmt.Sprintf("Built distributed systems at Example Corp, project %d, in Go and TypeScript.", (n-1)*20+i))
			pdf.Ln(7)
		}
		if n == pages {
			pdf.SetTextColor(0, 0, 200)
			pdf.Cell(30, 8, "Portfolio")
			pdf.LinkString(pdf.GetX()-30, pdf.GetY(), 30, 8, link)
		}
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// longResumePDF is a dense résumé of pages pages, for the benchmarks:
// 40 lines a page, each line naming a project's site and a contact, the
// listed email on page 1 and the listed link on the last page.
func longResumePDF(pages int) []byte {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCreationDate(fixed)
	pdf.SetModificationDate(fixed)
	pdf.SetCatalogSort(true)
	for n := 1; n <= pages; n++ {
		pdf.AddPage()
		pdf.SetFont("Helvetica", "", 9)
		if n == 1 {
			pdf.Cell(0, 6, "Jane Candidate - Contact: "+listedEmail)
			pdf.Ln(6)
		}
		for i := 0; i < 40; i++ {
			k := (n-1)*40 + i
			pdf.Cell(0, 6, fmt.Sprintf("%d. Led the rewrite of project%d.example.com in Go; reference: lead%d@example.org, code at github.com/jane/p%d.", k, k, k, k))
			pdf.Ln(6)
		}
		if n == pages {
			pdf.Cell(30, 6, "Portfolio")
			pdf.LinkString(pdf.GetX()-30, pdf.GetY(), 30, 6, listedLink)
		}
	}
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// zipOf writes files in order with a fixed time, stored or deflated.
func zipOf(files ...[2]string) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, f := range files {
		method := zip.Deflate
		if f[0] == "mimetype" {
			method = zip.Store // ODF: first and uncompressed
		}
		w, err := z.CreateHeader(&zip.FileHeader{Name: f[0], Method: method, Modified: fixed})
		if err != nil {
			panic(err)
		}
		w.Write([]byte(f[1]))
	}
	if err := z.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// resumeDOCX: the email in paragraph 2, link behind "Portfolio" (a
// relationship) in paragraph 3.
func resumeDOCX(email, link string) []byte {
	const w = `xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"`
	return zipOf(
		[2]string{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>`},
		[2]string{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`},
		[2]string{"word/document.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document ` + w + `><w:body>
<w:p><w:r><w:t>Jane Candidate</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Contact: </w:t></w:r><w:r><w:t>` + email + `</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Work samples: </w:t></w:r><w:hyperlink r:id="rId5"><w:r><w:t>Portfolio</w:t></w:r></w:hyperlink></w:p>
<w:p><w:r><w:t>Built distributed systems at Example Corp in Go and TypeScript.</w:t></w:r></w:p>
<w:sectPr/></w:body></w:document>`},
		[2]string{"word/_rels/document.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink" Target="` + link + `" TargetMode="External"/></Relationships>`},
	)
}

// resumeODT: the same as resumeDOCX, as OpenDocument text.
func resumeODT(email, link string) []byte {
	return zipOf(
		[2]string{"mimetype", "application/vnd.oasis.opendocument.text"},
		[2]string{"META-INF/manifest.xml", `<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>`},
		[2]string{"content.xml", `<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" office:version="1.2"><office:body><office:text>
<text:h text:outline-level="1">Jane Candidate</text:h>
<text:p>Contact:<text:s/>` + email + `</text:p>
<text:p>Work samples: <text:a xlink:type="simple" xlink:href="` + link + `">Portfolio</text:a></text:p>
</office:text></office:body></office:document-content>`},
	)
}

// message is a candidate's mail: a listed reply-to address, a link in its
// HTML body, and the listed résumé attached as a PDF.
func message() []byte {
	var b strings.Builder
	b.WriteString("From: Jane Candidate <jane@example.com>\r\nReply-To: " + listedEmail + "\r\nTo: recruiting@example.org\r\n" +
		"Subject: Application\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
		"--b1\r\nContent-Type: multipart/alternative; boundary=\"b2\"\r\n\r\n" +
		"--b2\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello,\r\n\r\nmy portfolio: example.net/jane\r\n" +
		"--b2\r\nContent-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n" +
		"<p>Hello,</p><p>my <a href=3D\"" + listedLink + "\">portfolio</a></p>\r\n--b2--\r\n" +
		"--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"cv.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
	pdf := resumePDF("jane@example.com", "https://janedoe.example/portfolio", 1, "")
	enc := []byte(base64.StdEncoding.EncodeToString(pdf))
	for len(enc) > 76 {
		b.Write(enc[:76])
		b.WriteString("\r\n")
		enc = enc[76:]
	}
	b.Write(enc)
	b.WriteString("\r\n--b1--\r\n")
	return []byte(b.String())
}
