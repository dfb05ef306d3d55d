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
	ListVersion uint64            `json:"list_version"`
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
}

// Check looks input up in s.
func Check(s *snapshot.Snapshot, input string, opt Options) Result {
	r := Result{Input: input, ListVersion: s.Version}
	u, err := canon.Parse(input)
	if err != nil {
		r.Verdict, r.Error = Invalid, err.Error()
		return r
	}
	r.Canonical = u.String()
	r.Registrable = canon.Registrable(u.Host)
	if opt.Expressions {
		r.Expressions = u.Expressions()
	}
	if m, ok := s.Lookup(u); ok {
		r.Verdict = m.Kind.String()
		r.Match = m.Expression
		r.Entry = &m.Provenance
		return r
	}
	r.Verdict = Clean
	if !opt.NoLookAlikes {
		if c, ok := lookAlike(s, r.Registrable); ok {
			r.cautious(c)
		}
	}
	return r
}

func (r *Result) cautious(c snapshot.Caution) {
	r.Verdict, r.Resembles, r.How, r.Similarity = Caution, c.Resembles, c.How.Text, c.How.Classes
	r.Entry = &c.Provenance
}

func lookAlike(s *snapshot.Snapshot, registrable string) (snapshot.Caution, bool) {
	if s.LookAlikes == nil || registrable == "" {
		return snapshot.Caution{}, false
	}
	var p lookalike.Probe
	if !p.Reset(registrable) {
		return snapshot.Caution{}, false
	}
	return s.LookAlike(&p)
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
	u, err := canon.Parse(input)
	if err != nil {
		return Answer{}, err
	}
	if m, ok := s.Lookup(u); ok {
		return Answer{Match: m, Listed: true}, nil
	}
	if !opt.NoLookAlikes && s.LookAlikes != nil && !u.IP {
		if c, ok := lookAlike(s, canon.Registrable(u.Host)); ok {
			return Answer{Caution: &c}, nil
		}
	}
	return Answer{}, nil
}
