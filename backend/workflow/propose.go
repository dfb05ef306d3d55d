package workflow

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/redflag/redflag/backend/content"
	"github.com/redflag/redflag/backend/guard"
	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/lists/entry"
)

// ItemError is what is wrong with one entry of a request.
type ItemError struct {
	Index   int            `json:"index"` // 0-based position in add, then remove
	Op      store.Op       `json:"op"`
	Input   string         `json:"input"`
	Reason  string         `json:"reason"`
	Refusal *guard.Refusal `json:"guard,omitempty"` // set when force would accept it
}

// InvalidItems lists every bad entry of a request; nothing was applied.
type InvalidItems struct {
	Items []ItemError
}

func (e *InvalidItems) Error() string {
	if len(e.Items) == 1 {
		return fmt.Sprintf("1 invalid entry: %s: %s", e.Items[0].Input, e.Items[0].Reason)
	}
	return fmt.Sprintf("%d invalid entries; nothing was applied", len(e.Items))
}

func (e *InvalidItems) Unwrap() error { return ErrInvalid }

// Proposal is a change as submitted.
type Proposal struct {
	Reason      string       `json:"reason"`
	Force       bool         `json:"force,omitempty"`
	ForceReason string       `json:"force_reason,omitempty"`
	Add         []EntryInput `json:"add,omitempty"`
	Remove      []string     `json:"remove,omitempty"`
	// Draft keeps the change open for more items (AppendItems) until
	// Submit; large imports arrive in several batches.
	Draft bool `json:"draft,omitempty"`
}

// Batch is more items for a draft.
type Batch struct {
	Add    []EntryInput `json:"add,omitempty"`
	Remove []string     `json:"remove,omitempty"`
}

// Validation is the verdict on one entry.
type Validation struct {
	OK       bool           `json:"ok"`
	Pattern  string         `json:"pattern,omitempty"`  // canonical
	Describe string         `json:"describe,omitempty"` // what it lists, in words
	Listed   bool           `json:"listed"`             // the list already has this pattern
	Error    string         `json:"error,omitempty"`
	Refusal  *guard.Refusal `json:"guard,omitempty"`
	Reach    *Reach         `json:"reach,omitempty"` // the known-legit names its look-alikes would caution
}

// Validate checks one entry against the lists core's rules and the guard,
// as a proposal would, and says whether list already has it.
func (s *Service) Validate(list string, in EntryInput) Validation {
	e, err := in.parse()
	if err != nil {
		return Validation{Error: entry.Reason(err)}
	}
	v := Validation{OK: true, Pattern: e.Pattern.String(), Describe: e.Pattern.Describe()}
	if set, err := s.Content(list); err == nil {
		_, v.Listed = set.Get(v.Pattern)
	}
	if r := guard.Check(e.Pattern); r != nil {
		v.OK, v.Refusal, v.Error = false, r, r.Reason
	}
	if r, err := ReachPreview([]entry.Entry{e}); err == nil {
		v.Reach = &r
	}
	return v
}

// items validates a batch; force lets guard refusals through.
func (s *Service) items(set *content.Set, add []EntryInput, remove []string, force bool) ([]store.Item, error) {
	if len(add)+len(remove) > MaxBatch {
		return nil, fmt.Errorf("%d entries in one request; at most %d (send a draft in batches): %w", len(add)+len(remove), MaxBatch, ErrTooLarge)
	}
	items := make([]store.Item, 0, len(add)+len(remove))
	var bad []ItemError
	seen := make(map[string]int, len(add)+len(remove))
	for i, in := range add {
		e, err := in.parse()
		if err != nil {
			bad = append(bad, ItemError{Index: i, Op: store.Add, Input: in.Pattern, Reason: entry.Reason(err)})
			continue
		}
		key := e.Pattern.String()
		if j, dup := seen[key]; dup {
			bad = append(bad, ItemError{Index: i, Op: store.Add, Input: in.Pattern, Reason: fmt.Sprintf("%s repeats entry %d", key, j)})
			continue
		}
		seen[key] = i
		if r := guard.Check(e.Pattern); r != nil && !force {
			bad = append(bad, ItemError{Index: i, Op: store.Add, Input: in.Pattern, Reason: r.Reason, Refusal: r})
			continue
		}
		items = append(items, store.Item{Op: store.Add, Entry: e})
	}
	for i, in := range remove {
		idx := len(add) + i
		p, err := entry.ParsePattern(in)
		if err != nil {
			bad = append(bad, ItemError{Index: idx, Op: store.Remove, Input: in, Reason: entry.Reason(err)})
			continue
		}
		key := p.String()
		if j, dup := seen[key]; dup {
			bad = append(bad, ItemError{Index: idx, Op: store.Remove, Input: in, Reason: fmt.Sprintf("%s repeats entry %d", key, j)})
			continue
		}
		seen[key] = idx
		if _, ok := set.Get(key); !ok {
			bad = append(bad, ItemError{Index: idx, Op: store.Remove, Input: in, Reason: key + " is not listed"})
			continue
		}
		items = append(items, store.Item{Op: store.Remove, Entry: entry.Entry{Pattern: p}})
	}
	if len(bad) > 0 {
		return nil, &InvalidItems{Items: bad}
	}
	// Sorted batches let approval merge a change into the content in one pass.
	slices.SortFunc(items, func(a, b store.Item) int { return strings.Compare(a.Entry.Pattern.String(), b.Entry.Pattern.String()) })
	return items, nil
}

