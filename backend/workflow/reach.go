package workflow

import (
	"fmt"
	"slices"
	"strings"

	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/reach"
)

// Reach is what entries' look-alikes would caution among the shipped
// known-legit names (lists/reach), shown before they are proposed.
type Reach struct {
	Names     int          `json:"names"`     // known-legit names tried
	Cautioned int          `json:"cautioned"` // of them cautioned
	Entries   []EntryReach `json:"entries"`   // the entries that caution any, most first
	Checked   int          `json:"checked"`   // entries whose reach was computed (at most MaxReachChecked)
}

// EntryReach is one entry's reach.
type EntryReach struct {
	Pattern   string   `json:"pattern"`
	Cautioned int      `json:"cautioned"`
	Examples  []string `json:"examples"` // at most 10
}

// Bounds on what a reach preview computes and repeats: a preview of a
// large import covers its first entries.
const (
	MaxReachChecked = 100_000
	MaxReachEntries = 50
)

// ReachOf computes the reach of entries (the first MaxReachChecked).
func ReachOf(es []entry.Entry) (Reach, error) {
	if len(es) > MaxReachChecked {
		es = es[:MaxReachChecked]
	}
	names := reach.LegitNames()
	r, err := reach.Of(es, names)
	if err != nil {
		return Reach{}, fmt.Errorf("reach: %w", err)
	}
	out := Reach{Names: r.Names, Cautioned: r.Cautioned, Checked: len(es), Entries: []EntryReach{}}
	for listed, ns := range r.ByEntry {
		out.Entries = append(out.Entries, EntryReach{Pattern: listed, Cautioned: len(ns), Examples: ns[:min(len(ns), 10)]})
	}
	slices.SortFunc(out.Entries, func(a, b EntryReach) int {
		if a.Cautioned != b.Cautioned {
			return b.Cautioned - a.Cautioned
		}
		return strings.Compare(a.Pattern, b.Pattern)
	})
	return out, nil
}

// ReachPreview is ReachOf with at most MaxReachEntries entries named, for
// an answer.
func ReachPreview(es []entry.Entry) (Reach, error) {
	r, err := ReachOf(es)
	if len(r.Entries) > MaxReachEntries {
		r.Entries = r.Entries[:MaxReachEntries]
	}
	return r, err
}
