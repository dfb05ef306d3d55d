// Package checker is the state the WebAssembly module keeps between calls:
// the list it answers from and the keys it trusts. It starts from the
// default list embedded at build time and only ever moves forward: a new
// snapshot or a delta replaces the list only once it is fully verified and
// newer, so a failed update leaves the current list answering.
package checker

import (
	"crypto/ed25519"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/redflag/redflag/lists/data"
	"github.com/redflag/redflag/lists/keys"
	"github.com/redflag/redflag/lists/snapshot"
)

// Checker holds the lists a browser follows: the embedded default list,
// always first, then the lists it subscribes to (a company's own), each
// with the keys trusted for it alone. It is not safe for concurrent use;
// the module is single-threaded.
type Checker struct {
	lists []*List // by list id; nil where a list was unsubscribed
	snaps []*snapshot.Snapshot
}

// List is one list and the keys trusted for it: a snapshot or delta for
// this list verifies only under these keys, whatever other lists trust.
type List struct {
	name  string
	trust *keys.Set
	snap  *snapshot.Snapshot // nil until the first snapshot is loaded
	owner *Checker
}

// New starts on the embedded default list and the keys compiled into this
// build (data.TrustedKeys), as list 0.
//
// The embedded list is parsed, not verified: its bytes are part of the
// module, exactly as trusted as the code and the keys next to them, and its
// signature was checked when the module was built and tested
// (TestEmbeddedListVerifies). Verifying it again on every service-worker
// start would cost an Ed25519 verification in WebAssembly before the first
// answer. Everything that arrives later (Load, ApplyDelta) is verified.
func New() (*Checker, error) {
	trust, err := data.TrustedKeys()
	if err != nil {
		return nil, err
	}
	b, err := data.SnapshotBytes()
	if err != nil {
		return nil, err
	}
	s, err := snapshot.Parse(b)
	if err != nil {
		return nil, err
	}
	if _, ok := trust.Lookup(s.KeyID); !ok {
		return nil, fmt.Errorf("checker: embedded list signed by key %s, which this build does not trust: %w", s.KeyID, snapshot.ErrUnknownKey)
	}
	return start(s, trust), nil
}

// Open starts a checker on the snapshot b, verified against trust, as
// list 0.
func Open(b []byte, trust *keys.Set) (*Checker, error) {
	s, err := snapshot.Open(b, trust)
	if err != nil {
		return nil, err
	}
	return start(s, trust), nil
}

func start(s *snapshot.Snapshot, trust *keys.Set) *Checker {
	c := &Checker{}
	c.lists = []*List{{name: s.Name, trust: trust, snap: s, owner: c}}
	c.changed()
	return c
}

// MaxLists bounds how many lists one checker follows (a list id must fit
// the 24 bits a result record gives it, wasm/PROTOCOL.md).
const MaxLists = 64

// ErrNoList is returned for a list id the checker does not hold.
var ErrNoList = errors.New("checker: no such list")

// Default is list 0, the embedded default list (or Open's).
func (c *Checker) Default() *List { return c.lists[0] }

// List returns the list with id i, or nil.
func (c *Checker) List(i int) *List {
	if i < 0 || i >= len(c.lists) {
		return nil
	}
	return c.lists[i]
}

// Subscribe adds an empty list named name, trusting only the keys given
// ("ed25519:BASE64", at least one), and returns its id: the lowest free
// one after 0. Its first snapshot comes with Load.
func (c *Checker) Subscribe(name string, keyTexts []string) (int, error) {
	if name == "" || strings.ContainsAny(name, "\n/") {
		return 0, fmt.Errorf("checker: %q is not a list name", name)
	}
	pubs, err := parseKeys(keyTexts)
	if err != nil {
		return 0, err
	}
	trust := keys.NewSet(pubs...)
	if trust.Len() == 0 {
		return 0, fmt.Errorf("checker: list %q: no key to trust for it", name)
	}
	l := &List{name: name, trust: trust, owner: c}
	for i := 1; i < len(c.lists); i++ {
		if c.lists[i] == nil {
			c.lists[i] = l
			c.changed()
			return i, nil
		}
	}
	if len(c.lists) >= MaxLists {
		return 0, fmt.Errorf("checker: at most %d lists", MaxLists)
	}
	c.lists = append(c.lists, l)
	c.changed()
	return len(c.lists) - 1, nil
}

// Unsubscribe forgets list i and its keys. The default list stays.
func (c *Checker) Unsubscribe(i int) error {
	if i == 0 {
		return fmt.Errorf("checker: the default list cannot be unsubscribed")
	}
	if c.List(i) == nil {
		return fmt.Errorf("%w: %d", ErrNoList, i)
	}
	c.lists[i] = nil
	for len(c.lists) > 1 && c.lists[len(c.lists)-1] == nil {
		c.lists = c.lists[:len(c.lists)-1]
	}
	c.changed()
	return nil
}

// Snapshots returns every list's snapshot by id, nil where there is none,
// for check.Across: a result's list index is the list's id.
func (c *Checker) Snapshots() []*snapshot.Snapshot { return c.snaps }

// changed rebuilds what Snapshots returns after any list changed.
func (c *Checker) changed() {
	c.snaps = c.snaps[:0]
	for _, l := range c.lists {
		var s *snapshot.Snapshot
		if l != nil {
			s = l.snap
		}
		c.snaps = append(c.snaps, s)
	}
}

// Name is the list's name: its snapshots must carry it.
func (l *List) Name() string { return l.name }

// Snapshot returns the current snapshot, nil before the first.
func (l *List) Snapshot() *snapshot.Snapshot { return l.snap }

// Version is the current snapshot's version, 0 before the first.
func (l *List) Version() uint64 {
	if l.snap == nil {
		return 0
	}
	return l.snap.Version
}