func checkText(field, v string, required bool, max int) error {
	switch {
	case required && strings.TrimSpace(v) == "":
		return fmt.Errorf("%s is required: %w", field, ErrInvalid)
	case len(v) > max:
		return fmt.Errorf("%s is longer than %d bytes: %w", field, max, ErrInvalid)
	}
	return nil
}

// Propose stores a change for review. With an idempotency key already used
// by the same token it returns the change that key created, and created
// is false.
func (s *Service) Propose(ctx context.Context, a Actor, list string, p Proposal, idempotencyKey string) (c store.Change, created bool, err error) {
	if a.Role != store.Admin {
		return c, false, fmt.Errorf("proposing changes needs an admin token: %w", ErrForbidden)
	}
	set, err := s.Content(list)
	if err != nil {
		return c, false, err
	}
	if err := checkText("reason", p.Reason, true, 1000); err != nil {
		return c, false, err
	}
	if p.Force {
		if err := checkText("force_reason", p.ForceReason, true, 1000); err != nil {
			return c, false, fmt.Errorf("force needs a force_reason saying why: %w", ErrInvalid)
		}
	}
	if !p.Draft && len(p.Add)+len(p.Remove) == 0 {
		return c, false, fmt.Errorf("a change needs entries to add or remove: %w", ErrInvalid)
	}
	items, err := s.items(set, p.Add, p.Remove, p.Force)
	if err != nil {
		return c, false, err
	}
	state := store.Pending
	if p.Draft {
		state = store.Draft
	}
	c = store.Change{List: list, State: state, Reason: p.Reason, Force: p.Force, ForceReason: p.ForceReason,
		ProposedBy: a.Name, ProposedToken: a.TokenID, Proposed: s.cfg.Now().UTC(), IdempotencyKey: idempotencyKey}
	adds, removes := 0, 0
	for _, it := range items {
		if it.Op == store.Add {
			adds++
		} else {
			removes++
		}
	}
	c, err = s.st.CreateChange(ctx, c, items, a.event("change_propose", list, map[string]any{
		"adds": adds, "removes": removes, "reason": p.Reason, "force": p.Force, "force_reason": p.ForceReason, "draft": p.Draft}))
	if errors.Is(err, store.ErrExists) {
		return c, false, nil
	}
	return c, err == nil, err
}

// proposerChange loads a change a actor proposed.
func (s *Service) proposerChange(ctx context.Context, a Actor, id int64) (store.Change, error) {
	c, err := s.change(ctx, id)
	if err != nil {
		return c, err
	}
	if c.ProposedToken != a.TokenID {
		return c, fmt.Errorf("change %d was proposed by %s; only its proposer may add to it: %w", id, c.ProposedBy, ErrForbidden)
	}
	return c, nil
}

func (s *Service) change(ctx context.Context, id int64) (store.Change, error) {
	c, err := s.st.Change(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return c, fmt.Errorf("change %d: %w", id, ErrNotFound)
	}
	return c, err
}

// Append adds a batch of items to a draft.
func (s *Service) Append(ctx context.Context, a Actor, id int64, b Batch) (store.Change, error) {
	c, err := s.proposerChange(ctx, a, id)
	if err != nil {
		return c, err
	}
	if c.State != store.Draft {
		return c, fmt.Errorf("change %d is %s; only drafts take more entries: %w", id, c.State, ErrConflict)
	}
	set, err := s.Content(c.List)
	if err != nil {
		return c, err
	}
	items, err := s.items(set, b.Add, b.Remove, c.Force)
	if err != nil {
		return c, err
	}
	c, err = s.st.AppendItems(ctx, id, items, a.event("change_append", c.List, map[string]any{"change": id, "items": len(items)}))
	if errors.Is(err, store.ErrState) {
		return c, fmt.Errorf("%v: %w", err, ErrConflict)
	}
	return c, err
}

// Submit sends a draft to review.
func (s *Service) Submit(ctx context.Context, a Actor, id int64) (store.Change, error) {
	c, err := s.proposerChange(ctx, a, id)
	if err != nil {
		return c, err
	}
	if c.Adds+c.Removes == 0 {
		return c, fmt.Errorf("change %d has no entries: %w", id, ErrInvalid)
	}
	c.State = store.Pending
	c, err = s.st.SetState(ctx, c, store.Draft, a.event("change_submit", c.List, map[string]any{"change": id, "adds": c.Adds, "removes": c.Removes}))
	if errors.Is(err, store.ErrState) {
		return c, fmt.Errorf("%v: %w", err, ErrConflict)
	}
	return c, err
}
