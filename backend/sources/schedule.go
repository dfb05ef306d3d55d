package sources

import (
	"context"
	"time"

	"github.com/redflag/redflag/backend/store"
)

// Run pulls enabled sources as they fall due, one at a time, until ctx
// ends. It looks at least every tick (and whenever a source is added or
// changed), so a pull starts at most a tick late.
func (s *Service) Run(ctx context.Context, tick time.Duration) {
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		s.pullDue(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		}
	}
}

// pullDue pulls every enabled source whose next pull has come.
func (s *Service) pullDue(ctx context.Context) {
	srcs, err := s.cfg.Sources.Sources(ctx, "")
	if err != nil {
		if ctx.Err() == nil {
			s.cfg.Logger.Error("reading sources", "err", err)
		}
		return
	}
	for _, src := range srcs {
		if ctx.Err() != nil {
			return
		}
		if !due(src, s.cfg.Now()) {
			continue
		}
		if _, err := s.Pull(ctx, Scheduled, src.List, src.Name); err != nil && ctx.Err() == nil {
			s.cfg.Logger.Error("pulling a source", "list", src.List, "source", src.Name, "err", err)
		}
	}
}

func due(src store.Source, now time.Time) bool {
	return src.Enabled && !src.NextPull.After(now)
}
