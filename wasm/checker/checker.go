// Package checker is the state the WebAssembly module keeps between calls:
// the list it answers from and the keys it trusts. It starts from the
// default list embedded at build time and only ever moves forward: a new
// snapshot or a delta replaces the list only once it is fully verified and
// newer, so a failed update leaves the current list answering.
package checker

import (
	"crypto/ed25519"
	"fmt"
	"strings"
	"time"

	"github.com/redflag/redflag/lists/data"
	"github.com/redflag/redflag/lists/keys"
	"github.com/redflag/redflag/lists/snapshot"
)

// Checker holds the current list and the trusted keys. It is not safe for
// concurrent use; the module is single-threaded.
type Checker struct {
	trust *keys.Set
	list  *snapshot.Snapshot
}

// New starts on the embedded default list and the keys compiled into this
// build (data.TrustedKeys).
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
	return &Checker{trust: trust, list: s}, nil
}

// Open starts a checker on the snapshot b, verified against trust.
func Open(b []byte, trust *keys.Set) (*Checker, error) {
	s, err := snapshot.Open(b, trust)
	if err != nil {
		return nil, err
	}
	return &Checker{trust: trust, list: s}, nil
}

// List returns the current snapshot.
func (c *Checker) List() *snapshot.Snapshot { return c.list }

// Load replaces the list with the snapshot b if it verifies against the
// trusted keys, names the same list and is newer than the current one. b is
// copied: the caller may reuse it.
func (c *Checker) Load(b []byte) error {
	s, err := snapshot.OpenNewer(clone(b), c.trust, c.list.Name, c.list.Version)
	if err != nil {
		return err
	}
	c.list = s
	return nil
}

// LoadSignatureVerified is Load for a host that has verified b's Ed25519
// signature itself, with the key KeyFor gave it for b's key id: in a
// browser, WebCrypto's native Ed25519 checks a 1M-entry snapshot 1.5–6×
// faster than this module can, by engine (wasm/PROTOCOL.md, "Loading a
// large list"). Everything else is checked here as in Load: the signing
// key is trusted, the list is the same and newer, the bytes parse.
func (c *Checker) LoadSignatureVerified(b []byte) error {
	s, err := snapshot.Parse(clone(b))
	if err != nil {
		return err
	}
	if _, ok := c.trust.Lookup(s.KeyID); !ok {
		return fmt.Errorf("snapshot: key %s: %w", s.KeyID, snapshot.ErrUnknownKey)
	}
	if err := s.Follows(c.list.Name, c.list.Version); err != nil {
		return err
	}
	c.list = s
	return nil
}

// KeyFor returns the trusted public key whose id is the 8 bytes id, for a
// host verifying a signature itself, or nil if no trusted key has that id.
func (c *Checker) KeyFor(id []byte) ed25519.PublicKey {
	var kid keys.ID
	if len(id) != len(kid) {
		return nil
	}
	copy(kid[:], id)
	pub, ok := c.trust.Lookup(kid)
	if !ok {
		return nil
	}
	return pub
}

// ApplyDelta moves the list forward by the delta b. The rebuilt snapshot
// must verify under its signer's signature; on any error the current list
// is unchanged.
func (c *Checker) ApplyDelta(b []byte) error {
	s, err := snapshot.ApplyDelta(c.list, clone(b), c.trust)
	if err != nil {
		return err
	}
	if s.Version <= c.list.Version { // a signed delta never goes back; refuse it anyway
		return fmt.Errorf("delta to version %d, have %d: %w", s.Version, c.list.Version, snapshot.ErrNotNewer)
	}
	c.list = s
	return nil
}

// AddTrustedKeys trusts more public keys, each in the text form
// "ed25519:BASE64" (what managed policy supplies). It adds all or none, and
// returns the ids of the keys given.
func (c *Checker) AddTrustedKeys(texts []string) ([]keys.ID, error) {
	var ids []keys.ID
	var pubs [][]byte
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
	for _, p := range pubs {
		ids = append(ids, c.trust.Add(p))
	}
	return ids, nil
}

// Info describes the current list and the trusted keys.
type Info struct {
	Name        string `json:"name"`
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

// Info returns what the checker holds.
func (c *Checker) Info() Info {
	st := c.list.Stats()
	in := Info{
		Name: st.Name, Version: st.Version, Created: st.Created.UTC().Format(time.RFC3339),
		Entries: st.Entries, Keys: st.Keys, Markers: st.Markers, Provenances: st.Provenances,
		BloomBits: st.BloomBits, BloomHashes: st.BloomHashes, KeyID: st.KeyID, Bytes: st.Bytes,
		NamesPublished: c.list.HasBrowserNames(), BrowserNames: st.BrowserNames, LookAlikeTargets: st.LookAlikeTargets,
		TrustedKeys: []string{},
	}
	for _, id := range c.trust.IDs() {
		in.TrustedKeys = append(in.TrustedKeys, id.String())
	}
	return in
}

func clone(b []byte) []byte { return append([]byte(nil), b...) }