func (l *List) replace(s *snapshot.Snapshot) {
	l.snap = s
	l.owner.changed()
}

// Load replaces the list with the snapshot b if it verifies against the
// list's trusted keys, names the same list and is newer than the current
// one. b is copied: the caller may reuse it.
func (l *List) Load(b []byte) error {
	s, err := snapshot.OpenNewer(clone(b), l.trust, l.name, l.Version())
	if err != nil {
		return err
	}
	l.replace(s)
	return nil
}

// LoadSignatureVerified is Load for a host that has verified b's Ed25519
// signature itself, with the key KeyFor gave it for b's key id: in a
// browser, WebCrypto's native Ed25519 checks a 1M-entry snapshot 1.5–6×
// faster than this module can, by engine (wasm/PROTOCOL.md, "Loading a
// large list"). Everything else is checked here as in Load: the signing
// key is trusted for this list, the list is the same and newer, the bytes
// parse.
func (l *List) LoadSignatureVerified(b []byte) error {
	s, err := snapshot.Parse(clone(b))
	if err != nil {
		return err
	}
	if _, ok := l.trust.Lookup(s.KeyID); !ok {
		return fmt.Errorf("snapshot: key %s: %w", s.KeyID, snapshot.ErrUnknownKey)
	}
	if err := s.Follows(l.name, l.Version()); err != nil {
		return err
	}
	l.replace(s)
	return nil
}

// KeyFor returns the public key trusted for this list whose id is the 8
// bytes id, for a host verifying a signature itself, or nil if none.
func (l *List) KeyFor(id []byte) ed25519.PublicKey {
	var kid keys.ID
	if len(id) != len(kid) {
		return nil
	}
	copy(kid[:], id)
	pub, ok := l.trust.Lookup(kid)
	if !ok {
		return nil
	}
	return pub
}

// ApplyDelta moves the list forward by the delta b. The rebuilt snapshot
// must verify under its signer's signature, a key trusted for this list;
// on any error the current list is unchanged.
func (l *List) ApplyDelta(b []byte) error {
	if l.snap == nil {
		return fmt.Errorf("list %q has no snapshot yet to apply a delta to: %w", l.name, snapshot.ErrWrongBase)
	}
	s, err := snapshot.ApplyDelta(l.snap, clone(b), l.trust)
	if err != nil {
		return err
	}
	if s.Version <= l.snap.Version { // a signed delta never goes back; refuse it anyway
		return fmt.Errorf("delta to version %d, have %d: %w", s.Version, l.snap.Version, snapshot.ErrNotNewer)
	}
	l.replace(s)
	return nil
}

// AddTrustedKeys trusts more public keys for this list, each in the text
// form "ed25519:BASE64" (what managed policy supplies). It adds all or
// none, and returns the ids of the keys given.
func (l *List) AddTrustedKeys(texts []string) ([]keys.ID, error) {
	pubs, err := parseKeys(texts)
	if err != nil {
		return nil, err
	}
	var ids []keys.ID
	for _, p := range pubs {
		ids = append(ids, l.trust.Add(p))
	}
	return ids, nil
}

// parseKeys parses every non-blank text, or fails on the first bad one.
func parseKeys(texts []string) ([]ed25519.PublicKey, error) {
	var pubs []ed25519.PublicKey
	for _, t := range texts {
		if strings.TrimSpace(t) == "" {
			continue
		}
		p, err := keys.ParseText(t)
		if err != nil {
			return nil, err
		}
		pubs = append(pubs, p)
	}
	return pubs, nil
}

// Info describes a list and the keys trusted for it.
type Info struct {
	Name string `json:"name"`
	// Loaded says whether the list has a snapshot yet (a subscription
	// before its first download has none: every other count is 0).
	Loaded      bool   `json:"loaded"`
	Version     uint64 `json:"version"`
	Created     string `json:"created"` // RFC 3339, when the list was built
	Entries     int    `json:"entries"`
	Keys        int    `json:"keys"`
	Markers     int    `json:"markers"`
	Provenances int    `json:"provenances"`
	BloomBits   uint64 `json:"bloomBits"`
	BloomHashes int    `json:"bloomHashes"`
	KeyID       string `json:"keyId"`
	Bytes       int    `json:"bytes"`
	// NamesPublished says whether the list carries its names in clear for
	// the browser's own rules (lists/FORMAT.md, section 2), BrowserNames how
	// many.
	NamesPublished bool `json:"namesPublished"`
	BrowserNames   int  `json:"browserNames"`
	// LookAlikeTargets counts the listed names with look-alikes.
	LookAlikeTargets int      `json:"lookAlikeTargets"`
	TrustedKeys      []string `json:"trustedKeys"` // ids of every key trusted now
}

// Info returns what the list holds.
func (l *List) Info() Info {
	in := Info{Name: l.name, TrustedKeys: []string{}}
	for _, id := range l.trust.IDs() {
		in.TrustedKeys = append(in.TrustedKeys, id.String())
	}
	if l.snap == nil {
		return in
	}
	st := l.snap.Stats()
	in.Loaded = true
	in.Version, in.Created = st.Version, st.Created.UTC().Format(time.RFC3339)
	in.Entries, in.Keys, in.Markers, in.Provenances = st.Entries, st.Keys, st.Markers, st.Provenances
	in.BloomBits, in.BloomHashes, in.KeyID, in.Bytes = st.BloomBits, st.BloomHashes, st.KeyID, st.Bytes
	in.NamesPublished, in.BrowserNames, in.LookAlikeTargets = l.snap.HasBrowserNames(), st.BrowserNames, st.LookAlikeTargets
	return in
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }
