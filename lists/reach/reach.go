// Package reach says how far a list's look-alikes reach into names that
// are not fronts: which known-legit registered names (legit-names.txt,
// from maintained data packages) an entry would caution, so that an admin
// sees it before publishing, and the false cautions of a list can be
// measured.
package reach

import (
	"crypto/ed25519"
	_ "embed"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/redflag/redflag/lists/check"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/snapshot"
)

//go:embed legit-names.txt
var legitNames string

// LegitNames returns the shipped known-legit registrable domains.
var LegitNames = sync.OnceValue(func() []string { return ParseNames(legitNames) })

// ParseNames reads one name a line; '#' starts a comment line.
func ParseNames(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" && line[0] != '#' {
			out = append(out, line)
		}
	}
	return out
}

// Result is what a list's look-alikes would caution among names.
type Result struct {
	Names     int                 `json:"names"`     // names tried
	Cautioned int                 `json:"cautioned"` // names cautioned
	ByEntry   map[string][]string `json:"by_entry"`  // listed registrable domain → the names it would caution
}

// PerTenThousand is the cautions per 10,000 names tried.
func (r Result) PerTenThousand() float64 {
	if r.Names == 0 {
		return 0
	}
	return float64(r.Cautioned) * 10000 / float64(r.Names)
}

// Of builds a snapshot of entries (with a key of its own: nothing is
// published) and checks every name against it.
func Of(entries []entry.Entry, names []string) (Result, error) {
	_, priv, err := ed25519.GenerateKey(nil)
	if err != nil {
		return Result{}, err
	}
	s, err := snapshot.Build(snapshot.Options{Name: "reach", Version: 1, Created: time.Unix(0, 0)}, entries, priv)
	if err != nil {
		return Result{}, fmt.Errorf("reach: %w", err)
	}
	return In(s, names), nil
}

// In checks every name against s.
func In(s *snapshot.Snapshot, names []string) Result {
	r := Result{Names: len(names), ByEntry: map[string][]string{}}
	for _, n := range names {
		a, err := check.Lookup(s, n, check.Options{})
		if err != nil || a.Caution == nil {
			continue
		}
		r.Cautioned++
		r.ByEntry[a.Caution.Resembles] = append(r.ByEntry[a.Caution.Resembles], n)
	}
	for _, ns := range r.ByEntry {
		slices.Sort(ns)
	}
	return r
}
