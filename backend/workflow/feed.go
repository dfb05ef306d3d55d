package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/redflag/redflag/backend/store"
)

// Changes that feed sources propose (package sources) follow the rules of
// every proposal; these are the two steps a source takes on its own.

// CheckItems validates additions and removals for list as a proposal
// would (the lists core's rules, the guard unless force, removals only of
// listed patterns) and returns them as items sorted by pattern. Unlike a
// request, it takes any number of entries.
func (s *Service) CheckItems(list string, add []EntryInput, remove []string, force bool) ([]store.Item, error) {
	set, err := s.Content(list)
	if err != nil {
		return nil, err
	}
	var all []store.Item
	var bad []ItemError
	check := func(add []EntryInput, remove []string, offset int) error {
		items, err := s.items(set, add, remove, force)
		var inv *InvalidItems
		if errors.As(err, &inv) {
			for _, it := range inv.Items {
				it.Index += offset
				bad = append(bad, it)
			}
			return nil
		}
		all = append(all, items...)
		return err
	}
	for i := 0; i < len(add); i += MaxBatch {
		if err := check(add[i:min(i+MaxBatch, len(add))], nil, i); err != nil {
			return nil, err
		}
	}
	for i := 0; i < len(remove); i += MaxBatch {
		if err := check(nil, remove[i:min(i+MaxBatch, len(remove))], len(add)+i); err != nil {
			return nil, err
		}
	}
	if len(bad) > 0 {
		return nil, &InvalidItems{Items: bad}
	}
	slices.SortFunc(all, func(a, b store.Item) int { return strings.Compare(a.Entry.Pattern.String(), b.Entry.Pattern.String()) })
	return all, nil
}

// AutoApprove approves a pending change that source proposed, under the
// source's "auto" review rule; the audit record says so.
func (s *Service) AutoApprove(ctx context.Context, source Actor, id int64, comment string) (store.Change, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.change(ctx, id)
	if err != nil {
		return c, err
	}
	if c.State != store.Pending || c.ProposedBy != source.Name || c.ProposedToken != 0 {
		return c, fmt.Errorf("change %d is not a pending change of %s: %w", id, source.Name, ErrConflict)
	}
	now := s.cfg.Now().UTC()
	c.ReviewedBy, c.ReviewedToken, c.Reviewed, c.ReviewComment = source.Name, 0, &now, comment
	return s.approve(ctx, source, c, false, map[string]any{"change": id, "comment": comment, "proposed_by": c.ProposedBy, "auto": true})
}

// Event returns the audit record of a doing action on list, about target.
func (a Actor) Event(action, list, target string, detail any) store.Event {
	ev := a.event(action, list, detail)
	ev.Target = target
	return ev
}
