// Package sources is the publisher's feed sources: each list may follow
// outside feeds (a URL, a format, provenance defaults, a schedule, an
// optional secret header and a review rule). A pull fetches a feed
// (package feeds), compares it with what the source carried, and turns
// the difference into one proposed change attributed to the source,
// reviewed like any other (package workflow); Run pulls on schedule.
// Definitions, state and pulls live in a store.SourceStore.
package sources

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/net/http/httpguts"

	"github.com/redflag/redflag/backend/feeds"
	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/backend/workflow"
	"github.com/redflag/redflag/lists/entry"
)

// Config configures a Service.
type Config struct {
	Store    store.Store
	Sources  store.SourceStore
	Workflow *workflow.Service
	Fetcher  *feeds.Fetcher
	// DataDir holds KeyFile, which seals secret header values.
	DataDir string
	// MinEvery bounds how often a source may be pulled (1m by default;
	// tests pull faster). RetryAfter is the first pause after a failed
	// pull, doubling up to the source's interval (1m by default).
	MinEvery, RetryAfter time.Duration
	Now                  func() time.Time
	Logger               *slog.Logger
	// OnPull, if set, is called after every pull (metrics).
	OnPull func(store.Source, store.Pull)
}

// Service manages sources and pulls them.
type Service struct {
	cfg   Config
	seal  *sealer
	pulls sync.Map // source id -> *sync.Mutex: one pull or update of a source at a time
	wake  chan struct{}
}

// New returns a service; it makes DataDir/sources.key on first use.
func New(cfg Config) (*Service, error) {
	if cfg.MinEvery <= 0 {
		cfg.MinEvery = time.Minute
	}
	if cfg.RetryAfter <= 0 {
		cfg.RetryAfter = time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Fetcher == nil {
		cfg.Fetcher = &feeds.Fetcher{UserAgent: "RedFlag publisher (feed sources)"}
	}
	seal, err := loadSealer(filepath.Join(cfg.DataDir, KeyFile))
	if err != nil {
		return nil, err
	}
	return &Service{cfg: cfg, seal: seal, wake: make(chan struct{}, 1)}, nil
}

// Settings is a source as an admin writes it. On update, absent (nil)
// fields keep their value; Secret is write-only ("" removes it).
type Settings struct {
	Name             string  `json:"name,omitempty"`
	URL              *string `json:"url,omitempty"`
	Format           *string `json:"format,omitempty"`
	Kind             *string `json:"kind,omitempty"`
	Authority        *string `json:"authority,omitempty"`
	Reference        *string `json:"reference,omitempty"`
	Every            *string `json:"every,omitempty"`
	Review           *string `json:"review,omitempty"`
	MaxAdds          *int    `json:"max_adds,omitempty"`
	MaxRemovePercent *int    `json:"max_remove_percent,omitempty"`
	Enabled          *bool   `json:"enabled,omitempty"`
	SecretHeader     *string `json:"secret_header,omitempty"`
	Secret           *string `json:"secret,omitempty"`
}

// Defaults of a new source.
const (
	DefaultEvery = store.Interval(time.Hour)
	maxEvery     = 366 * 24 * time.Hour
)

func invalid(format string, args ...any) error {
	return fmt.Errorf(format+": %w", append(args, workflow.ErrInvalid)...)
}

func mustAdmin(a workflow.Actor, what string) error {
	if a.Role != store.Admin {
		return fmt.Errorf("%s needs an admin token: %w", what, workflow.ErrForbidden)
	}
	return nil
}

func validName(name string) error {
	if name == "" || len(name) > 64 {
		return invalid("source name %q: want 1 to 64 characters", name)
	}
	for _, c := range name {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return invalid("source name %q: use a-z, 0-9, '-', '_' and '.'", name)
		}
	}
	return nil
}

