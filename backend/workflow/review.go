package workflow

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/lists/entry"
)

// Changes lists changes, newest first.
func (s *Service) Changes(ctx context.Context, f store.ChangeFilter) ([]store.Change, error) {
	return s.st.Changes(ctx, f)
}

// Change returns one change.
func (s *Service) Change(ctx context.Context, id int64) (store.Change, error) {
	return s.change(ctx, id)
}

// DiffItem is one item of a change as a reviewer reads it.
type DiffItem struct {
	Op       store.Op          `json:"op"`
	Pattern  string            `json:"pattern"`
	Describe string            `json:"describe"`
	Entry    *entry.Provenance `json:"provenance,omitempty"` // for additions
	// Current is the provenance the list has now for this pattern: a
	// replacement for additions, what goes away for removals.
	Current *entry.Provenance `json:"current,omitempty"`
}

// ItemsPage is a page of a change's items.
type ItemsPage struct {
	Items []DiffItem `json:"items"`
	Total int        `json:"total"`
	Next  int        `json:"next,omitempty"` // offset of the next page, 0 on the last
}

// Items returns a page of a change's items, compared with the list's
// current content.
func (s *Service) Items(ctx context.Context, id int64, offset, limit int) (ItemsPage, error) {
	c, err := s.change(ctx, id)
	if err != nil {
		return ItemsPage{}, err
	}
	set, err := s.Content(c.List)
	if err != nil {
		return ItemsPage{}, err
	}
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	page := ItemsPage{Items: []DiffItem{}, Total: c.Adds + c.Removes}
	pos := 0
	err = s.st.Items(ctx, id, func(batch store.Batch) error {
		if pos+batch.Len() <= offset || len(page.Items) >= limit {
			pos += batch.Len()
			return nil
		}
		for i := range batch.Ops {
			if pos+i < offset || len(page.Items) >= limit {
				continue
			}
			it := batch.Item(i)
			d := DiffItem{Op: it.Op, Pattern: it.Entry.Pattern.String(), Describe: it.Entry.Pattern.Describe()}
			if it.Op == store.Add {
				p := it.Entry.Provenance
				d.Entry = &p
			}
			if cur, ok := set.Get(d.Pattern); ok {
				p := cur.Provenance
				d.Current = &p
			}
			page.Items = append(page.Items, d)
		}
		pos += batch.Len()
		return nil
	})
	if offset+len(page.Items) < page.Total {
		page.Next = offset + len(page.Items)
	}
	return page, err
}

// Review approves or rejects a pending change. Approval applies it to the
// list's content; the next publication includes it. A proposer may reject
// (withdraw) their own change but approve it only with review off.
func (s *Service) Review(ctx context.Context, a Actor, id int64, approve bool, comment string) (store.Change, error) {
	if a.Role != store.Admin && a.Role != store.Reviewer {
		return store.Change{}, fmt.Errorf("reviewing needs an admin or reviewer token: %w", ErrForbidden)
	}
	if err := checkText("comment", comment, !approve, 1000); err != nil {
		return store.Change{}, fmt.Errorf("a rejection needs a comment saying why: %w", ErrInvalid)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.change(ctx, id)
	if err != nil {
		return c, err
	}
	if c.State != store.Pending {
		return c, fmt.Errorf("change %d is %s, not pending: %w", id, c.State, ErrConflict)
	}
	self := c.ProposedToken == a.TokenID || c.ProposedBy == a.Name
	if approve && self && !s.cfg.ReviewOff {
		return c, fmt.Errorf("change %d was proposed by %s; another admin or reviewer must approve it (or run serve with --review=off): %w", id, c.ProposedBy, ErrForbidden)
	}
	now := s.cfg.Now().UTC()
	c.ReviewedBy, c.ReviewedToken, c.Reviewed, c.ReviewComment = a.Name, a.TokenID, &now, comment
	detail := map[string]any{"change": id, "comment": comment, "proposed_by": c.ProposedBy}
	if !approve {
		c.State = store.Rejected
		return s.st.SetState(ctx, c, store.Pending, a.event("change_reject", c.List, detail))
	}
	return s.approve(ctx, a, c, self, detail)
}

// approve applies a pending change to its list's content and records the
// approval; s.mu is held.
func (s *Service) approve(ctx context.Context, a Actor, c store.Change, self bool, detail map[string]any) (store.Change, error) {
	id := c.ID
	st, err := s.list(c.List)
	if err != nil {
		return c, err
	}
	if c.RestoreVersion != 0 && c.BaseSeq != st.seq.Load() {
		return c, fmt.Errorf("change %d restores version %d against content that has changed since; propose the rollback again: %w", id, c.RestoreVersion, ErrConflict)
	}
	start := time.Now()
	var items []store.Batch
	if err := s.st.Items(ctx, id, func(b store.Batch) error {
		items = append(items, b)
		return nil
	}); err != nil {
		return c, err
	}
	loaded := time.Now()
	next := st.content.Load().Apply(items, id)
	applied := time.Now()
	c.State, c.ReviewOff = store.Approved, self
	detail["review_off"] = self
	c, err = s.st.SetState(ctx, c, store.Pending, a.event("change_approve", c.List, detail))
	if err != nil {
		if errors.Is(err, store.ErrState) {
			err = fmt.Errorf("%v: %w", err, ErrConflict)
		}
		return c, err
	}
	st.content.Store(next)
	st.seq.Store(c.ApprovalSeq)
	s.log.Info("approved", "list", c.List, "change", id, "adds", c.Adds, "removes", c.Removes, "entries", next.Len(),
		"load", loaded.Sub(start), "apply", applied.Sub(loaded), "took", time.Since(start))
	if c.Adds+c.Removes > 10_000 {
		s.releaseMemory()
	}
	return c, nil
}
