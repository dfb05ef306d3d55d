// Package scan checks what a document holds: every URL, email address and
// domain in its text (found as the extension finds them on a page) and
// every hyperlink target, each with where in the document it stands.
package scan

import (
	"net/url"
	"strings"

	"github.com/redflag/redflag/lists/check"
	"github.com/redflag/redflag/lists/document"
	"github.com/redflag/redflag/lists/snapshot"
	"github.com/redflag/redflag/lists/tokens"
)

// Finding is one input found in a document and the checker's answer.
type Finding struct {
	File     string       `json:"file"`
	Location string       `json:"location"`
	Check    check.Result `json:"check"`
}

// Inputs are the inputs to check in a part: a link's target (a mailto:
// link's address), or the tokens of its text.
func Inputs(p document.Part) []string {
	if !p.Link {
		return tokens.All(p.Text)
	}
	t := strings.TrimSpace(p.Text)
	lower := strings.ToLower(t)
	switch {
	case strings.HasPrefix(lower, "mailto:"):
		addr, _, _ := strings.Cut(t[len("mailto:"):], "?")
		if a, err := url.PathUnescape(addr); err == nil {
			addr = a
		}
		var out []string
		for _, a := range strings.Split(addr, ",") {
			if a = strings.TrimSpace(a); strings.Contains(a, "@") {
				out = append(out, a)
			}
		}
		return out
	case strings.HasPrefix(lower, "http://"), strings.HasPrefix(lower, "https://"):
		return []string{unwrapSafeLink(t)}
	}
	// Another scheme, or a target without one ("www.example.com"): what
	// in it reads as a URL, email or domain.
	return tokens.All(t)
}

// unwrapSafeLink returns the original of a link that Outlook's Safe Links
// wrapped (https://….safelinks.protection.outlook.com/?url=ORIGINAL&…), as
// the extension's content script does; any other link as it is.
func unwrapSafeLink(link string) string {
	u, err := url.Parse(link)
	if err != nil || !strings.HasSuffix(strings.ToLower(u.Hostname()), ".safelinks.protection.outlook.com") {
		return link
	}
	if orig := u.Query().Get("url"); orig != "" {
		return orig
	}
	return link
}

// Document checks every input of doc against s, once per input and
// location, in the document's order.
func Document(s *snapshot.Snapshot, file string, doc *document.Document, opt check.Options) []Finding {
	type key struct{ input, where string }
	seen := make(map[key]bool)
	var out []Finding
	for _, p := range doc.Parts {
		for _, in := range Inputs(p) {
			k := key{in, p.Where}
			if seen[k] {
				continue
			}
			seen[k] = true
			out = append(out, Finding{File: file, Location: p.Where, Check: check.Check(s, in, opt)})
		}
	}
	return out
}
