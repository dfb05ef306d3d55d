package sources

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redflag/redflag/backend/content"
	"github.com/redflag/redflag/backend/feeds"
	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/backend/workflow"
	"github.com/redflag/redflag/lists/entry"
)

// Scheduled is the actor of pulls the schedule starts.
var Scheduled = workflow.Actor{Name: "schedule", Role: store.Admin}

// feedError is a failure of the feed (unreachable, refused, garbled),
// recorded with the source; any other error is the publisher's own.
type feedError struct{ err error }

func (e feedError) Error() string { return e.err.Error() }
func (e feedError) Unwrap() error { return e.err }

// Pull pulls a source now and returns what it did. A feed that fails
// changes nothing: the pull is recorded with its error and retried with
// backoff. The error return is for the publisher's own failures.
func (s *Service) Pull(ctx context.Context, a workflow.Actor, list, name string) (store.Pull, error) {
	if a.Name != Scheduled.Name || a.TokenID != 0 {
		if err := mustAdmin(a, "pulling a source"); err != nil {
			return store.Pull{}, err
		}
	}
	src, err := s.Get(ctx, list, name)
	if err != nil {
		return store.Pull{}, err
	}
	unlock := s.lock(src.ID)
	defer unlock()
	if src, err = s.Get(ctx, list, name); err != nil { // as the previous pull left it
		return store.Pull{}, err
	}

	now := s.cfg.Now().UTC().Truncate(time.Millisecond) // as stored
	start := time.Now()
	rec := store.PullRecord{Pull: store.Pull{At: now, By: a.Name}, Source: src}
	err = s.pull(ctx, &rec)
	rec.Pull.TookMS = time.Since(start).Milliseconds()
	var fe feedError
	switch {
	case errors.As(err, &fe):
		rec.Pull.Result, rec.Pull.Error = store.PullFailed, err.Error()
		// What the failed pull read is forgotten: the next one asks again.
		rec.Source.ETag, rec.Source.LastModified, rec.Source.Cursor = src.ETag, src.LastModified, src.Cursor
		rec.Source.ContentSHA256, rec.Source.Entries = src.ContentSHA256, src.Entries
		rec.Source.Failures++
		rec.Source.LastError = err.Error()
		rec.Source.NextPull = now.Add(s.backoff(rec.Source))
		rec.State, rec.Change, rec.Items, rec.Events = nil, nil, nil, nil
	case err != nil:
		return store.Pull{}, err
	default:
		rec.Source.Failures, rec.Source.LastError, rec.Source.LastOK = 0, "", &now
		rec.Source.NextPull = now.Add(time.Duration(rec.Source.Every))
	}
	rec.Source.LastPull, rec.Source.LastResult = &now, rec.Pull.Result
	if a.Name != Scheduled.Name {
		rec.Events = append(rec.Events, a.Event("source_pull", list, name, map[string]any{"source": name, "result": rec.Pull.Result,
			"added": rec.Pull.Added, "removed": rec.Pull.Removed, "held": rec.Pull.Held, "error": rec.Pull.Error}))
	}
	p, err := s.cfg.Sources.RecordPull(ctx, rec)
	if err != nil {
		return p, err
	}
	s.cfg.Logger.Info("source pulled", "list", list, "source", name, "by", a.Name, "result", p.Result, "added", p.Added,
		"removed", p.Removed, "held", p.Held, "change", p.Change, "error", p.Error, "took_ms", p.TookMS)
	if p.Change != 0 && p.Held == "" && src.Review == store.ReviewAuto {
		if _, err := s.cfg.Workflow.AutoApprove(ctx, workflow.Actor{Name: src.Actor()}, p.Change,
			fmt.Sprintf("auto: the source's review rule, within its limits (at most %d adds, %d%% dropped)", src.MaxAdds, src.MaxRemovePercent)); err != nil {
			s.cfg.Logger.Warn("auto-approving a source's change", "source", name, "change", p.Change, "err", err)
		}
	}
	if s.cfg.OnPull != nil {
		s.cfg.OnPull(rec.Source, p)
	}
	return p, nil
}

// backoff is the pause after a source's failures-th failure in a row:
// RetryAfter, doubling, at most the source's interval.
func (s *Service) backoff(src store.Source) time.Duration {
	d := s.cfg.RetryAfter
	for i := 1; i < src.Failures && d < time.Duration(src.Every); i++ {
		d *= 2
	}
	return min(d, time.Duration(src.Every))
}

