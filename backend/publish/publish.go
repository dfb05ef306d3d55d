// Package publish turns a list's entries into its next published version:
// a signed snapshot, signed deltas from recent versions, and the small JSON
// documents (index, list catalog, keys) that describe them. It stores
// nothing and imports no storage, so the same code and the same object
// layout serve `redflag serve` and the edge build (GOOS=js GOARCH=wasm).
//
// The published objects and their keys are specified in backend/API.md.
package publish

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync"
	"time"

	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/keys"
	"github.com/redflag/redflag/lists/snapshot"
)

// ErrNotFound is returned by readers of published objects for a list,
// version or object that does not exist.
var ErrNotFound = errors.New("not found")

// Object keys. A snapshot or delta object never changes once written: its
// key names its versions. Index and catalog objects are replaced on every
// publication, after the objects they point to exist.
const (
	ListsKey = "lists.json"
	KeysKey  = "keys.json"
)

// IndexKey is the key of a list's index document.
func IndexKey(name string) string { return "lists/" + name + "/index.json" }

// SnapshotKey is the key of a list's snapshot at version.
func SnapshotKey(name string, version uint64) string {
	return fmt.Sprintf("lists/%s/snapshots/%d.snap", name, version)
}

// DeltaKey is the key of the delta of list name from version from to to.
func DeltaKey(name string, from, to uint64) string {
	return fmt.Sprintf("lists/%s/deltas/%d-%d.delta", name, from, to)
}

// Blob describes one published binary object.
type Blob struct {
	Object string `json:"object"` // object key
	Size   int    `json:"size"`   // bytes
	SHA256 string `json:"sha256"` // hex
	ETag   string `json:"etag"`   // strong HTTP entity tag, quotes included
}

// DeltaRef is a delta available to the current version.
type DeltaRef struct {
	From uint64 `json:"from"`
	Blob
}

// Index is a list's index document: what its current version is and which
// objects serve it.
type Index struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"` // what the list is, set by its publisher
	// BrowserNames: the snapshot carries its names in clear for browsers'
	// own blocking rules (lists/FORMAT.md, section 2).
	BrowserNames bool       `json:"browser_names"`
	Version      uint64     `json:"version"`
	Created      time.Time  `json:"created"`
	Entries      int        `json:"entries"`
	KeyID        string     `json:"key_id"`
	Snapshot     Blob       `json:"snapshot"`
	Deltas       []DeltaRef `json:"deltas"` // ascending by From
}

// Delta returns the delta from version from, if one is published.
func (ix *Index) Delta(from uint64) (DeltaRef, bool) {
	i := sort.Search(len(ix.Deltas), func(i int) bool { return ix.Deltas[i].From >= from })
	if i < len(ix.Deltas) && ix.Deltas[i].From == from {
		return ix.Deltas[i], true
	}
	return DeltaRef{}, false
}

// Lists is the document behind GET /v1/lists.
type Lists struct {
	Lists []Index `json:"lists"` // by name
}

// Key is one trusted public key.
type Key struct {
	ID        string `json:"id"`         // keys.IDOf, hex
	PublicKey string `json:"public_key"` // "ed25519:BASE64"
	PEM       string `json:"pem"`        // PKIX PEM
}

// Keys is the document behind GET /v1/keys.
type Keys struct {
	Keys []Key `json:"keys"`
}

// KeysOf describes public keys.
func KeysOf(pubs ...ed25519.PublicKey) Keys {
	out := Keys{Keys: []Key{}}
	for _, p := range pubs {
		out.Keys = append(out.Keys, Key{ID: keys.IDOf(p).String(), PublicKey: keys.FormatText(p), PEM: string(keys.MarshalPublic(p))})
	}
	sort.Slice(out.Keys, func(i, j int) bool { return out.Keys[i].ID < out.Keys[j].ID })
	return out
}

// BlobOf describes b published under key.
func BlobOf(key string, b []byte) Blob {
	sum := sha256.Sum256(b)
	h := hex.EncodeToString(sum[:])
	return Blob{Object: key, Size: len(b), SHA256: h, ETag: `"` + h[:32] + `"`}
}

// NextVersion returns the version to publish after last at time now:
// publication time in Unix milliseconds, strictly above last even when the
// clock stepped back.
func NextVersion(last uint64, now time.Time) uint64 {
	return max(uint64(now.UnixMilli()), last+1)
}

// Delta is a signed delta ready to store.
type Delta struct {
	From  uint64
	Bytes []byte
	Ref   DeltaRef
}

// Version is a newly built version: the signed snapshot, its deltas and its
// index document.
type Version struct {
	Snapshot *snapshot.Snapshot
	Deltas   []Delta
	Index    Index
}

// Build signs a snapshot of entries with opt's name and version, and a
// delta from each previous snapshot (raw bytes, any order) that is worth
// it: at most half the snapshot's size, or smaller than the snapshot and
// under 64 KiB (small lists). Deltas are for incremental updates; a client
// for whom none is published fetches the snapshot.
func Build(opt snapshot.Options, entries []entry.Entry, priv ed25519.PrivateKey, previous [][]byte) (*Version, error) {
	s, err := snapshot.Build(opt, entries, priv)
	if err != nil {
		return nil, err
	}
	deltas, err := Deltas(s, priv, previous)
	if err != nil {
		return nil, err
	}
	v := &Version{Snapshot: s, Deltas: deltas}
	v.Index = Index{
		Name: s.Name, Version: s.Version, Created: s.Created, Entries: s.Entries,
		KeyID: s.KeyID.String(), Snapshot: BlobOf(SnapshotKey(s.Name, s.Version), s.Bytes()), BrowserNames: s.HasBrowserNames(),
		Deltas: []DeltaRef{},
	}
	for _, d := range deltas {
		v.Index.Deltas = append(v.Index.Deltas, d.Ref)
	}
	return v, nil
}

// Deltas diffs each previous snapshot against to, in parallel (on a
// million-entry list each diff takes tens of milliseconds), and keeps
// those worth publishing (see Build).
func Deltas(to *snapshot.Snapshot, priv ed25519.PrivateKey, previous [][]byte) ([]Delta, error) {
	out := make([]*Delta, len(previous))
	errs := make([]error, len(previous))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, raw := range previous {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			from, err := snapshot.Parse(raw)
			if err != nil {
				errs[i] = fmt.Errorf("publish: previous snapshot %d: %w", i, err)
				return
			}
			if from.Name != to.Name || from.Version >= to.Version {
				errs[i] = fmt.Errorf("publish: previous snapshot %s@%d does not precede %s@%d", from.Name, from.Version, to.Name, to.Version)
				return
			}
			limit := max(len(to.Bytes())/2, min(len(to.Bytes())-1, smallDelta))
			if 8*abs(len(to.Keys)-len(from.Keys)) > limit {
				return // at least 8 bytes per added or removed key: too big
			}
			b, err := snapshot.Diff(from, to, priv)
			if err != nil {
				errs[i] = err
				return
			}
			if len(b) > limit {
				return
			}
			out[i] = &Delta{From: from.Version, Bytes: b, Ref: DeltaRef{From: from.Version, Blob: BlobOf(DeltaKey(to.Name, from.Version, to.Version), b)}}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	var ds []Delta
	for _, d := range out {
		if d != nil {
			ds = append(ds, *d)
		}
	}
	sort.Slice(ds, func(i, j int) bool { return ds[i].From < ds[j].From })
	return ds, nil
}

// smallDelta is the size under which any delta smaller than its snapshot
// is kept.
const smallDelta = 64 << 10

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
