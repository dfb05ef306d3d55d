package workflow

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"sort"
	"time"

	"github.com/redflag/redflag/backend/content"
	"github.com/redflag/redflag/backend/publish"
	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/lists/snapshot"
)

// Publish signs list's content as its next version, with deltas from the
// recent versions, and serves it once the store has committed it. With
// nothing approved since the last version it refuses unless force (to
// re-sign after a key rotation, say).
func (s *Service) Publish(ctx context.Context, a Actor, list string, force bool) (store.Version, error) {
	if a.Role != store.Admin {
		return store.Version{}, fmt.Errorf("publishing needs an admin token: %w", ErrForbidden)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.list(list)
	if err != nil {
		return store.Version{}, err
	}
	seq := st.seq.Load()
	last, err := s.st.Versions(ctx, list, 1)
	if err != nil {
		return store.Version{}, err
	}
	var lastVersion uint64
	if len(last) > 0 {
		lastVersion = last[0].Version
		if last[0].ApprovalSeq == seq && !force && !st.settingsChanged.Load() {
			return store.Version{}, fmt.Errorf("nothing approved since version %d (publish with force to re-sign it): %w", lastVersion, ErrConflict)
		}
	}
	now := s.cfg.Now()
	v, err := s.build(ctx, a, list, st.content.Load(), seq, publish.NextVersion(lastVersion, now), now)
	if err == nil {
		st.settingsChanged.Store(false)
	}
	return v, err
}

// build publishes set as version; the caller holds s.mu.
func (s *Service) build(ctx context.Context, a Actor, list string, set *content.Set, seq int64, version uint64, created time.Time) (store.Version, error) {
	start := time.Now()
	prev, err := s.st.Versions(ctx, list, s.cfg.DeltaVersions)
	if err != nil {
		return store.Version{}, err
	}
	// The delta from the version being served, which most clients hold,
	// is made before the new version is served; deltas from older ones
	// follow in the background.
	var previous [][]byte
	if len(prev) > 0 {
		b, err := s.snapshotBytes(ctx, list, prev[0].Version)
		if err != nil {
			return store.Version{}, err
		}
		previous = append(previous, b)
	}
	loaded := time.Now()
	// Building a million-entry snapshot allocates a few hundred megabytes
	// of short-lived data; collecting less often while it runs keeps the
	// collector from scanning the whole list several times per build.
	// releaseMemory gives the peak back afterwards.
	defer debug.SetGCPercent(debug.SetGCPercent(400))
	settings, err := s.listSettings(ctx, list)
	if err != nil {
		return store.Version{}, err
	}
	built, err := publish.Build(snapshot.Options{Name: list, Version: version, Created: created, BrowserNames: settings.BrowserNames},
		set.Entries(), s.cfg.Key, previous)
	if err != nil {
		return store.Version{}, fmt.Errorf("workflow: building %s@%d: %w", list, version, err)
	}
	built.Index.Description = settings.Description
	signed := time.Now()
	ix := built.Index
	v := store.Version{List: list, Version: version, Created: ix.Created, PublishedBy: a.Name, PublishedToken: a.TokenID,
		ApprovalSeq: seq, Entries: ix.Entries, KeyID: ix.KeyID, Size: ix.Snapshot.Size, SHA256: ix.Snapshot.SHA256, Deltas: []store.DeltaSize{}}
	for _, d := range built.Deltas {
		v.Deltas = append(v.Deltas, store.DeltaSize{From: d.From, Size: len(d.Bytes)})
	}
	err = s.st.Publish(ctx, v, built.Snapshot.Bytes(), built.Deltas, a.event("publish", list, map[string]any{
		"version": version, "entries": v.Entries, "size": v.Size, "sha256": v.SHA256, "deltas": v.Deltas, "approval_seq": seq}))
	if err != nil {
		if errors.Is(err, store.ErrState) {
			err = fmt.Errorf("%v: %w", err, ErrConflict)
		}
		return v, err
	}
	stored := time.Now()
	s.setPublished(list, &ix, built.Snapshot.Bytes(), built.Deltas)
	took := time.Since(start)
	s.log.Info("published", "list", list, "version", version, "entries", v.Entries, "bytes", v.Size, "deltas", len(v.Deltas),
		"took", took, "load_previous", loaded.Sub(start), "build_and_diff", signed.Sub(loaded), "store", stored.Sub(signed))
	if s.cfg.OnPublish != nil {
		s.cfg.OnPublish(v, took)
	}
	if st, _ := s.list(list); st != nil && len(prev) > 1 {
		s.background.Add(1)
		st.pendingDeltas.Add(1)
		go func() {
			defer s.background.Done()
			defer st.pendingDeltas.Add(-1)
			s.olderDeltas(list, built, prev[1:])
		}()
	} else {
		s.releaseMemory()
	}
	return v, nil
}

// snapshotBytes returns a published snapshot, from memory when served.
func (s *Service) snapshotBytes(ctx context.Context, list string, version uint64) ([]byte, error) {
	if p := s.pub.Load(); p != nil {
		if lo := p.lists[list]; lo.index != nil && lo.index.Version == version {
			return lo.snapshot, nil
		}
	}
	return s.st.Snapshot(ctx, list, version)
}

// olderDeltas makes and stores the deltas from older versions to a new
// one, then serves them if the new version is still current. Until then
// (or if it fails) clients of those versions fetch the snapshot.
func (s *Service) olderDeltas(list string, built *publish.Version, older []store.Version) {
	defer s.releaseMemory()
	ctx := context.Background()
	start := time.Now()
	to := built.Snapshot
	var previous [][]byte
	for _, v := range older {
		b, err := s.st.Snapshot(ctx, list, v.Version)
		if err != nil {
			s.log.Error("older deltas", "list", list, "version", to.Version, "err", err)
			return
		}
		previous = append(previous, b)
	}
	ds, err := publish.Deltas(to, s.cfg.Key, previous)
	if err == nil && len(ds) > 0 {
		err = s.st.AddDeltas(ctx, list, to.Version, ds)
	}
	if err != nil {
		s.log.Error("older deltas", "list", list, "version", to.Version, "err", err)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.pub.Load().lists[list]
	if cur.index == nil || cur.index.Version != to.Version || len(ds) == 0 {
		return
	}
	all := append(append([]publish.Delta(nil), cur.deltas...), ds...)
	sort.Slice(all, func(i, j int) bool { return all[i].From < all[j].From })
	ix := *cur.index
	ix.Deltas = make([]publish.DeltaRef, len(all))
	for i, d := range all {
		ix.Deltas[i] = d.Ref
	}
	s.setPublished(list, &ix, cur.snapshot, all)
	s.log.Info("older deltas", "list", list, "version", to.Version, "deltas", len(ds), "took", time.Since(start))
}

// Wait waits for background work (deltas from older versions) to end.
func (s *Service) Wait() { s.background.Wait() }

// ContentAt rebuilds list's content as published in version.
func (s *Service) ContentAt(ctx context.Context, list string, version uint64) (*content.Set, error) {
	vs, err := s.st.Versions(ctx, list, 0)
	if err != nil {
		return nil, err
	}
	for _, v := range vs {
		if v.Version != version {
			continue
		}
		set := content.New(s.provs)
		if v.ApprovalSeq == 0 {
			return set, nil
		}
		err := s.st.Approved(ctx, list, v.ApprovalSeq, func(c store.Change, items []store.Batch) error {
			set = set.Apply(items, c.ID)
			return nil
		})
		return set, err
	}
	return nil, fmt.Errorf("version %d of %q: %w", version, list, ErrNotFound)
}

// Rollback proposes the change that restores list's content to what
// version published. It goes through review like any change; once
// approved and published, the new version's content equals the old one's.
func (s *Service) Rollback(ctx context.Context, a Actor, list string, version uint64, reason string) (store.Change, error) {
	if a.Role != store.Admin {
		return store.Change{}, fmt.Errorf("rolling back needs an admin token: %w", ErrForbidden)
	}
	if err := checkText("reason", reason, true, 1000); err != nil {
		return store.Change{}, err
	}
	st, err := s.list(list)
	if err != nil {
		return store.Change{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	target, err := s.ContentAt(ctx, list, version)
	if err != nil {
		return store.Change{}, err
	}
	items := st.content.Load().Diff(target)
	if len(items) == 0 {
		return store.Change{}, fmt.Errorf("the content already equals version %d: %w", version, ErrConflict)
	}
	c := store.Change{List: list, State: store.Pending, Reason: reason, RestoreVersion: version, BaseSeq: st.seq.Load(),
		Force: true, ForceReason: fmt.Sprintf("restores version %d as published", version),
		ProposedBy: a.Name, ProposedToken: a.TokenID, Proposed: s.cfg.Now().UTC()}
	return s.st.CreateChange(ctx, c, items, a.event("rollback_propose", list, map[string]any{"to": version, "items": len(items), "reason": reason}))
}