// pull fetches, reads and compares; it fills rec with what to store.
func (s *Service) pull(ctx context.Context, rec *store.PullRecord) error {
	src, p := &rec.Source, &rec.Pull
	secret, err := s.seal.open(src.Secret)
	if err != nil {
		return feedError{err}
	}
	req := feeds.Request{URL: src.URL, SecretHeader: src.SecretHeader, Secret: secret}
	var body, objects []byte
	// The state (a million entries for a large feed) is read once the
	// feed has changed, except a TAXII collection's objects.
	var state store.SourceState
	if src.Format == feeds.TAXII {
		if state, err = s.cfg.Sources.SourceState(ctx, src.ID); err != nil {
			return err
		}
		coll, err := feeds.DecodeCollection(state.Objects)
		if err != nil {
			return err
		}
		tp, err := s.cfg.Fetcher.TAXII(ctx, req, src.Cursor)
		if err != nil {
			return feedError{err}
		}
		p.Status, p.Bytes = 200, tp.Bytes
		skipped, err := coll.Merge(tp.Objects)
		if err != nil {
			return feedError{err}
		}
		p.Rejected += skipped
		src.Cursor, body = tp.Cursor, coll.Bundle(p.At)
		if len(tp.Objects) > 0 {
			objects = coll.Encode()
		} else {
			objects = state.Objects
		}
	} else {
		req.ETag, req.LastModified = src.ETag, src.LastModified
		resp, err := s.cfg.Fetcher.Get(ctx, req, "")
		if err != nil {
			return feedError{err}
		}
		p.Status, p.Bytes = resp.Status, int64(len(resp.Body))
		if resp.NotModified {
			p.Result = store.PullUnchanged
			return nil
		}
		src.ETag, src.LastModified, body = resp.ETag, resp.LastModified, resp.Body
	}
	sum := sha256.Sum256(body)
	digest := hex.EncodeToString(sum[:])
	if digest == src.ContentSHA256 {
		p.Result = store.PullUnchanged
		if src.Format == feeds.TAXII && objects != nil {
			rec.State = &store.SourceState{Baseline: state.Baseline, Objects: objects}
		}
		return nil
	}

	defaults := entry.Provenance{Kind: src.Kind, Authority: src.Authority, Reference: src.Reference, Date: p.At.Format(time.DateOnly)}
	res, err := feeds.Read(body, src.Format, defaults)
	if err != nil {
		return feedError{err}
	}
	p.Entries, p.Rejected = len(res.Entries), p.Rejected+len(res.Rejected)
	if src.Format != feeds.TAXII {
		if state, err = s.cfg.Sources.SourceState(ctx, src.ID); err != nil {
			return err
		}
	}
	set, err := s.cfg.Workflow.Content(src.List)
	if err != nil {
		return err
	}
	ours, err := s.cfg.Sources.SourceChanges(ctx, src.ID)
	if err != nil {
		return err
	}
	l := &listing{ctx: ctx, s: s, set: set, ours: make(map[int64]bool, len(ours)), changes: ours}
	for _, id := range ours {
		l.ours[id] = true
	}
	plan := feeds.Diff(state.Baseline, res.Entries, l)
	if l.err != nil {
		return l.err
	}
	held, force := feeds.Hold(plan, state.Baseline.Len(), feeds.Limits{MaxAdds: src.MaxAdds, MaxRemovePercent: src.MaxRemovePercent})
	rec.State = &store.SourceState{Baseline: plan.Baseline, Objects: objects}
	src.ContentSHA256, src.Entries = digest, plan.Baseline.Len()
	if len(plan.Adds)+len(plan.Removes) == 0 {
		p.Result = store.PullUnchanged
		return nil
	}
	add := make([]workflow.EntryInput, len(plan.Adds))
	for i, e := range plan.Adds {
		add[i] = workflow.InputOf(e)
	}
	remove := make([]string, len(plan.Removes))
	for i, r := range plan.Removes {
		remove[i] = r.String()
	}
	items, err := s.cfg.Workflow.CheckItems(src.List, add, remove, force)
	if err != nil {
		return feedError{fmt.Errorf("the feed's entries do not pass the list's rules: %w", err)}
	}
	p.Result, p.Added, p.Removed, p.Held = store.PullProposed, len(plan.Adds), len(plan.Removes), held
	reason := fmt.Sprintf("Source %s: %d to add, %d to remove, from %s", src.Name, p.Added, p.Removed, src.URL)
	if held != "" {
		reason += ". Held for a person: " + held
	}
	c := &store.Change{List: src.List, State: store.Pending, Reason: clip(reason, 1000), ProposedBy: src.Actor()}
	if force {
		c.Force, c.ForceReason = true, clip("held for a person: "+held, 1000)
	}
	rec.Change, rec.Items = c, items
	srcActor := workflow.Actor{Name: src.Actor()}
	rec.Events = append(rec.Events, srcActor.Event("change_propose", src.List, "", map[string]any{
		"adds": p.Added, "removes": p.Removed, "reason": c.Reason, "force": c.Force, "force_reason": c.ForceReason,
		"source": src.Name, "pulled_by": p.By, "held": held}))
	return nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n-3], "") + "..."
}

// listing answers feeds.Diff from the list's content and the source's
// changes; the pending additions are read only if Diff asks.
type listing struct {
	ctx     context.Context
	s       *Service
	set     *content.Set
	ours    map[int64]bool
	changes []int64
	pending map[string]bool
	err     error
}

func (l *listing) Listed(pattern string) (bool, bool) {
	e, ok := l.set.Get(pattern)
	return ok, ok && l.ours[e.Change]
}

func (l *listing) PendingAdd(pattern string) bool {
	if l.pending == nil {
		l.pending = map[string]bool{}
		for _, id := range l.changes {
			c, err := l.s.cfg.Store.Change(l.ctx, id)
			if err != nil {
				l.err = err
				return false
			}
			if c.State != store.Pending {
				continue
			}
			if err := l.s.cfg.Store.Items(l.ctx, id, func(b store.Batch) error {
				for _, o := range b.Ops {
					if !o.Remove {
						l.pending[o.Pattern] = true
					}
				}
				return nil
			}); err != nil {
				l.err = err
			}
		}
	}
	return l.pending[pattern]
}