// apply writes the given settings into src and checks the result; it
// reports whether what the feed is (URL, format) changed.
func (s *Service) apply(src *store.Source, in Settings) (moved bool, err error) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = *v
		}
	}
	oldURL, oldFormat := src.URL, src.Format
	set(&src.URL, in.URL)
	set(&src.Format, in.Format)
	set(&src.Authority, in.Authority)
	set(&src.Reference, in.Reference)
	set(&src.Review, in.Review)
	set(&src.SecretHeader, in.SecretHeader)
	if in.Kind != nil {
		if src.Kind, err = entry.ParseKind(*in.Kind); err != nil {
			return false, invalid("%s", entry.Reason(err))
		}
	}
	if in.Every != nil {
		iv, err := store.ParseInterval(*in.Every)
		if err != nil {
			return false, invalid("%v", err)
		}
		src.Every = iv
	}
	if in.MaxAdds != nil {
		src.MaxAdds = *in.MaxAdds
	}
	if in.MaxRemovePercent != nil {
		src.MaxRemovePercent = *in.MaxRemovePercent
	}
	if in.Enabled != nil {
		src.Enabled = *in.Enabled
	}
	if in.Secret != nil {
		if *in.Secret == "" {
			src.Secret = nil
		} else {
			if !httpguts.ValidHeaderFieldValue(*in.Secret) {
				return false, invalid("the secret header value has a character a header cannot carry")
			}
			src.Secret = s.seal.seal(*in.Secret)
		}
	}
	if src.Authority == "" {
		src.Authority = src.Name
	}
	if src.Reference == "" {
		src.Reference = src.URL
	}
	switch {
	case feeds.CheckURL(src.URL) != nil:
		return false, invalid("%v", feeds.CheckURL(src.URL))
	case feeds.CheckFormat(src.Format) != nil:
		return false, invalid("%v", feeds.CheckFormat(src.Format))
	case src.Review != store.ReviewEach && src.Review != store.ReviewAuto:
		return false, invalid("review %q: want review or auto", src.Review)
	case time.Duration(src.Every) < s.cfg.MinEvery || time.Duration(src.Every) > maxEvery:
		return false, invalid("every %s: want from %v to 366d", src.Every, s.cfg.MinEvery)
	case src.MaxAdds < 0:
		return false, invalid("max_adds %d: want 0 or more", src.MaxAdds)
	case src.MaxRemovePercent < 0 || src.MaxRemovePercent > 100:
		return false, invalid("max_remove_percent %d: want 0 to 100", src.MaxRemovePercent)
	case src.SecretHeader != "" && !httpguts.ValidHeaderFieldName(src.SecretHeader):
		return false, invalid("secret_header %q is not a header name", src.SecretHeader)
	case src.SecretHeader == "" && len(src.Secret) > 0:
		return false, invalid("a secret needs secret_header, the header that carries it")
	}
	// The provenance defaults must make valid entries (any date will do).
	prov := entry.Provenance{Kind: src.Kind, Authority: src.Authority, Reference: src.Reference, Date: "2000-01-01"}
	if err := prov.Validate(); err != nil {
		return false, invalid("provenance defaults: %s", entry.Reason(err))
	}
	return src.URL != oldURL || src.Format != oldFormat, nil
}

// Create adds a source to list; its first pull is due at once.
func (s *Service) Create(ctx context.Context, a workflow.Actor, list string, in Settings) (store.Source, error) {
	if err := mustAdmin(a, "adding a source"); err != nil {
		return store.Source{}, err
	}
	if _, err := s.cfg.Workflow.Content(list); err != nil {
		return store.Source{}, err
	}
	if err := validName(in.Name); err != nil {
		return store.Source{}, err
	}
	now := s.cfg.Now().UTC()
	src := store.Source{List: list, Name: in.Name, Kind: entry.Flagged, Every: DefaultEvery, Review: store.ReviewEach,
		MaxAdds: feeds.DefaultMaxAdds, MaxRemovePercent: feeds.DefaultMaxRemovePercent, Enabled: true,
		CreatedBy: a.Name, Created: now, Updated: now, NextPull: now}
	if _, err := s.apply(&src, in); err != nil {
		return src, err
	}
	src, err := s.cfg.Sources.CreateSource(ctx, src, event(a, "source_create", src, nil))
	if errors.Is(err, store.ErrExists) {
		return src, fmt.Errorf("list %q already has a source named %q: %w", list, in.Name, workflow.ErrConflict)
	}
	s.poke()
	return src, err
}

