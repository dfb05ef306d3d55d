package entry

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Kind says what kind of authority listed an entry.
type Kind uint8

const (
	// Seized: a government took the domain by legal process (a court
	// order, a seizure banner).
	Seized Kind = 1
	// Flagged: a security team or authority reports the site or profile
	// as fraudulent without a seizure.
	Flagged Kind = 2
)

func (k Kind) String() string {
	switch k {
	case Seized:
		return "seized"
	case Flagged:
		return "flagged"
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// ParseKind reads "seized" or "flagged", in any case.
func ParseKind(s string) (Kind, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "seized":
		return Seized, nil
	case "flagged":
		return Flagged, nil
	}
	return 0, invalid(s, `kind must be "seized" or "flagged"`)
}

// MarshalText writes the kind's name.
func (k Kind) MarshalText() ([]byte, error) {
	if k != Seized && k != Flagged {
		return nil, fmt.Errorf("entry: unknown kind %d", uint8(k))
	}
	return []byte(k.String()), nil
}

// UnmarshalText reads a kind's name.
func (k *Kind) UnmarshalText(b []byte) error {
	v, err := ParseKind(string(b))
	*k = v
	return err
}

// Provenance says who listed an entry, when, and where to read why.
type Provenance struct {
	Kind      Kind   `json:"kind"`
	Authority string `json:"authority"`      // who said so, e.g. "US Department of Justice"
	Date      string `json:"date"`           // YYYY-MM-DD of the seizure or report
	Reference string `json:"reference"`      // http(s) URL of the public source
	Note      string `json:"note,omitempty"` // optional, one line
}

// Limits on provenance fields; they keep snapshots compact and warning
// pages readable.
const (
	MaxAuthorityLen = 200
	MaxReferenceLen = 2048
	MaxNoteLen      = 1000
)

// Validate checks every field and names the first bad one.
func (p Provenance) Validate() error {
	if p.Kind != Seized && p.Kind != Flagged {
		return invalid(p.Kind.String(), `kind must be "seized" or "flagged"`)
	}
	if err := checkText("authority", p.Authority, 1, MaxAuthorityLen); err != nil {
		return err
	}
	if _, err := time.Parse(time.DateOnly, p.Date); err != nil || len(p.Date) != len(time.DateOnly) {
		return invalid(p.Date, "date must be YYYY-MM-DD")
	}
	if err := checkText("reference", p.Reference, 1, MaxReferenceLen); err != nil {
		return err
	}
	u, err := url.Parse(p.Reference)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return invalid(p.Reference, "reference must be an http(s) URL")
	}
	return checkText("note", p.Note, 0, MaxNoteLen)
}

func checkText(field, s string, minLen, maxLen int) error {
	switch {
	case len(s) < minLen:
		return invalid(s, field+" is required")
	case len(s) > maxLen:
		return invalid(s, fmt.Sprintf("%s is longer than %d bytes", field, maxLen))
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == '\uFFFD' {
			return invalid(s, field+" has a control character or invalid UTF-8")
		}
	}
	return nil
}

// Entry is one listed pattern with its provenance.
type Entry struct {
	Pattern Pattern
	Provenance
	// LookAlikesOff keeps the entry's name out of the look-alike keys
	// ("lookalikes: off", lists/FORMAT.md): for a listed name whose
	// variants are other people's legitimate names. Exact matches are
	// unaffected.
	LookAlikesOff bool
}

// Validate checks the provenance; the pattern is valid by construction when
// it came from ParsePattern.
func (e Entry) Validate() error {
	if e.Pattern.Host == "" {
		return invalid("", "pattern is empty")
	}
	if err := e.Provenance.Validate(); err != nil {
		return fmt.Errorf("%s: %w", e.Pattern, err)
	}
	return nil
}
