// Package workflow is the publisher's rulebook: who may propose, review
// and publish; how a change is validated (the lists core's rules plus the
// shared-platform guard); how approved changes become a list's content and
// content becomes a signed version. It keeps each list's content in memory
// (package content) and the published objects served by the public API,
// and writes everything through a store.Store, one transaction per step
// with its audit record.
package workflow

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redflag/redflag/backend/content"
	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/lists/data"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/keys"
)

// Errors callers map to answers; the returned errors wrap one of them.
var (
	ErrInvalid   = errors.New("invalid request")
	ErrForbidden = errors.New("forbidden")
	ErrConflict  = errors.New("conflict")
	ErrNotFound  = errors.New("not found")
	ErrTooLarge  = errors.New("too large")
)

// MaxBatch bounds the items of one request.
const MaxBatch = 100_000

// Config configures a Service.
type Config struct {
	Store store.Store
	Key   ed25519.PrivateKey
	// Trusted are published at /v1/keys besides the signing key's public
	// half (keys being rotated in or out).
	Trusted []ed25519.PublicKey
	// ReviewOff lets a proposer approve their own changes.
	ReviewOff bool
	// DeltaVersions is how many previous versions get a delta to a new one.
	DeltaVersions int
	Logger        *slog.Logger
	Now           func() time.Time
	// OnPublish, if set, is called after each publication.
	OnPublish func(v store.Version, took time.Duration)
}

// Actor is who does something: a token's holder, or the system.
type Actor struct {
	Name      string
	TokenID   int64
	Role      store.Role
	RequestID string
	Remote    string
}

// System is the actor of seeding and startup records.
var System = Actor{Name: "system", Role: store.Admin}

func (a Actor) event(action, list string, detail any) store.Event {
	ev := store.Event{Actor: a.Name, TokenID: a.TokenID, Action: action, List: list, RequestID: a.RequestID, Remote: a.Remote}
	if detail != nil {
		b, _ := json.Marshal(detail)
		ev.Detail = string(b)
	}
	return ev
}

type listState struct {
	content       atomic.Pointer[content.Set]
	seq           atomic.Int64 // approval sequence the content includes
	pendingDeltas atomic.Int32 // background delta jobs running
	// settingsChanged: the list's settings changed since its last
	// publication, which the next one carries.
	settingsChanged atomic.Bool
}

// Service runs the workflow. Its methods are safe for concurrent use;
// approvals and publications of all lists are serialized.
type Service struct {
	cfg   Config
	st    store.Store
	provs *content.Provenances
	log   *slog.Logger

	mu    sync.Mutex // serializes content changes and publications
	gcing atomic.Bool
	// background counts goroutines making deltas from older versions.
	background sync.WaitGroup
	lists      atomic.Pointer[map[string]*listState]
	pub        atomic.Pointer[published]
}

