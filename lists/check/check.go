// Package check answers "is this URL, domain or email listed, and why?"
// against a snapshot, in the shape every RedFlag surface reports: the
// redflag command, the WebAssembly checker and the extension.
package check

import (
	"github.com/redflag/redflag/lists/canon"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/lookalike"
	"github.com/redflag/redflag/lists/snapshot"
)

// Verdicts. Caution is never a listing: the input is not listed, but its
// registrable domain resembles a listed one (lists/FORMAT.md, "Look-alike
// keys"); exact matches always win.
const (
	Seized  = "seized"
	Flagged = "flagged"
	Caution = "caution"
	Clean   = "clean"
	Invalid = "invalid"
)

// Result is the answer for one input.
type Result struct {
	Input       string            `json:"input"`
	Canonical   string            `json:"canonical,omitempty"`
	Registrable string            `json:"registrable,omitempty"`
	Expressions []string          `json:"expressions,omitempty"`
	Verdict     string            `json:"verdict"`
	Match       string            `json:"match,omitempty"`
	Resembles   string            `json:"resembles,omitempty"` // caution: the listed name
	How         string            `json:"how,omitempty"`       // caution: how it resembles it
	Similarity  []lookalike.Class `json:"similarity,omitempty"`
	Entry       *entry.Provenance `json:"entry,omitempty"` // listed: its entry; caution: the resembled entry's
	Error       string            `json:"error,omitempty"`
	// List names the list that answered a listed or caution verdict, when
	// several were consulted (Across); ListVersion is its version (else the
	// first list's).
	List        string `json:"list,omitempty"`
	ListVersion uint64 `json:"list_version"`
}

// Listed reports whether the verdict is seized or flagged.
func (r Result) Listed() bool { return r.Verdict == Seized || r.Verdict == Flagged }

// Options choose what a Result carries beyond the verdict.
type Options struct {
	// Expressions lists every lookup expression of the input (costs an
	// allocation per expression; tools want it, hot paths do not).
	Expressions bool
	// NoLookAlikes answers clean instead of caution (a company's policy,
	// and the baseline of benchmarks).
	NoLookAlikes bool
	// Scratch, when set, is the memory the look-alike search works in:
	// a caller checking many inputs in turn (a batch, a file) lends the
	// same one to every check, which saves clearing kilobytes of a fresh
	// one each time. One check at a time per Scratch.
	Scratch *Scratch
}

// Scratch is memory a caller lends checks made one after another
// (Options.Scratch). Its zero value is ready to use.
type Scratch struct{ probe lookalike.Probe }

// Check looks input up in s.
func Check(s *snapshot.Snapshot, input string, opt Options) Result {
	r, _ := Across([]*snapshot.Snapshot{s}, input, opt)
	return r
}

// Across looks input up in several lists at once (a browser following the
// public list and its company's own) and answers the strongest verdict:
// seized outranks flagged outranks caution outranks clean. Among lists
// with the same listed verdict the first given wins; among cautions the
// closest resemblance. It returns the index of the list that answered, -1
// for clean and invalid, and sets the Result's List to that list's name.
// A nil list (subscribed, not loaded yet) is skipped. The input is parsed
// once and its look-alike probe computed once for all lists.
func Across(lists []*snapshot.Snapshot, input string, opt Options) (Result, int) {
	r := Result{Input: input}
	if s := firstList(lists); s != nil {
		r.ListVersion = s.Version
	}
	u, err := canon.Parse(input)
	if err != nil {
		r.Verdict, r.Error = Invalid, err.Error()
		return r, -1
	}
	r.Canonical = u.String()
	r.Registrable = canon.Registrable(u.Host)
	if opt.Expressions {
		r.Expressions = u.Expressions()
	}
	if m, i, ok := lookupAcross(lists, u); ok {
		r.Verdict = m.Kind.String()
		r.Match = m.Expression
		r.Entry = &m.Provenance
		r.answeredBy(lists[i])
		return r, i
	}
	r.Verdict = Clean
	if !opt.NoLookAlikes {
		if c, i, ok := lookAlikeAcross(lists, r.Registrable, opt.Scratch); ok {
			r.cautious(c)
			r.answeredBy(lists[i])
			return r, i
		}
	}
	return r, -1
}

