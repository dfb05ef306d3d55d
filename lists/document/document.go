// Package document extracts the text and the hyperlinks of the files a
// recruiter receives — PDF, DOCX, ODT, email (.eml) and plain text — each
// piece with where it was found (page, paragraph, header), so that every
// URL, email and domain in them can be checked and reported in place.
//
// Bad input is an error that says why: ErrEncrypted, ErrDamaged,
// ErrTooLarge or ErrUnknownFormat, wrapped with the detail. A parser's
// panic on a malformed file is an ErrDamaged, never a crash.
package document

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Errors a file can be refused with; test them with errors.Is.
var (
	ErrEncrypted     = errors.New("encrypted")
	ErrDamaged       = errors.New("damaged")
	ErrTooLarge      = errors.New("too large")
	ErrUnknownFormat = errors.New("not a PDF, DOCX, ODT, email or text file")
)

// MaxSize is the largest file Read takes, and the most any one part of a
// ZIP-based file (DOCX, ODT) may expand to.
const MaxSize = 64 << 20

// Formats.
const (
	PDF   = "pdf"
	DOCX  = "docx"
	ODT   = "odt"
	Email = "eml"
	Text  = "text"
)

// Part is one piece of a document.
type Part struct {
	// Where it is, for a person: "page 2", "paragraph 14", "header
	// Reply-To", "line 3", "attachment cv.pdf, page 1".
	Where string
	// Text is prose, or a hyperlink's target when Link is set.
	Text string
	Link bool
}

// Document is what Read found in a file.
type Document struct {
	Format string
	Parts  []Part
	// Problems are the parts of the file that could not be read (an
	// attachment that is encrypted, say); the rest was.
	Problems []error
}

// Read extracts the parts of the file named name (the name only helps
// tell formats apart; the content decides).
func Read(name string, data []byte) (doc *Document, err error) {
	return read(name, data, 0)
}

// maxNesting bounds attachments inside attachments.
const maxNesting = 3

func read(name string, data []byte, depth int) (doc *Document, err error) {
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrTooLarge, len(data), MaxSize)
	}
	// The parsers below, ours and the libraries', index into data that a
	// malformed file controls: a panic is a damaged file.
	defer func() {
		if p := recover(); p != nil {
			doc, err = nil, fmt.Errorf("%w: %v", ErrDamaged, p)
		}
	}()
	switch Detect(name, data) {
	case PDF:
		return readPDF(data)
	case DOCX:
		return readDOCX(data)
	case ODT:
		return readODT(data)
	case Email:
		return readEmail(data, depth)
	case Text:
		return readText(data), nil
	}
	return nil, unknown(name, data)
}

// Detect names the format of a file by its content, falling back on its
// name's extension where content alone cannot tell (email is text).
func Detect(name string, data []byte) string {
	ext := strings.ToLower(filepath.Ext(name))
	head := data[:min(len(data), 1024)]
	switch {
	case looksLikeMail(head): // before PDF: a message may carry one
		return Email
	case bytes.Contains(head, []byte("%PDF-")):
		return PDF
	case bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0")):
		return "" // an OLE file: old Office, or an encrypted DOCX (see unknown)
	case bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06")):
		return zipFormat(data, ext)
	case ext == ".pdf":
		return PDF // damaged: its parser says why
	case ext == ".docx":
		return DOCX
	case ext == ".odt":
		return ODT
	case !isText(data):
		return ""
	case ext == ".eml":
		return Email
	}
	return Text
}

func isText(data []byte) bool {
	head := data[:min(len(data), 8192)]
	if bytes.IndexByte(head, 0) >= 0 {
		return false
	}
	// A cut may split the last character.
	for i := 0; i < 3 && len(head) > 0 && !utf8.Valid(head); i++ {
		head = head[:len(head)-1]
	}
	return utf8.Valid(head)
}

func looksLikeMail(head []byte) bool {
	for _, h := range []string{"From:", "Received:", "Return-Path:", "MIME-Version:", "Delivered-To:", "Message-ID:"} {
		if bytes.HasPrefix(head, []byte(h)) {
			return true
		}
	}
	return false
}

func unknown(name string, data []byte) error {
	switch {
	// Office saves a password-protected DOCX as an OLE compound file
	// holding an EncryptedPackage stream.
	case bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0")) && bytes.Contains(data, utf16("EncryptedPackage")):
		return fmt.Errorf("%w: the Office file needs a password to open", ErrEncrypted)
	case bytes.HasPrefix(data, []byte("\xd0\xcf\x11\xe0")):
		return fmt.Errorf("%w: an old Office file (.doc, .xls); save it as DOCX or PDF", ErrUnknownFormat)
	case bytes.HasPrefix(data, []byte("{\\rtf")):
		return fmt.Errorf("%w: RTF; save it as DOCX or PDF", ErrUnknownFormat)
	case bytes.HasPrefix(data, []byte("PK")):
		return fmt.Errorf("%w: a ZIP archive that is neither DOCX nor ODT", ErrUnknownFormat)
	}
	return ErrUnknownFormat
}

func utf16(s string) []byte {
	b := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		b = append(b, s[i], 0)
	}
	return b
}

// readText makes a part of every line with a token in reach.
func readText(data []byte) *Document {
	doc := &Document{Format: Text}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimRight(line, "\r")
		if strings.TrimSpace(line) == "" {
			continue
		}
		doc.Parts = append(doc.Parts, Part{Where: fmt.Sprintf("line %d", i+1), Text: line})
	}
	return doc
}