// Update changes a source's settings; a new URL or format starts its
// conditional requests afresh, and enabling it makes a pull due at once.
func (s *Service) Update(ctx context.Context, a workflow.Actor, list, name string, in Settings) (store.Source, error) {
	if err := mustAdmin(a, "changing a source"); err != nil {
		return store.Source{}, err
	}
	if in.Name != "" && in.Name != name {
		return store.Source{}, invalid("a source keeps its name (its changes carry it); add a new source instead")
	}
	src, err := s.Get(ctx, list, name)
	if err != nil {
		return src, err
	}
	// Not while a pull writes the source's validators and status.
	unlock := s.lock(src.ID)
	defer unlock()
	if src, err = s.Get(ctx, list, name); err != nil {
		return src, err
	}
	wasEnabled, every := src.Enabled, src.Every
	moved, err := s.apply(&src, in)
	if err != nil {
		return src, err
	}
	now := s.cfg.Now().UTC()
	src.Updated = now
	if moved { // another feed: read it whole, as at a first pull
		src.ETag, src.LastModified, src.ContentSHA256, src.Cursor = "", "", "", ""
	}
	switch {
	case src.Enabled && (!wasEnabled || moved):
		src.NextPull = now
	case src.Every != every:
		last := now
		if src.LastPull != nil {
			last = *src.LastPull
		}
		src.NextPull = last.Add(time.Duration(src.Every))
	}
	src, err = s.cfg.Sources.UpdateSource(ctx, src, event(a, "source_update", src, in.changed()))
	s.poke()
	return src, err
}

// changed names the settings an update gives, for the audit log (never
// the secret's value).
func (in Settings) changed() map[string]any {
	m := map[string]any{}
	put := func(k string, v any, given bool) {
		if given {
			m[k] = v
		}
	}
	put("url", deref(in.URL), in.URL != nil)
	put("format", deref(in.Format), in.Format != nil)
	put("kind", deref(in.Kind), in.Kind != nil)
	put("authority", deref(in.Authority), in.Authority != nil)
	put("reference", deref(in.Reference), in.Reference != nil)
	put("every", deref(in.Every), in.Every != nil)
	put("review", deref(in.Review), in.Review != nil)
	put("secret_header", deref(in.SecretHeader), in.SecretHeader != nil)
	put("secret", "(changed)", in.Secret != nil)
	if in.MaxAdds != nil {
		m["max_adds"] = *in.MaxAdds
	}
	if in.MaxRemovePercent != nil {
		m["max_remove_percent"] = *in.MaxRemovePercent
	}
	if in.Enabled != nil {
		m["enabled"] = *in.Enabled
	}
	return m
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func event(a workflow.Actor, action string, src store.Source, detail map[string]any) store.Event {
	if detail == nil {
		detail = map[string]any{"url": src.URL, "format": src.Format, "every": src.Every.String(), "review": src.Review,
			"kind": src.Kind.String(), "authority": src.Authority, "reference": src.Reference,
			"max_adds": src.MaxAdds, "max_remove_percent": src.MaxRemovePercent, "secret_header": src.SecretHeader}
	}
	detail["source"] = src.Name
	return a.Event(action, src.List, src.Name, detail)
}

// Get returns one source.
func (s *Service) Get(ctx context.Context, list, name string) (store.Source, error) {
	src, err := s.cfg.Sources.Source(ctx, list, name)
	if errors.Is(err, store.ErrNotFound) {
		return src, fmt.Errorf("list %q has no source %q: %w", list, name, workflow.ErrNotFound)
	}
	return src, err
}

// List returns list's sources.
func (s *Service) List(ctx context.Context, list string) ([]store.Source, error) {
	if _, err := s.cfg.Workflow.Content(list); err != nil {
		return nil, err
	}
	return s.cfg.Sources.Sources(ctx, list)
}

// Pulls returns a source's latest pulls, newest first.
func (s *Service) Pulls(ctx context.Context, list, name string, limit int) ([]store.Pull, error) {
	src, err := s.Get(ctx, list, name)
	if err != nil {
		return nil, err
	}
	return s.cfg.Sources.Pulls(ctx, src.ID, limit)
}

// lock holds source id for one pull or update at a time.
func (s *Service) lock(id int64) (unlock func()) {
	mu, _ := s.pulls.LoadOrStore(id, &sync.Mutex{})
	mu.(*sync.Mutex).Lock()
	return mu.(*sync.Mutex).Unlock
}

// poke wakes the scheduler to look at due pulls again.
func (s *Service) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}
