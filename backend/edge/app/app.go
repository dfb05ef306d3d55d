// Package app is the edge Worker's HTTP application: the public API of
// backend/public served from a bucket of published objects, and one
// authenticated route through which the origin writes those objects. It
// builds natively (tests) and with GOOS=js GOARCH=wasm (the Worker), and
// imports nothing that touches storage or signing keys.
package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/redflag/redflag/backend/public"
	"github.com/redflag/redflag/backend/publish"
	"github.com/redflag/redflag/lists/snapshot"
)

// Bucket holds published objects under their keys (backend/API.md).
type Bucket interface {
	// Get returns the object, or an error wrapping publish.ErrNotFound.
	Get(ctx context.Context, key string) ([]byte, error)
	// Has reports whether an object exists, without reading it.
	Has(ctx context.Context, key string) (bool, error)
	Put(ctx context.Context, key string, b []byte) error
	// Delete removes an object; a missing one is no error.
	Delete(ctx context.Context, key string) error
}

// ObjectsPrefix is the route under which the origin writes objects.
const ObjectsPrefix = "/v1/edge/objects/"

// SHA256Header carries the hex SHA-256 of a written object's body: the
// Worker refuses a body that does not match (a truncated upload).
const SHA256Header = "X-Redflag-Sha256"

// DefaultMaxObjectBytes bounds one written object: a 1,000,000-entry
// snapshot is about 14 MB, and Workers accept request bodies up to 100 MB.
const DefaultMaxObjectBytes = 64 << 20

// Config configures the application.
type Config struct {
	// Token is the bearer secret the origin writes with; empty refuses
	// every write.
	Token string
	// MaxAge is the Cache-Control max-age of published objects.
	MaxAge time.Duration
	// MaxObjectBytes bounds a written object (DefaultMaxObjectBytes if 0).
	MaxObjectBytes int64
	// CacheTTL and CacheBytes configure the isolate's cache (Cached);
	// both zero: none.
	CacheTTL   time.Duration
	CacheBytes int64
}

// Defaults of the isolate's cache: a push reaches every isolate within
// ten seconds, far inside a browser's poll interval and max-age.
const (
	DefaultCacheTTL   = 10 * time.Second
	DefaultCacheBytes = 32 << 20
)

