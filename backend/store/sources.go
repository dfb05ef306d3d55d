package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/redflag/redflag/lists/entry"
)

// Review rules of a source.
const (
	ReviewEach = "review" // every pull's change waits for a person
	ReviewAuto = "auto"   // a pull's change is approved at once unless it is held
)

// Source is an outside feed a list follows: where it is, how to read it,
// the provenance its entries get where the feed says nothing, when to
// pull it, and what happened at the last pull.
type Source struct {
	ID        int64      `json:"id"`
	List      string     `json:"list"`
	Name      string     `json:"name"`
	URL       string     `json:"url"`
	Format    string     `json:"format"` // plain, hosts, adblock, csv, stix, taxii
	Kind      entry.Kind `json:"kind"`
	Authority string     `json:"authority"`
	Reference string     `json:"reference"`
	Every     Interval   `json:"every"`
	Review    string     `json:"review"` // ReviewEach or ReviewAuto
	// A pull that adds more than MaxAdds entries or removes more than
	// MaxRemovePercent of the source's entries is held for a person,
	// whatever the review rule.
	MaxAdds          int  `json:"max_adds"`
	MaxRemovePercent int  `json:"max_remove_percent"`
	Enabled          bool `json:"enabled"`
	// SecretHeader names a header sent with every request (an API key);
	// its value is stored sealed in Secret and never shown.
	SecretHeader string    `json:"secret_header,omitempty"`
	HasSecret    bool      `json:"has_secret"`
	Secret       []byte    `json:"-"`
	CreatedBy    string    `json:"created_by"`
	Created      time.Time `json:"created"`
	Updated      time.Time `json:"updated"`

	// Status, written by each pull.
	LastPull   *time.Time `json:"last_pull,omitempty"`
	LastOK     *time.Time `json:"last_ok,omitempty"`
	LastResult string     `json:"last_result,omitempty"`
	LastError  string     `json:"last_error,omitempty"`
	Failures   int        `json:"failures"` // consecutive failed pulls
	NextPull   time.Time  `json:"next_pull"`
	Entries    int        `json:"entries"` // entries the source has proposed and still carries

	// Validators of the last successful fetch, for conditional requests.
	ETag          string `json:"-"`
	LastModified  string `json:"-"`
	Cursor        string `json:"-"` // TAXII: added_after for the next pull
	ContentSHA256 string `json:"-"`
}

// Actor is the name a source's changes and audit records carry.
func (s Source) Actor() string { return "source:" + s.Name }

// Results of a pull.
const (
	PullProposed  = "proposed"  // a change was proposed
	PullUnchanged = "unchanged" // not modified, same content, or nothing to add or remove
	PullFailed    = "error"     // nothing changed; Error says why
)

// Pull is one pull of a source and what it did.
type Pull struct {
	ID       int64     `json:"id"`
	Source   int64     `json:"source"`
	At       time.Time `json:"at"`
	TookMS   int64     `json:"took_ms"`
	By       string    `json:"by"` // "schedule" or the token holder who asked
	Result   string    `json:"result"`
	Status   int       `json:"http_status,omitempty"`
	Bytes    int64     `json:"bytes"`
	Entries  int       `json:"entries"`  // entries read from the feed
	Rejected int       `json:"rejected"` // lines or objects the feed had that are not entries
	Added    int       `json:"added"`
	Removed  int       `json:"removed"`
	Held     string    `json:"held,omitempty"`   // why the change waits for a person
	Change   int64     `json:"change,omitempty"` // the change it proposed
	Error    string    `json:"error,omitempty"`
}

// SourceState is what a source remembers between pulls.
type SourceState struct {
	// Baseline holds the entries the source has proposed and still
	// carries, additions only, sorted by pattern: the next pull is
	// compared with it.
	Baseline Batch
	// Objects is a TAXII collection's current objects (in the form
	// package feeds writes), which each pull brings up to date.
	Objects []byte
}

// PullRecord is everything one pull writes, in one transaction.
type PullRecord struct {
	Pull   Pull
	Source Source       // its status and validators are saved
	State  *SourceState // nil keeps the stored state
	// Change, if set, is proposed with Items; events whose action is
	// change_propose get its id as their target.
	Change *Change
	Items  []Item
	Events []Event
}

// SourceStore keeps sources, their state between pulls and their pulls.
// Package sqlite implements it beside Store.
type SourceStore interface {
	// CreateSource stores a new source; ErrExists if its list has one of
	// that name.
	CreateSource(ctx context.Context, s Source, ev Event) (Source, error)
	// UpdateSource saves a source's settings and validators (not its
	// status); an empty Cursor also forgets a TAXII collection's objects.
	UpdateSource(ctx context.Context, s Source, ev Event) (Source, error)
	Source(ctx context.Context, list, name string) (Source, error)
	// Sources returns list's sources by name ("" for every list's).
	Sources(ctx context.Context, list string) ([]Source, error)
	SourceState(ctx context.Context, id int64) (SourceState, error)
	// RecordPull stores a pull, the source's status, its new state and
	// the change it proposes, with their audit events, all or nothing.
	RecordPull(ctx context.Context, r PullRecord) (Pull, error)
	// Pulls returns a source's pulls, newest first.
	Pulls(ctx context.Context, source int64, limit int) ([]Pull, error)
	// SourceChanges returns the ids of every change a source proposed.
	SourceChanges(ctx context.Context, source int64) ([]int64, error)
}

// Interval is a pull schedule: a Go duration ("90m", "1h30m") or a number
// of days ("1d").
type Interval time.Duration

// ParseInterval reads an interval.
func ParseInterval(s string) (Interval, error) {
	s = strings.TrimSpace(s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		var n int
		if _, err := fmt.Sscanf(days, "%d", &n); err == nil && fmt.Sprint(n) == days && n > 0 && n <= 366 {
			return Interval(time.Duration(n) * 24 * time.Hour), nil
		}
		return 0, fmt.Errorf("interval %q: want a duration such as 30m, 6h or 1d", s)
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("interval %q: want a duration such as 30m, 6h or 1d", s)
	}
	return Interval(d), nil
}

// String writes whole days as "1d", other intervals as Go durations
// without zero units ("1h30m", "45m").
func (i Interval) String() string {
	d := time.Duration(i)
	if d > 0 && d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%dd", d/(24*time.Hour))
	}
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// MarshalText writes the interval as String does.
func (i Interval) MarshalText() ([]byte, error) { return []byte(i.String()), nil }

// UnmarshalText reads what ParseInterval reads.
func (i *Interval) UnmarshalText(b []byte) error {
	v, err := ParseInterval(string(b))
	*i = v
	return err
}
