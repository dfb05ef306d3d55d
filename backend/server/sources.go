package server

import (
	"context"
	"sync"
	"time"

	"github.com/redflag/redflag/backend/feeds"
	"github.com/redflag/redflag/backend/sources"
	"github.com/redflag/redflag/backend/store/sqlite"
)

// openSources sets up the feed sources of every list and their metrics.
func (s *Server) openSources(ctx context.Context, st *sqlite.DB) error {
	sm := newSourceMetrics(s.metrics.reg)
	src, err := sources.New(sources.Config{Store: st, Sources: st, Workflow: s.Workflow, DataDir: s.cfg.DataDir, Logger: s.log,
		Fetcher: &feeds.Fetcher{MaxBytes: s.cfg.FeedMaxBytes, UserAgent: "RedFlag publisher (feed sources)"}, OnPull: sm.pulled})
	if err != nil {
		return err
	}
	all, err := st.Sources(ctx, "")
	if err != nil {
		return err
	}
	for _, one := range all {
		sm.show(one)
	}
	s.Sources = src
	return nil
}

// runSources pulls sources on schedule until the returned stop is
// called (which waits for a pull under way to end).
func (s *Server) runSources(ctx context.Context) (stop func()) {
	tick := s.cfg.SourceTick
	if tick <= 0 {
		tick = 30 * time.Second
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		s.Sources.Run(ctx, tick)
	}()
	return func() {
		cancel()
		wg.Wait()
	}
}
