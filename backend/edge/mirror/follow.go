package mirror

import (
	"context"
	"log/slog"
	"maps"
	"time"

	"github.com/redflag/redflag/backend/workflow"
)

// Origin reports what the origin has published: each list's current
// version, and whether deltas to those versions are still being made.
type Origin func(ctx context.Context) (versions map[string]uint64, deltasPending bool, err error)

// FromWorkflow reports what a publisher's workflow has published.
func FromWorkflow(w *workflow.Service) Origin {
	return func(ctx context.Context) (map[string]uint64, bool, error) {
		lists, err := w.Lists(ctx)
		if err != nil {
			return nil, false, err
		}
		versions := map[string]uint64{}
		pending := false
		for _, l := range lists {
			if l.Published > 0 {
				versions[l.Name] = l.Published
			}
			pending = pending || l.DeltasPending
		}
		return versions, pending, nil
	}
}

// FollowConfig tunes Follow.
type FollowConfig struct {
	Every  time.Duration // how often the origin is looked at (1 s)
	Settle time.Duration // the longest a push waits for pending deltas (30 s)
	MaxGap time.Duration // the longest wait between retries of a failed push (5 min)
	Log    *slog.Logger
}

// Follow keeps the edge in step with the origin at originURL until ctx
// ends: whenever the origin has published versions the edge has not been
// given, it fetches the published objects and pushes them, once the
// deltas to the new versions are made (so clients get deltas, not whole
// snapshots) or Settle has passed. A failed push is retried with growing
// pauses; what it wrote is harmless (see Push). The first look pushes
// whatever the origin serves, so an edge that missed publications while
// the origin was down catches up.
func Follow(ctx context.Context, originURL string, e Edge, origin Origin, cfg FollowConfig) {
	if cfg.Every <= 0 {
		cfg.Every = time.Second
	}
	if cfg.Settle <= 0 {
		cfg.Settle = 30 * time.Second
	}
	if cfg.MaxGap <= 0 {
		cfg.MaxGap = 5 * time.Minute
	}
	if cfg.Log == nil {
		cfg.Log = slog.Default()
	}
	var pushed map[string]uint64 // what the edge was last given
	var pendingSince time.Time
	wait, gap := cfg.Every, cfg.Every
	for {
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = cfg.Every
		versions, pending, err := origin(ctx)
		if err != nil || maps.Equal(versions, pushed) {
			pendingSince = time.Time{}
			continue
		}
		if pending {
			if pendingSince.IsZero() {
				pendingSince = time.Now()
			}
			if time.Since(pendingSince) < cfg.Settle {
				continue
			}
		}
		pendingSince = time.Time{}
		start := time.Now()
		set, err := Fetch(ctx, originURL)
		if err == nil {
			err = e.Push(ctx, set, nil)
		}
		if err == nil {
			err = e.Check(ctx, set)
		}
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			cfg.Log.Warn("edge push failed", "edge", e.URL, "error", err.Error(), "retry_in", gap)
			wait, gap = gap, min(2*gap, cfg.MaxGap)
			continue
		}
		gap = cfg.Every
		pushed = map[string]uint64{}
		for _, ix := range set.Indexes {
			pushed[ix.Name] = ix.Version
			cfg.Log.Info("pushed to edge", "edge", e.URL, "list", ix.Name, "version", ix.Version, "objects", len(set.Objects), "took", time.Since(start))
		}
	}
}
