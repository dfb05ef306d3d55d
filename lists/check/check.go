// Package check answers "is this URL, domain or email listed, and why?"
// against a snapshot, in the shape every RedFlag surface reports: the
// redflag command, the WebAssembly checker and the extension.
package check

import (
	"github.com/redflag/redflag/lists/canon"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/snapshot"
)

// Verdicts.
const (
	Seized  = "seized"
	Flagged = "flagged"
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
	Entry       *entry.Provenance `json:"entry,omitempty"`
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
	m, ok := s.Lookup(u)
	if !ok {
		r.Verdict = Clean
		return r
	}
	r.Verdict = m.Kind.String()
	r.Match = m.Expression
	r.Entry = &m.Provenance
	return r
}

// Lookup is the verdict alone, for hot paths that mark many links and need
// neither the canonical URL nor the registrable domain.
func Lookup(s *snapshot.Snapshot, input string) (snapshot.Match, bool, error) {
	u, err := canon.Parse(input)
	if err != nil {
		return snapshot.Match{}, false, err
	}
	m, ok := s.Lookup(u)
	return m, ok, nil
}
