package document

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"net/textproto"
	"strings"

	"golang.org/x/net/html"
)

// The headers that name who a message is from or goes to: each a part of
// its own, so a listed sender or reply-to address says so.
var addressHeaders = []string{"From", "Reply-To", "Sender", "Return-Path", "To", "Cc"}

// maxMIMEParts bounds the parts read from one message.
const maxMIMEParts = 1000

// readEmail makes parts of an RFC 5322 message: its address headers and
// Subject, the paragraphs and links of its text and HTML bodies, and what
// its attachments hold (read as files of their own, attachments of
// attachments up to maxNesting deep).
func readEmail(data []byte, depth int) (*Document, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w: not an email message (%v)", ErrDamaged, err)
	}
	doc := &Document{Format: Email}
	dec := new(mime.WordDecoder)
	for _, h := range append(addressHeaders, "Subject") {
		for _, v := range msg.Header[textproto.CanonicalMIMEHeaderKey(h)] {
			if d, err := dec.DecodeHeader(v); err == nil {
				v = d
			}
			doc.Parts = append(doc.Parts, Part{Where: "header " + h, Text: v})
		}
	}
	w := &mimeWalker{doc: doc, depth: depth}
	if err := w.entity(textproto.MIMEHeader(msg.Header), msg.Body, ""); err != nil {
		return nil, err
	}
	return doc, nil
}

type mimeWalker struct {
	doc        *Document
	depth      int
	parts      int
	paragraphs int // body paragraphs so far, across text and HTML parts
}

// entity reads one MIME entity: a multipart's parts in turn, a text or
// HTML body, or an attachment.
func (w *mimeWalker) entity(h textproto.MIMEHeader, body io.Reader, name string) error {
	if w.parts++; w.parts > maxMIMEParts {
		return fmt.Errorf("%w: more than %d MIME parts", ErrTooLarge, maxMIMEParts)
	}
	ctype, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		ctype, params = "text/plain", nil
	}
	if strings.HasPrefix(ctype, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return fmt.Errorf("%w: MIME structure: %v", ErrDamaged, err)
			}
			// NextPart has undone quoted-printable already.
			if err := w.entity(p.Header, p, p.FileName()); err != nil {
				return err
			}
		}
	}
	data, err := io.ReadAll(io.LimitReader(decodeTransfer(h, body), MaxSize+1))
	if err != nil {
		return fmt.Errorf("%w: MIME body: %v", ErrDamaged, err)
	}
	if len(data) > MaxSize {
		return fmt.Errorf("%w: a MIME part expands to more than %d bytes", ErrTooLarge, MaxSize)
	}
	disp, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	if name == "" {
		name = dparams["filename"]
	}
	if name == "" {
		name = params["name"]
	}
	switch {
	case disp != "attachment" && ctype == "text/plain":
		w.text(string(data))
	case disp != "attachment" && ctype == "text/html":
		w.html(data)
	case ctype == "message/rfc822" || name != "" || disp == "attachment":
		w.attachment(name, ctype, data)
	}
	return nil
}

func decodeTransfer(h textproto.MIMEHeader, body io.Reader) io.Reader {
	switch strings.ToLower(strings.TrimSpace(h.Get("Content-Transfer-Encoding"))) {
	case "base64":
		return base64.NewDecoder(base64.StdEncoding, &lineJoiner{r: body})
	case "quoted-printable":
		return quotedprintable.NewReader(body)
	}
	return body
}

// lineJoiner drops the line breaks and spaces of a base64 body, which the
// decoder would refuse.
type lineJoiner struct{ r io.Reader }

func (j *lineJoiner) Read(p []byte) (int, error) {
	n, err := j.r.Read(p)
	k := 0
	for _, c := range p[:n] {
		if c != '\r' && c != '\n' && c != ' ' && c != '\t' {
			p[k] = c
			k++
		}
	}
	if k == 0 && n > 0 && err == nil {
		return j.Read(p)
	}
	return k, err
}

// text makes a part of each paragraph (text between blank lines).
func (w *mimeWalker) text(s string) {
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n\n") {
		if strings.TrimSpace(para) == "" {
			continue
		}
		w.paragraphs++
		w.doc.Parts = append(w.doc.Parts, Part{Where: fmt.Sprintf("body, paragraph %d", w.paragraphs), Text: para})
	}
}

// Elements that start a new paragraph of an HTML body.
var htmlBlocks = map[string]bool{"p": true, "div": true, "br": true, "li": true, "tr": true, "td": true, "table": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true, "blockquote": true, "pre": true, "hr": true}

// html makes a part of each block's text and of each link's target.
func (w *mimeWalker) html(b []byte) {
	z := html.NewTokenizer(bytes.NewReader(b))
	var text strings.Builder
	var links []string
	skip := 0 // inside script or style
	flush := func() {
		if strings.TrimSpace(text.String()) == "" && len(links) == 0 {
			text.Reset()
			return
		}
		w.paragraphs++
		loc := fmt.Sprintf("body, paragraph %d", w.paragraphs)
		if s := text.String(); strings.TrimSpace(s) != "" {
			w.doc.Parts = append(w.doc.Parts, Part{Where: loc, Text: s})
		}
		for _, l := range links {
			w.doc.Parts = append(w.doc.Parts, Part{Where: loc + ", link", Text: l, Link: true})
		}
		text.Reset()
		links = nil
	}
	for {
		switch z.Next() {
		case html.ErrorToken:
			flush()
			return
		case html.TextToken:
			if skip == 0 {
				text.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tn, hasAttr := z.TagName()
			tag := string(tn)
			if tag == "script" || tag == "style" {
				if z.Token().Type == html.EndTagToken {
					skip = max(skip-1, 0)
				} else {
					skip++
				}
				continue
			}
			if htmlBlocks[tag] {
				flush()
			}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if tag == "a" && string(k) == "href" {
					links = append(links, string(v))
				}
			}
		}
	}
}

// attachment reads an attached file as a document of its own; what it
// cannot read is a problem of the message, not the end of it.
func (w *mimeWalker) attachment(name, ctype string, data []byte) {
	if name == "" {
		name = ctype
	}
	if w.depth >= maxNesting {
		w.doc.Problems = append(w.doc.Problems, fmt.Errorf("attachment %s: %w: attachments nested more than %d deep", name, ErrTooLarge, maxNesting))
		return
	}
	if ctype == "message/rfc822" && !strings.HasSuffix(strings.ToLower(name), ".eml") {
		name += ".eml"
	}
	sub, err := read(name, data, w.depth+1)
	if err != nil {
		w.doc.Problems = append(w.doc.Problems, fmt.Errorf("attachment %s: %w", name, err))
		return
	}
	for _, p := range sub.Parts {
		p.Where = fmt.Sprintf("attachment %s, %s", name, p.Where)
		w.doc.Parts = append(w.doc.Parts, p)
	}
	for _, e := range sub.Problems {
		w.doc.Problems = append(w.doc.Problems, fmt.Errorf("attachment %s: %w", name, e))
	}
}