// Open loads every list's content and published version from the store,
// seeding the default list on first start.
func Open(ctx context.Context, cfg Config) (*Service, error) {
	if cfg.DeltaVersions <= 0 {
		cfg.DeltaVersions = 8
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Service{cfg: cfg, st: cfg.Store, provs: content.NewProvenances(), log: cfg.Logger}
	empty := map[string]*listState{}
	s.lists.Store(&empty)
	ls, err := s.st.Lists(ctx)
	if err != nil {
		return nil, err
	}
	if len(ls) == 0 {
		if err := s.seed(ctx); err != nil {
			return nil, fmt.Errorf("workflow: seeding the default list: %w", err)
		}
		ls, err = s.st.Lists(ctx)
		if err != nil {
			return nil, err
		}
	}
	m := map[string]*listState{}
	for _, l := range ls {
		st, err := s.load(ctx, l.Name)
		if err != nil {
			return nil, err
		}
		m[l.Name] = st
	}
	s.lists.Store(&m)
	if err := s.refreshPublished(ctx); err != nil {
		return nil, err
	}
	if cfg.ReviewOff {
		if err := s.st.AppendAudit(ctx, System.event("review_off", "", map[string]string{
			"note": "serve started with --review=off: proposers may approve their own changes"})); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// load replays list's approved changes into its content.
func (s *Service) load(ctx context.Context, name string) (*listState, error) {
	set := content.New(s.provs)
	var seq int64
	err := s.st.Approved(ctx, name, 0, func(c store.Change, items []store.Batch) error {
		set = set.Apply(items, c.ID)
		seq = c.ApprovalSeq
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("workflow: loading %q: %w", name, err)
	}
	st := &listState{}
	st.content.Store(set)
	st.seq.Store(seq)
	return st, nil
}

func (s *Service) list(name string) (*listState, error) {
	st, ok := (*s.lists.Load())[name]
	if !ok {
		return nil, fmt.Errorf("list %q: %w", name, ErrNotFound)
	}
	return st, nil
}

// seed creates the default list from lists/data and publishes it as
// data.Version, so clients carrying the embedded default are current.
func (s *Service) seed(ctx context.Context) error {
	es, err := data.Entries()
	if err != nil {
		return err
	}
	opt := data.Options()
	if err := s.st.CreateList(ctx, store.List{Name: opt.Name, Created: s.cfg.Now().UTC(), Description: data.Description, BrowserNames: opt.BrowserNames},
		System.event("list_create", opt.Name, map[string]string{"source": "lists/data"})); err != nil {
		return err
	}
	items := make([]store.Item, len(es))
	for i, e := range es {
		items[i] = store.Item{Op: store.Add, Entry: e}
	}
	c, err := s.st.CreateChange(ctx, store.Change{List: opt.Name, State: store.Pending, Reason: "seed: the shipped default list (lists/data)",
		ProposedBy: System.Name}, items, System.event("change_propose", opt.Name, map[string]int{"adds": len(items)}))
	if err != nil {
		return err
	}
	now := s.cfg.Now().UTC()
	c.State, c.ReviewedBy, c.Reviewed, c.ReviewComment, c.ReviewOff = store.Approved, System.Name, &now, "seed", true
	c, err = s.st.SetState(ctx, c, store.Pending, System.event("change_approve", opt.Name, map[string]any{"change": c.ID, "review_off": true}))
	if err != nil {
		return err
	}
	set := content.New(s.provs).Apply([]store.Batch{store.BatchOf(items)}, c.ID)
	_, err = s.build(ctx, System, opt.Name, set, c.ApprovalSeq, opt.Version, opt.Created)
	return err
}

// KeyID returns the signing key's id.
func (s *Service) KeyID() keys.ID { return keys.IDOf(s.cfg.Key.Public().(ed25519.PublicKey)) }

// Content returns list's working content (approved changes applied).
func (s *Service) Content(name string) (*content.Set, error) {
	st, err := s.list(name)
	if err != nil {
		return nil, err
	}
	return st.content.Load(), nil
}

// ListInfo summarizes a list for admins.
type ListInfo struct {
	Name         string `json:"name"`
	Description  string `json:"description"`
	BrowserNames bool   `json:"browser_names"` // names published for browsers' own rules
	Entries      int    `json:"entries"`       // working content
	Published    uint64 `json:"published"`     // current version, 0 if none
	Unpublished  bool   `json:"unpublished"`   // approved changes not yet published
	// DeltasPending: deltas from older versions to the current one are
	// still being made.
	DeltasPending bool `json:"deltas_pending"`
}

// Lists summarizes every list.
func (s *Service) Lists(ctx context.Context) ([]ListInfo, error) {
	ls, err := s.st.Lists(ctx)
	if err != nil {
		return nil, err
	}
	out := []ListInfo{}
	for _, l := range ls {
		st, err := s.list(l.Name)
		if err != nil {
			continue
		}
		info := ListInfo{Name: l.Name, Description: l.Description, BrowserNames: l.BrowserNames, Entries: st.content.Load().Len(), DeltasPending: st.pendingDeltas.Load() > 0}
		vs, err := s.st.Versions(ctx, l.Name, 1)
		if err != nil {
			return nil, err
		}
		if len(vs) > 0 {
			info.Published = vs[0].Version
			info.Unpublished = vs[0].ApprovalSeq != st.seq.Load() || st.settingsChanged.Load()
		} else {
			info.Unpublished = true
		}
		out = append(out, info)
	}
	return out, nil
}

// CreateList creates an empty list.
func (s *Service) CreateList(ctx context.Context, a Actor, l ListSettings) error {
	if a.Role != store.Admin {
		return fmt.Errorf("creating a list needs an admin token: %w", ErrForbidden)
	}
	name := l.Name
	if err := validListName(name); err != nil {
		return err
	}
	if err := l.validate(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.st.CreateList(ctx, store.List{Name: name, Created: s.cfg.Now().UTC(), Description: l.description(), BrowserNames: l.browserNames()},
		a.event("list_create", name, l))
	if errors.Is(err, store.ErrExists) {
		return fmt.Errorf("list %q already exists: %w", name, ErrConflict)
	}
	if err != nil {
		return err
	}
	st := &listState{}
	st.content.Store(content.New(s.provs))
	old := *s.lists.Load()
	m := make(map[string]*listState, len(old)+1)
	for k, v := range old {
		m[k] = v
	}
	m[name] = st
	s.lists.Store(&m)
	return nil
}

func validListName(name string) error {
	if name == "" || len(name) > 64 {
		return fmt.Errorf("list name %q: want 1 to 64 characters: %w", name, ErrInvalid)
	}
	for _, c := range name {
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("list name %q: use a-z, 0-9, '-', '_' and '.': %w", name, ErrInvalid)
		}
	}
	return nil
}

// Audit returns audit events.
func (s *Service) Audit(ctx context.Context, f store.AuditFilter) ([]store.Event, error) {
	return s.st.Audit(ctx, f)
}

// History returns list's versions, newest first.
func (s *Service) History(ctx context.Context, name string, limit int) ([]store.Version, error) {
	if _, err := s.list(name); err != nil {
		return nil, err
	}
	return s.st.Versions(ctx, name, limit)
}

// Entry validation shared by propose and validate.

// EntryInput is an entry as an admin types it.
type EntryInput struct {
	Pattern   string `json:"pattern"`
	Kind      string `json:"kind"`
	Date      string `json:"date"`
	Authority string `json:"authority"`
	Reference string `json:"reference"`
	Note      string `json:"note,omitempty"`
	// LookAlikes is "on" (or empty: the default) or "off": whether names
	// resembling this one are cautioned (lists/FORMAT.md).
	LookAlikes string `json:"lookalikes,omitempty"`
}

// InputOf is e as an EntryInput.
func InputOf(e entry.Entry) EntryInput {
	in := EntryInput{Pattern: e.Pattern.String(), Kind: e.Kind.String(), Date: e.Date, Authority: e.Authority, Reference: e.Reference, Note: e.Note}
	if e.LookAlikesOff {
		in.LookAlikes = "off"
	}
	return in
}

func (in EntryInput) parse() (entry.Entry, error) {
	p, err := entry.ParsePattern(in.Pattern)
	if err != nil {
		return entry.Entry{}, err
	}
	k, err := entry.ParseKind(in.Kind)
	if err != nil {
		return entry.Entry{}, err
	}
	e := entry.Entry{Pattern: p, Provenance: entry.Provenance{Kind: k, Date: in.Date, Authority: in.Authority, Reference: in.Reference, Note: in.Note}}
	if err := e.Provenance.Validate(); err != nil {
		return entry.Entry{}, err
	}
	if e.LookAlikesOff, err = entry.ParseLookAlikes(in.LookAlikes); err != nil {
		return entry.Entry{}, err
	}
	return e, nil
}

// ReviewMode says whether a second person must approve changes: "on" or
// "off".
func (s *Service) ReviewMode() string {
	if s.cfg.ReviewOff {
		return "off"
	}
	return "on"
}

// releaseMemory returns the garbage of a large approval or publication to
// the operating system in the background, so that the resident size
// reflects what the server holds rather than its last peak.
func (s *Service) releaseMemory() {
	if s.gcing.CompareAndSwap(false, true) {
		go func() {
			defer s.gcing.Store(false)
			debug.FreeOSMemory()
		}()
	}
}

// ListSettings are what an admin sets of a list: when creating it, all
// (BrowserNames on unless said); when changing it, what is given.
type ListSettings struct {
	Name         string  `json:"name,omitempty"`
	Description  *string `json:"description,omitempty"`
	BrowserNames *bool   `json:"browser_names,omitempty"`
}

// MaxDescriptionLen bounds a list's description.
const MaxDescriptionLen = 500

func (l ListSettings) validate() error {
	if l.Description != nil && (len(*l.Description) > MaxDescriptionLen || strings.ContainsAny(*l.Description, "\x00\r\n")) {
		return fmt.Errorf("description: one line of at most %d bytes: %w", MaxDescriptionLen, ErrInvalid)
	}
	return nil
}

func (l ListSettings) browserNames() bool { return l.BrowserNames == nil || *l.BrowserNames }

func (l ListSettings) description() string {
	if l.Description == nil {
		return ""
	}
	return *l.Description
}

// UpdateList changes a list's description or its browser-names setting;
// the next publication carries the change (as does a publish without new
// approvals).
func (s *Service) UpdateList(ctx context.Context, a Actor, name string, l ListSettings) (store.List, error) {
	if a.Role != store.Admin {
		return store.List{}, fmt.Errorf("changing a list needs an admin token: %w", ErrForbidden)
	}
	if err := l.validate(); err != nil {
		return store.List{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st, err := s.list(name)
	if err != nil {
		return store.List{}, err
	}
	cur, err := s.listSettings(ctx, name)
	if err != nil {
		return store.List{}, err
	}
	next := cur
	if l.Description != nil {
		next.Description = *l.Description
	}
	if l.BrowserNames != nil {
		next.BrowserNames = *l.BrowserNames
	}
	if next == cur {
		return cur, nil
	}
	if err := s.st.UpdateList(ctx, next, a.event("list_update", name, l)); err != nil {
		return store.List{}, err
	}
	if next.BrowserNames != cur.BrowserNames {
		st.settingsChanged.Store(true)
	}
	return next, nil
}

// listSettings reads one list's stored settings.
func (s *Service) listSettings(ctx context.Context, name string) (store.List, error) {
	ls, err := s.st.Lists(ctx)
	if err != nil {
		return store.List{}, err
	}
	for _, l := range ls {
		if l.Name == name {
			return l, nil
		}
	}
	return store.List{}, fmt.Errorf("list %q: %w", name, ErrNotFound)
}
