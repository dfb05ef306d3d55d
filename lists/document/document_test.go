package document

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// has reports whether doc has a part at where holding text.
func has(doc *Document, where, text string, link bool) bool {
	for _, p := range doc.Parts {
		if p.Where == where && strings.Contains(p.Text, text) && p.Link == link {
			return true
		}
	}
	return false
}

func TestRead(t *testing.T) {
	type want struct {
		where, text string
		link        bool
	}
	tests := []struct {
		file   string
		format string
		want   []want
	}{
		{"resume-listed.pdf", PDF, []want{{"page 1", "Contact: hr@jinyang.asia", false}, {"page 2, link", listedLink, true}, {"page 2", "project 39", false}}},
		{"resume-listed.docx", DOCX, []want{{"paragraph 2", "Contact: hr@jinyang.asia", false}, {"paragraph 3, link", listedLink, true}, {"paragraph 3", "Work samples: Portfolio", false}}},
		{"resume-listed.odt", ODT, []want{{"paragraph 2", "Contact: hr@jinyang.asia", false}, {"paragraph 3, link", listedLink, true}}},
		{"message.eml", Email, []want{
			{"header Reply-To", listedEmail, false},
			{"header From", "jane@example.com", false},
			{"body, paragraph 2", "example.net/jane", false},
			{"body, paragraph 4, link", listedLink, true},
			{"attachment cv.pdf, page 1", "jane@example.com", false},
			{"attachment cv.pdf, page 1, link", "https://janedoe.example/portfolio", true},
		}},
	}
	for _, tt := range tests {
		doc, err := Read(tt.file, readFixture(t, tt.file))
		if err != nil {
			t.Errorf("%s: %v", tt.file, err)
			continue
		}
		if doc.Format != tt.format || len(doc.Problems) > 0 {
			t.Errorf("%s: format %q, problems %v; want %q and none", tt.file, doc.Format, doc.Problems, tt.format)
		}
		for _, w := range tt.want {
			if !has(doc, w.where, w.text, w.link) {
				t.Errorf("%s: no part at %q with %q (link %v); parts: %+v", tt.file, w.where, w.text, w.link, doc.Parts)
			}
		}
	}
}

func TestReadText(t *testing.T) {
	doc, err := Read("notes.txt", []byte("Dear team,\r\n\r\nwrite to hr@jinyang.asia\n"))
	if err != nil || doc.Format != Text || !has(doc, "line 3", "hr@jinyang.asia", false) {
		t.Fatalf("Read = %+v, %v", doc, err)
	}
}

// TestRefused: every way a file is refused names the reason.
func TestRefused(t *testing.T) {
	pdf := readFixture(t, "resume-listed.pdf")
	tests := []struct {
		name   string
		data   []byte
		err    error
		reason string
	}{
		{"encrypted.pdf", readFixture(t, "encrypted.pdf"), ErrEncrypted, "needs a password"},
		{"truncated.docx", readFixture(t, "truncated.docx"), ErrDamaged, "not a complete ZIP archive"},
		{"truncated.pdf", pdf[:len(pdf)/2], ErrDamaged, ""},
		{"empty.pdf", nil, ErrDamaged, ""},
		{"photo.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), ErrUnknownFormat, ""},
		{"old.doc", append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 512)...), ErrUnknownFormat, "old Office file"},
		{"locked.docx", append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), utf16("EncryptedPackage")...), ErrEncrypted, "password"},
		{"archive.zip", zipOf([2]string{"a.txt", "jinyang.asia"}), ErrUnknownFormat, "neither DOCX nor ODT"},
		{"no-body.docx", zipOf([2]string{"word/styles.xml", "<x/>"}, [2]string{"word/document.xm_", ""}), ErrUnknownFormat, ""},
		{"bad-xml.docx", zipOf([2]string{"word/document.xml", "<w:document><w:p>"}), ErrDamaged, "word/document.xml"},
		{"huge.txt", make([]byte, MaxSize+1), ErrTooLarge, ""},
		{"bomb.docx", zipOf([2]string{"word/document.xml", strings.Repeat(" ", MaxSize+1)}), ErrTooLarge, "expands"},
	}
	for _, tt := range tests {
		doc, err := Read(tt.name, tt.data)
		if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.reason) {
			t.Errorf("Read(%s) = %v, %v; want %v with %q", tt.name, doc, err, tt.err, tt.reason)
		}
	}
}

func TestAttachmentProblems(t *testing.T) {
	enc := readFixture(t, "encrypted.pdf")
	msg := "From: a@example.com\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=x\r\n\r\n" +
		"--x\r\nContent-Type: text/plain\r\n\r\nsee jinyang.asia\r\n" +
		"--x\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=locked.pdf\r\n\r\n" + string(enc) + "\r\n--x--\r\n"
	doc, err := Read("m.eml", []byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	if !has(doc, "body, paragraph 1", "jinyang.asia", false) {
		t.Errorf("body not read: %+v", doc.Parts)
	}
	if len(doc.Problems) != 1 || !errors.Is(doc.Problems[0], ErrEncrypted) || !strings.Contains(doc.Problems[0].Error(), "attachment locked.pdf") {
		t.Errorf("problems %v, want the encrypted attachment named", doc.Problems)
	}
}

func FuzzRead(f *testing.F) {
	for name := range fixtures {
		if name == "resume-50-pages.pdf" {
			continue // a benchmark's file: slow to mutate, and nothing the small ones lack
		}
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(name, b)
	}
	f.Fuzz(func(t *testing.T, name string, data []byte) {
		doc, err := Read(name, data)
		if err != nil {
			for _, e := range []error{ErrEncrypted, ErrDamaged, ErrTooLarge, ErrUnknownFormat} {
				if errors.Is(err, e) {
					return
				}
			}
			t.Fatalf("Read(%q): %v is none of the documented errors", name, err)
		}
		if doc == nil {
			t.Fatal("no document and no error")
		}
	})
}