func (r *Result) answeredBy(s *snapshot.Snapshot) {
	r.List, r.ListVersion = s.Name, s.Version
}

func firstList(lists []*snapshot.Snapshot) *snapshot.Snapshot {
	for _, s := range lists {
		if s != nil {
			return s
		}
	}
	return nil
}

// lookupAcross finds the strongest listing of u: a seized match ends the
// search, a flagged one goes on looking for a seizure in the other lists.
func lookupAcross(lists []*snapshot.Snapshot, u canon.URL) (snapshot.Match, int, bool) {
	var best snapshot.Match
	at := -1
	for i, s := range lists {
		if s == nil {
			continue
		}
		m, ok := s.Lookup(u)
		if !ok {
			continue
		}
		if m.Kind == entry.Seized {
			return m, i, true
		}
		if at < 0 {
			best, at = m, i
		}
	}
	return best, at, at >= 0
}

func (r *Result) cautious(c snapshot.Caution) {
	r.Verdict, r.Resembles, r.How, r.Similarity = Caution, c.Resembles, c.How.Text, c.How.Classes
	r.Entry = &c.Provenance
}

// lookAlikeAcross finds the listed name, in any list, that registrable
// resembles most closely, searching in scratch or, without one, in a
// fresh one.
func lookAlikeAcross(lists []*snapshot.Snapshot, registrable string, scratch *Scratch) (snapshot.Caution, int, bool) {
	if registrable == "" {
		return snapshot.Caution{}, -1, false
	}
	if scratch == nil {
		return lookAlikeFresh(lists, registrable)
	}
	p := &scratch.probe
	probed := false
	var best snapshot.Caution
	at := -1
	for i, s := range lists {
		if s == nil || s.LookAlikes == nil {
			continue
		}
		if !probed {
			if !p.Reset(registrable) {
				return snapshot.Caution{}, -1, false
			}
			probed = true
		}
		if c, ok := s.LookAlike(p); ok && (at < 0 || snapshot.Closer(registrable, c, best)) {
			best, at = c, i
		}
	}
	return best, at, at >= 0
}

// lookAlikeFresh is lookAlikeAcross in a Scratch on its own stack: not
// inlined, so that it is cleared only when the caller lends none.
//
//go:noinline
func lookAlikeFresh(lists []*snapshot.Snapshot, registrable string) (snapshot.Caution, int, bool) {
	var s Scratch
	return lookAlikeAcross(lists, registrable, &s)
}

// Answer is a verdict without the canonical URL, for hot paths that mark
// many links: a listed input carries its match, a caution the name it
// resembles, and both the entry.
type Answer struct {
	Match   snapshot.Match    // when listed
	Caution *snapshot.Caution // when not listed but resembling a listed name
	Listed  bool
}

// Lookup is the verdict alone.
func Lookup(s *snapshot.Snapshot, input string, opt Options) (Answer, error) {
	a, _, err := LookupAcross([]*snapshot.Snapshot{s}, input, opt)
	return a, err
}

// LookupAcross is Lookup over several lists, ranked as Across ranks them;
// it also returns the index of the list that answered, -1 for none.
func LookupAcross(lists []*snapshot.Snapshot, input string, opt Options) (Answer, int, error) {
	u, err := canon.Parse(input)
	if err != nil {
		return Answer{}, -1, err
	}
	if m, i, ok := lookupAcross(lists, u); ok {
		return Answer{Match: m, Listed: true}, i, nil
	}
	if !opt.NoLookAlikes && !u.IP {
		if c, i, ok := lookAlikeAcross(lists, canon.Registrable(u.Host), opt.Scratch); ok {
			return Answer{Caution: &c}, i, nil
		}
	}
	return Answer{}, -1, nil
}
