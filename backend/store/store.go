// Package store defines what the publisher keeps: API tokens (hashed),
// lists, proposed changes and their items, published versions with their
// snapshots and deltas, an append-only audit log and idempotent responses.
// Package sqlite implements it; the edge build reads published objects
// elsewhere and never needs this package.
//
// Every method that changes state takes the audit event that records it
// and writes both in one transaction: nothing is done without its record,
// and no record describes something undone.
package store

import (
	"context"
	"errors"
	"time"

	"github.com/redflag/redflag/backend/publish"
	"github.com/redflag/redflag/lists/entry"
)

// Errors the implementations wrap.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
	ErrState    = errors.New("not allowed in this state")
)

// Role says what a token may do.
type Role string

const (
	Admin    Role = "admin"    // propose, review, publish, roll back, manage lists
	Reviewer Role = "reviewer" // review and read
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == Admin || r == Reviewer }

// Token is an API token. Only the SHA-256 of its secret is stored.
type Token struct {
	ID      int64     `json:"id"`
	Name    string    `json:"name"`
	Role    Role      `json:"role"`
	Created time.Time `json:"created"`
	Revoked bool      `json:"revoked"`
}

// List is a published or publishable list and its settings.
type List struct {
	Name        string    `json:"name"`
	Created     time.Time `json:"created"`
	Description string    `json:"description"` // what the list is, for people who subscribe to it
	// BrowserNames: snapshots carry the names in clear for browsers' own
	// blocking rules (lists/FORMAT.md, section 2); on unless the list's
	// owner keeps its names out.
	BrowserNames bool `json:"browser_names"`
}

// ChangeState is where a change is in review.
type ChangeState string

const (
	Draft    ChangeState = "draft"    // items still being uploaded
	Pending  ChangeState = "pending"  // waiting for review
	Approved ChangeState = "approved" // applied to the list's content
	Rejected ChangeState = "rejected"
)

// Op is what an item does.
type Op string

const (
	Add    Op = "add"    // list the pattern, or replace its provenance
	Remove Op = "remove" // unlist the pattern
)

// Item is one entry a change adds or removes. A removal carries only the
// pattern.
type Item struct {
	Op    Op
	Entry entry.Entry
}

// Change is a proposed set of additions and removals to one list.
type Change struct {
	ID             int64       `json:"id"`
	List           string      `json:"list"`
	State          ChangeState `json:"state"`
	Reason         string      `json:"reason"`
	Force          bool        `json:"force,omitempty"`
	ForceReason    string      `json:"force_reason,omitempty"`
	RestoreVersion uint64      `json:"restore_version,omitempty"` // a rollback to this version's content
	BaseSeq        int64       `json:"-"`                         // for a rollback: the content it was computed against
	Adds           int         `json:"adds"`
	Removes        int         `json:"removes"`
	ProposedBy     string      `json:"proposed_by"`
	ProposedToken  int64       `json:"proposed_token"`
	Proposed       time.Time   `json:"proposed"`
	ReviewedBy     string      `json:"reviewed_by,omitempty"`
	ReviewedToken  int64       `json:"reviewed_token,omitempty"`
	Reviewed       *time.Time  `json:"reviewed,omitempty"`
	ReviewComment  string      `json:"review_comment,omitempty"`
	ReviewOff      bool        `json:"review_off,omitempty"` // approved by its proposer with review off
	ApprovalSeq    int64       `json:"approval_seq,omitempty"`
	IdempotencyKey string      `json:"-"`
}

// Batch is one stored batch of a change's items in compact form: patterns
// in canonical text and provenances by number, so that a million items
// read back without a million provenance copies.
type Batch struct {
	Provenances []entry.Provenance
	Ops         []BatchOp
}

// BatchOp is one item of a Batch.
type BatchOp struct {
	Remove        bool
	Pattern       string // canonical pattern text
	Prov          uint32 // index in Provenances, for additions
	LookAlikesOff bool   // an addition with look-alikes off (lists/FORMAT.md)
}

// Len returns the number of items.
func (b Batch) Len() int { return len(b.Ops) }

// Item returns item i in full.
func (b Batch) Item(i int) Item {
	o := b.Ops[i]
	if o.Remove {
		return Item{Op: Remove, Entry: entry.Entry{Pattern: SplitPattern(o.Pattern)}}
	}
	return Item{Op: Add, Entry: entry.Entry{Pattern: SplitPattern(o.Pattern), Provenance: b.Provenances[o.Prov], LookAlikesOff: o.LookAlikesOff}}
}

// BatchOf packs items.
func BatchOf(items []Item) Batch {
	var b Batch
	index := map[entry.Provenance]uint32{}
	b.Ops = make([]BatchOp, len(items))
	for i, it := range items {
		b.Ops[i] = BatchOp{Remove: it.Op == Remove, Pattern: it.Entry.Pattern.String(), LookAlikesOff: it.Op == Add && it.Entry.LookAlikesOff}
		if it.Op == Add {
			p, ok := index[it.Entry.Provenance]
			if !ok {
				p = uint32(len(b.Provenances))
				index[it.Entry.Provenance] = p
				b.Provenances = append(b.Provenances, it.Entry.Provenance)
			}
			b.Ops[i].Prov = p
		}
	}
	return b
}

