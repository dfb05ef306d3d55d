// Package mirror copies a publisher's published objects to the edge: it
// reads a consistent set through the origin's public API (the same bytes
// browsers get) and writes it to the edge Worker in an order that never
// exposes an index pointing at an object not yet written: snapshots and
// deltas, then keys.json, then each list's index, then lists.json. Every
// write is idempotent (the same key, the same bytes), so a failed push is
// simply run again. The signing key never leaves the origin.
package mirror

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redflag/redflag/backend/edge/app"
	"github.com/redflag/redflag/backend/publish"
)

// Object is one published object.
type Object struct {
	Key   string
	Bytes []byte
}

// Set is a consistent set of published objects, in write order.
type Set struct {
	Objects []Object
	Indexes []publish.Index // the lists' current indexes, by name
}

// Client is the HTTP client used (http.DefaultClient if nil).
var Client = http.DefaultClient

// Fetch reads every published object from the origin's public API. A
// publication in the middle of the read is detected (an index or object
// that does not match the catalog read first) and the read starts again.
func Fetch(ctx context.Context, origin string) (*Set, error) {
	var err error
	for attempt := 0; attempt < 5; attempt++ {
		var s *Set
		if s, err = fetchOnce(ctx, origin); err == nil {
			return s, nil
		}
		if !errors.Is(err, errMoved) {
			return nil, err
		}
		time.Sleep(time.Duration(attempt+1) * 200 * time.Millisecond)
	}
	return nil, err
}

var errMoved = errors.New("a publication happened during the read")

func fetchOnce(ctx context.Context, origin string) (*Set, error) {
	origin = strings.TrimSuffix(origin, "/")
	catalog, err := get(ctx, origin+"/v1/lists", "")
	if err != nil {
		return nil, err
	}
	var lists publish.Lists
	if err := json.Unmarshal(catalog, &lists); err != nil {
		return nil, fmt.Errorf("mirror: %s/v1/lists: %w", origin, err)
	}
	keys, err := get(ctx, origin+"/v1/keys", "")
	if err != nil {
		return nil, err
	}
	s := &Set{}
	var indexes []Object
	for _, want := range lists.Lists {
		base := origin + "/v1/lists/" + url.PathEscape(want.Name)
		raw, err := get(ctx, base, "")
		if err != nil {
			return nil, err
		}
		var ix publish.Index
		if err := json.Unmarshal(raw, &ix); err != nil {
			return nil, fmt.Errorf("mirror: index of %s: %w", want.Name, err)
		}
		if ix.Version != want.Version || ix.Name != want.Name {
			return nil, fmt.Errorf("%w: %s is at version %d, the catalog said %d", errMoved, want.Name, ix.Version, want.Version)
		}
		snap, err := get(ctx, base+"/snapshot", ix.Snapshot.SHA256)
		if err != nil {
			return nil, err
		}
		s.Objects = append(s.Objects, Object{ix.Snapshot.Object, snap})
		for _, d := range ix.Deltas {
			b, err := get(ctx, base+"/delta?from="+strconv.FormatUint(d.From, 10), d.SHA256)
			if err != nil {
				return nil, err
			}
			s.Objects = append(s.Objects, Object{d.Object, b})
		}
		indexes = append(indexes, Object{publish.IndexKey(ix.Name), raw})
		s.Indexes = append(s.Indexes, ix)
	}
	s.Objects = append(s.Objects, Object{publish.KeysKey, keys})
	s.Objects = append(s.Objects, indexes...)
	s.Objects = append(s.Objects, Object{publish.ListsKey, catalog})
	sort.Slice(s.Indexes, func(i, j int) bool { return s.Indexes[i].Name < s.Indexes[j].Name })
	return s, nil
}

// get reads a public URL; with wantSHA it must hash to that (else the
// list moved on since its index was read).
func get(ctx context.Context, u, wantSHA string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("mirror: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("mirror: GET %s: %w", u, err)
	}
	if wantSHA != "" && (resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone) {
		return nil, fmt.Errorf("%w: GET %s: %d", errMoved, u, resp.StatusCode)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("mirror: GET %s: %s: %s", u, resp.Status, bytes.TrimSpace(b))
	}
	if wantSHA != "" {
		if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != wantSHA {
			return nil, fmt.Errorf("%w: GET %s: not the object its index names", errMoved, u)
		}
	}
	return b, nil
}

// Edge is an edge Worker that accepts writes.
type Edge struct {
	URL   string // e.g. https://redflag-edge.example.workers.dev
	Token string // the Worker's EDGE_TOKEN secret
}

// Push writes the set to the edge in its order, stopping at the first
// failure (what was written is harmless: the objects nothing points at yet,
// or a consistent prefix of the indexes).
func (e Edge) Push(ctx context.Context, s *Set, progress func(key string, size int)) error {
	for _, o := range s.Objects {
		if err := e.Put(ctx, o.Key, o.Bytes); err != nil {
			return err
		}
		if progress != nil {
			progress(o.Key, len(o.Bytes))
		}
	}
	return nil
}

// Put writes one object, retrying transient failures.
func (e Edge) Put(ctx context.Context, key string, b []byte) error {
	sum := sha256.Sum256(b)
	var err error
	for attempt := 0; attempt < 4; attempt++ {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(1<<attempt) * 250 * time.Millisecond):
			}
		}
		var retry bool
		if retry, err = e.put(ctx, key, b, hex.EncodeToString(sum[:])); err == nil || !retry {
			return err
		}
	}
	return err
}

func (e Edge) put(ctx context.Context, key string, b []byte, sum string) (retry bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, strings.TrimSuffix(e.URL, "/")+app.ObjectsPrefix+key, bytes.NewReader(b))
	if err != nil {
		return false, err
	}
	req.Header.Set("Authorization", "Bearer "+e.Token)
	req.Header.Set(app.SHA256Header, sum)
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := Client.Do(req)
	if err != nil {
		return true, fmt.Errorf("mirror: PUT %s: %w", key, err)
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode == http.StatusOK {
		return false, nil
	}
	return resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests,
		fmt.Errorf("mirror: PUT %s: %s: %s", key, resp.Status, bytes.TrimSpace(msg))
}

// Check reads the edge's public API and reports any list whose version
// differs from the set's.
func (e Edge) Check(ctx context.Context, s *Set) error {
	for _, want := range s.Indexes {
		raw, err := get(ctx, strings.TrimSuffix(e.URL, "/")+"/v1/lists/"+url.PathEscape(want.Name), "")
		if err != nil {
			return err
		}
		var got publish.Index
		if err := json.Unmarshal(raw, &got); err != nil {
			return fmt.Errorf("mirror: edge index of %s: %w", want.Name, err)
		}
		if got.Version != want.Version {
			return fmt.Errorf("mirror: the edge serves %s version %d, want %d", want.Name, got.Version, want.Version)
		}
	}
	return nil
}
