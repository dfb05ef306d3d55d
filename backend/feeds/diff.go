package feeds

import (
	"slices"
	"strings"

	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/lists/entry"
)

// Listing tells Diff where a pattern stands in the list: whether it is
// listed now, whether the change that listed it is this source's, and
// whether one of this source's changes still pending adds it.
type Listing interface {
	Listed(pattern string) (listed, ours bool)
	PendingAdd(pattern string) bool
}

// Plan is what a pull changes.
type Plan struct {
	Adds    []entry.Entry   // new in the feed and not listed
	Removes []entry.Pattern // gone from the feed, listed, and listed by this source
	// Baseline is what the source carries after the pull, sorted.
	Baseline store.Batch
	// Dropped counts the baseline's entries the feed no longer has,
	// whether or not they are removed (Hold judges the feed by it).
	Dropped int
}

// Diff compares a feed's entries with what the source carried (base,
// sorted by pattern, as a previous Plan left it):
//
//   - an entry new to the feed is added unless the list has it already;
//     the source carries it if it added it or listed it before;
//   - an entry gone from the feed is removed only if it is listed and the
//     source listed it, never an entry another source or an admin added;
//     while the source's change adding it is pending it stays carried, so
//     a later pull removes it once it is listed;
//   - an entry the feed keeps stays carried with its first provenance,
//     even if someone removed it from the list: a source does not propose
//     again what a person took out.
//
// The feed's entries need not be sorted and must not repeat a pattern
// (lists/ingest drops repeats).
func Diff(base store.Batch, feed []entry.Entry, l Listing) Plan {
	keys := make([]keyed, len(feed))
	for i := range feed {
		keys[i] = keyed{feed[i].Pattern.String(), int32(i)}
	}
	slices.SortFunc(keys, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
	ops := base.Ops
	if !slices.IsSortedFunc(ops, func(a, b store.BatchOp) int { return strings.Compare(a.Pattern, b.Pattern) }) {
		ops = slices.Clone(ops)
		slices.SortFunc(ops, func(a, b store.BatchOp) int { return strings.Compare(a.Pattern, b.Pattern) })
	}

	var p Plan
	out := &p.Baseline
	out.Provenances = slices.Clone(base.Provenances)
	out.Ops = make([]store.BatchOp, 0, len(keys))
	provIndex := make(map[entry.Provenance]uint32, len(base.Provenances))
	for i, pr := range base.Provenances {
		provIndex[pr] = uint32(i)
	}
	carry := func(e entry.Entry) {
		i, ok := provIndex[e.Provenance]
		if !ok {
			i = uint32(len(out.Provenances))
			out.Provenances = append(out.Provenances, e.Provenance)
			provIndex[e.Provenance] = i
		}
		out.Ops = append(out.Ops, store.BatchOp{Pattern: e.Pattern.String(), Prov: i})
	}
	i, j := 0, 0
	for i < len(ops) || j < len(keys) {
		switch {
		case j == len(keys) || (i < len(ops) && ops[i].Pattern < keys[j].key):
			o := ops[i]
			i++
			p.Dropped++
			listed, ours := l.Listed(o.Pattern)
			switch {
			case listed && ours:
				p.Removes = append(p.Removes, store.SplitPattern(o.Pattern))
			case !listed && l.PendingAdd(o.Pattern):
				out.Ops = append(out.Ops, store.BatchOp{Pattern: o.Pattern, Prov: o.Prov})
			}
		case i == len(ops) || keys[j].key < ops[i].Pattern:
			e := feed[keys[j].i]
			j++
			listed, ours := l.Listed(e.Pattern.String())
			switch {
			case !listed:
				p.Adds = append(p.Adds, e)
				carry(e)
			case ours:
				carry(e)
			}
		default:
			out.Ops = append(out.Ops, store.BatchOp{Pattern: ops[i].Pattern, Prov: ops[i].Prov})
			i++
			j++
		}
	}
	return p
}

type keyed struct {
	key string
	i   int32
}