// New returns the Worker's handler.
func New(b Bucket, cfg Config) *echo.Echo {
	if cfg.MaxObjectBytes <= 0 {
		cfg.MaxObjectBytes = DefaultMaxObjectBytes
	}
	if cfg.CacheTTL > 0 || cfg.CacheBytes > 0 {
		b = Cached(b, cfg.CacheTTL, cfg.CacheBytes, time.Now)
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = public.ErrorHandler
	public.Register(e, public.FromObjects(b.Get), cfg.MaxAge)
	tokenSum := sha256.Sum256([]byte(cfg.Token))
	w := writer{b: b, cfg: cfg, tokenSum: tokenSum}
	e.PUT(ObjectsPrefix+"*", w.put)
	return e
}

// ParseConfig reads the Worker's variables: EDGE_TOKEN (a secret),
// MAX_AGE_SECONDS, MAX_OBJECT_BYTES, CACHE_SECONDS and CACHE_BYTES.
func ParseConfig(getenv func(string) string) (Config, error) {
	cfg := Config{Token: getenv("EDGE_TOKEN"), MaxAge: public.DefaultMaxAge, MaxObjectBytes: DefaultMaxObjectBytes,
		CacheTTL: DefaultCacheTTL, CacheBytes: DefaultCacheBytes}
	for _, v := range []struct {
		name     string
		min      int64
		dst      *int64
		duration *time.Duration
	}{
		{"MAX_AGE_SECONDS", 0, nil, &cfg.MaxAge},
		{"MAX_OBJECT_BYTES", 1, &cfg.MaxObjectBytes, nil},
		{"CACHE_SECONDS", 0, nil, &cfg.CacheTTL},
		{"CACHE_BYTES", 0, &cfg.CacheBytes, nil},
	} {
		s := getenv(v.name)
		if s == "" {
			continue
		}
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < v.min {
			return cfg, fmt.Errorf("%s=%q: want a whole number, at least %d", v.name, s, v.min)
		}
		if v.duration != nil {
			*v.duration = time.Duration(n) * time.Second
		} else {
			*v.dst = n
		}
	}
	return cfg, nil
}

// The object keys the public API reads; nothing else may be written.
var (
	listName = `[a-z0-9_.-]{1,` + strconv.Itoa(snapshot.MaxNameLen) + `}`
	keyRE    = regexp.MustCompile(`^(?:lists\.json|keys\.json|lists/(` + listName + `)/(?:(index\.json)|snapshots/[0-9]{1,20}\.snap|deltas/[0-9]{1,20}-[0-9]{1,20}\.delta))$`)
	nameRE   = regexp.MustCompile(`^` + listName + `$`)
)

type writer struct {
	b        Bucket
	cfg      Config
	tokenSum [32]byte
}

func problem(c echo.Context, status int, code, format string, args ...any) error {
	return c.JSON(status, public.Problem{Error: code, Message: fmt.Sprintf(format, args...)})
}

// authorized compares the bearer token in constant time (hashed first, so
// neither its length nor its content leaks through timing).
func (w writer) authorized(c echo.Context) bool {
	if w.cfg.Token == "" {
		return false
	}
	tok, ok := strings.CutPrefix(c.Request().Header.Get(echo.HeaderAuthorization), "Bearer ")
	if !ok {
		return false
	}
	sum := sha256.Sum256([]byte(tok))
	return subtle.ConstantTimeCompare(sum[:], w.tokenSum[:]) == 1
}

// put writes one published object. Index documents are accepted only
// once every object they point to is in the bucket, and the catalog only
// once every list it names has its index: a reader never sees an index
// pointing at a missing object, whatever order a writer tries.
func (w writer) put(c echo.Context) error {
	if !w.authorized(c) {
		c.Response().Header().Set("WWW-Authenticate", `Bearer realm="redflag-edge"`)
		if w.cfg.Token == "" {
			return problem(c, http.StatusUnauthorized, "unauthorized", "this Worker accepts no writes: it has no EDGE_TOKEN secret (wrangler secret put EDGE_TOKEN)")
		}
		return problem(c, http.StatusUnauthorized, "unauthorized", "a valid edge token is required (Authorization: Bearer TOKEN)")
	}
	key := c.Param("*")
	m := keyRE.FindStringSubmatch(key)
	if m == nil {
		return problem(c, http.StatusNotFound, "not_found", "%q is not a published object key (backend/API.md)", key)
	}
	req := c.Request()
	if req.ContentLength > w.cfg.MaxObjectBytes {
		return problem(c, http.StatusRequestEntityTooLarge, "too_large", "object of %d bytes; at most %d", req.ContentLength, w.cfg.MaxObjectBytes)
	}
	body, err := io.ReadAll(io.LimitReader(req.Body, w.cfg.MaxObjectBytes+1))
	if err != nil {
		return problem(c, http.StatusBadRequest, "bad_request", "reading the body: %v", err)
	}
	if int64(len(body)) > w.cfg.MaxObjectBytes {
		return problem(c, http.StatusRequestEntityTooLarge, "too_large", "object over %d bytes", w.cfg.MaxObjectBytes)
	}
	sum := sha256.Sum256(body)
	if want := req.Header.Get(SHA256Header); !strings.EqualFold(want, hex.EncodeToString(sum[:])) {
		return problem(c, http.StatusBadRequest, "bad_request", "%s %q does not match the body's SHA-256 (%d bytes received)", SHA256Header, want, len(body))
	}
	ctx := req.Context()
	var prevIndex []byte
	switch {
	case m[2] != "": // lists/NAME/index.json
		if err := w.checkIndex(ctx, m[1], body); err != nil {
			return w.refuse(c, err)
		}
		if prevIndex, err = w.b.Get(ctx, key); err != nil && !errors.Is(err, publish.ErrNotFound) {
			return problem(c, http.StatusBadGateway, "storage", "reading %s: %v", key, err)
		}
	case key == publish.ListsKey:
		if err := w.checkLists(ctx, body); err != nil {
			return w.refuse(c, err)
		}
	case key == publish.KeysKey:
		var ks publish.Keys
		if err := strictJSON(body, &ks); err != nil {
			return w.refuse(c, invalid("keys.json: %v", err))
		}
	}
	if err := w.b.Put(ctx, key, body); err != nil {
		return problem(c, http.StatusBadGateway, "storage", "writing %s: %v", key, err)
	}
	if m[2] != "" && !bytes.Equal(prevIndex, body) {
		if err := w.retire(ctx, m[1], prevIndex, body); err != nil {
			// The index is written; old objects wait for the next one.
			c.Response().Header().Set("Warning", `199 - "old objects not deleted"`)
		}
	}
	return c.JSON(http.StatusOK, map[string]any{"key": key, "size": len(body), "sha256": hex.EncodeToString(sum[:])})
}

// refusal is a write refused for its content.
type refusal struct {
	status     int
	code, what string
}

func (r *refusal) Error() string { return r.what }

func invalid(format string, args ...any) error {
	return &refusal{http.StatusUnprocessableEntity, "invalid", fmt.Sprintf(format, args...)}
}

func missing(format string, args ...any) error {
	return &refusal{http.StatusConflict, "missing_objects", fmt.Sprintf(format, args...)}
}

func (w writer) refuse(c echo.Context, err error) error {
	var r *refusal
	if errors.As(err, &r) {
		return problem(c, r.status, r.code, "%s", r.what)
	}
	return problem(c, http.StatusBadGateway, "storage", "%v", err)
}

func strictJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return errors.New("trailing data")
	}
	return nil
}

func (w writer) checkIndex(ctx context.Context, name string, body []byte) error {
	var ix publish.Index
	if err := strictJSON(body, &ix); err != nil {
		return invalid("index of %q: %v", name, err)
	}
	if ix.Name != name {
		return invalid("index under lists/%s/ names list %q", name, ix.Name)
	}
	refs := []publish.Blob{ix.Snapshot}
	for _, d := range ix.Deltas {
		refs = append(refs, d.Blob)
	}
	for _, r := range refs {
		if m := keyRE.FindStringSubmatch(r.Object); m == nil || m[1] != name || m[2] != "" {
			return invalid("index of %q points at %q, not one of its objects", name, r.Object)
		}
		ok, err := w.b.Has(ctx, r.Object)
		if err != nil {
			return err
		}
		if !ok {
			return missing("index of %q points at %s, which is not written yet: write it first", name, r.Object)
		}
	}
	return nil
}

func (w writer) checkLists(ctx context.Context, body []byte) error {
	var doc publish.Lists
	if err := strictJSON(body, &doc); err != nil {
		return invalid("lists.json: %v", err)
	}
	for _, ix := range doc.Lists {
		if !nameRE.MatchString(ix.Name) {
			return invalid("lists.json names list %q", ix.Name)
		}
		ok, err := w.b.Has(ctx, publish.IndexKey(ix.Name))
		if err != nil {
			return err
		}
		if !ok {
			return missing("lists.json names list %q, whose index is not written yet: write it first", ix.Name)
		}
	}
	return nil
}