// SplitPattern rebuilds a pattern from its canonical text without parsing
// it again (the text was validated on the way in): the host ends at the
// first '/'.
func SplitPattern(s string) entry.Pattern {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return entry.Pattern{Host: s[:i], Path: s[i:]}
		}
	}
	return entry.Pattern{Host: s}
}

// ChangeFilter selects changes, newest first.
type ChangeFilter struct {
	List   string
	State  ChangeState
	Before int64 // id; 0 for the newest
	Limit  int
}

// Version is a published version.
type Version struct {
	List           string      `json:"list"`
	Version        uint64      `json:"version"`
	Created        time.Time   `json:"created"`
	PublishedBy    string      `json:"published_by"`
	PublishedToken int64       `json:"published_token"`
	ApprovalSeq    int64       `json:"approval_seq"` // content = approved changes up to this
	Entries        int         `json:"entries"`
	KeyID          string      `json:"key_id"`
	Size           int         `json:"size"`
	SHA256         string      `json:"sha256"`
	Deltas         []DeltaSize `json:"deltas"`
}

// DeltaSize describes a stored delta to a version.
type DeltaSize struct {
	From uint64 `json:"from"`
	Size int    `json:"size"`
}

// Event is one audit log record.
type Event struct {
	ID        int64     `json:"id"`
	At        time.Time `json:"at"`
	Actor     string    `json:"actor"`    // token name, or "system"
	TokenID   int64     `json:"token_id"` // 0 for the system
	Action    string    `json:"action"`
	List      string    `json:"list,omitempty"`
	Target    string    `json:"target,omitempty"` // change id, version, token id
	Detail    string    `json:"detail,omitempty"` // JSON
	RequestID string    `json:"request_id,omitempty"`
	Remote    string    `json:"remote,omitempty"`
}

// AuditFilter selects audit events, newest first.
type AuditFilter struct {
	Actor  string
	Action string
	List   string
	Since  time.Time // inclusive
	Until  time.Time // exclusive
	Before int64     // id; 0 for the newest
	Limit  int
}

// Response is a stored answer to an idempotent request.
type Response struct {
	Method      string
	Path        string
	BodySHA256  string
	Status      int
	ContentType string
	Body        []byte
}

// Store is what the publisher keeps.
type Store interface {
	Close() error
	// Check verifies the database's integrity and the consistency of what
	// it holds.
	Check(ctx context.Context) error

	CreateToken(ctx context.Context, t Token, hash []byte, ev Event) (Token, error)
	TokenByHash(ctx context.Context, hash []byte) (Token, error)
	Tokens(ctx context.Context) ([]Token, error)
	RevokeToken(ctx context.Context, id int64, ev Event) error

	Lists(ctx context.Context) ([]List, error)
	CreateList(ctx context.Context, l List, ev Event) error
	// UpdateList changes a list's description and settings.
	UpdateList(ctx context.Context, l List, ev Event) error

	// CreateChange stores a change and its first items. With an
	// idempotency key already used by the same token it returns the
	// existing change and ErrExists.
	CreateChange(ctx context.Context, c Change, items []Item, ev Event) (Change, error)
	// AppendItems adds items to a draft.
	AppendItems(ctx context.Context, id int64, items []Item, ev Event) (Change, error)
	// SetState moves a change from one state to another: draft to pending
	// (submit), pending to approved or rejected (review; Reviewed* and
	// ReviewComment come from c). Approval assigns the next ApprovalSeq.
	SetState(ctx context.Context, c Change, from ChangeState, ev Event) (Change, error)
	Change(ctx context.Context, id int64) (Change, error)
	Changes(ctx context.Context, f ChangeFilter) ([]Change, error)
	// Items calls fn with each batch of a change's items, in upload order.
	Items(ctx context.Context, id int64, fn func(Batch) error) error
	// Approved calls fn with each approved change of list and its
	// batches of items, in approval order, up to and including seq (0:
	// all).
	Approved(ctx context.Context, list string, upTo int64, fn func(Change, []Batch) error) error
	// LastSeq returns the highest approval sequence of list's changes.
	LastSeq(ctx context.Context, list string) (int64, error)

	// Publish stores a version, its snapshot and deltas.
	Publish(ctx context.Context, v Version, snap []byte, deltas []publish.Delta, ev Event) error
	// AddDeltas stores more deltas to a published version.
	AddDeltas(ctx context.Context, list string, to uint64, deltas []publish.Delta) error
	// Versions returns list's versions, newest first (limit 0: all).
	Versions(ctx context.Context, list string, limit int) ([]Version, error)
	Snapshot(ctx context.Context, list string, version uint64) ([]byte, error)
	// Deltas returns the deltas to version.
	Deltas(ctx context.Context, list string, to uint64) ([]publish.Delta, error)

	AppendAudit(ctx context.Context, ev Event) error
	Audit(ctx context.Context, f AuditFilter) ([]Event, error)

	Remembered(ctx context.Context, tokenID int64, key string) (Response, bool, error)
	Remember(ctx context.Context, tokenID int64, key string, r Response) error
}
