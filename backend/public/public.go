// Package public serves the publisher's public, unauthenticated API: the
// list catalog, each list's index, its signed snapshot and deltas, and the
// trusted keys, with strong ETags and cache headers suited to a fleet of
// browsers polling. It reads published objects through the small
// Published interface, so the same handlers run in `redflag serve` (objects
// in memory, loaded from SQLite) and in the edge build (objects in R2).
//
// The package must compile with GOOS=js GOARCH=wasm and stay small: it
// imports Echo and the publish package, nothing that touches storage.
package public

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/redflag/redflag/backend/publish"
)

// Published is what the public API reads. Implementations return
// publish.ErrNotFound for a list or object that does not exist.
type Published interface {
	// Object returns the published object under key (see publish.*Key).
	Object(ctx context.Context, key string) ([]byte, error)
	// Index returns list name's current index document.
	Index(ctx context.Context, name string) (*publish.Index, error)
	// Ready reports whether objects can be served.
	Ready(ctx context.Context) error
}

// Media types of the binary objects.
const (
	SnapshotType = "application/vnd.redflag.snapshot"
	DeltaType    = "application/vnd.redflag.delta"
)

// DefaultMaxAge is how long a browser or shared cache may reuse a
// published object before revalidating it: browsers poll every few
// minutes, and a 304 costs a few hundred bytes.
const DefaultMaxAge = 60 * time.Second

// CacheControlFor returns the Cache-Control value for maxAge.
func CacheControlFor(maxAge time.Duration) string {
	return fmt.Sprintf("public, max-age=%d", int(maxAge.Seconds()))
}

// Headers naming versions on snapshot and delta answers.
const (
	VersionHeader = "X-Redflag-Version" // canonical form of X-RedFlag-Version
	FromHeader    = "X-Redflag-From"
)

// Problem is the JSON body of every error answer.
type Problem struct {
	Error   string `json:"error"`   // machine-readable code
	Message string `json:"message"` // for people
	// For delta answers without a delta: where the full snapshot is and
	// which version it holds.
	Snapshot string `json:"snapshot,omitempty"`
	Version  uint64 `json:"version,omitempty"`
}

// Register adds the public routes to e, each for GET and HEAD (the same
// answer without its body, as caches and probes expect). Published objects
// carry Cache-Control "public, max-age=" maxAge in seconds (DefaultMaxAge
// in production; 0 makes every poll revalidate, for tests).
//
// Every answer may be read by any origin (CORS): the data is public and
// signed, asked for without credentials, and a browser extension whose
// publisher is a company's own host fetches it without a host permission
// for that host (which no policy can grant the regular build). The
// revalidation header and the version headers are allowed and exposed.
func Register(e *echo.Echo, p Published, maxAge time.Duration) {
	h := handlers{p: p, cacheControl: []string{CacheControlFor(max(maxAge, 0))}}
	cors := func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			hd := c.Response().Header()
			hd["Access-Control-Allow-Origin"] = anyOrigin
			hd["Access-Control-Expose-Headers"] = exposed
			return next(c)
		}
	}
	for path, handler := range map[string]echo.HandlerFunc{
		"/healthz":                 h.health,
		"/readyz":                  h.ready,
		"/v1/lists":                h.doc(publish.ListsKey),
		"/v1/lists/:name":          h.index,
		"/v1/lists/:name/snapshot": h.snapshot,
		"/v1/lists/:name/delta":    h.delta,
		"/v1/keys":                 h.doc(publish.KeysKey),
	} {
		e.GET(path, handler, cors)
		e.HEAD(path, handler, cors)
		e.OPTIONS(path, preflight, cors)
	}
}

// Header values shared by every answer (never modified once set).
var (
	anyOrigin    = []string{"*"}
	exposed      = []string{"ETag, " + VersionHeader + ", " + FromHeader}
	allowMethods = []string{"GET, HEAD"}
	allowHeaders = []string{"If-None-Match"}
	preflightAge = []string{"86400"}
)

// preflight answers a CORS preflight: a poll that revalidates sends
// If-None-Match, which is not a header a browser sends across origins
// without asking first.
func preflight(c echo.Context) error {
	hd := c.Response().Header()
	hd["Access-Control-Allow-Methods"] = allowMethods
	hd["Access-Control-Allow-Headers"] = allowHeaders
	hd["Access-Control-Max-Age"] = preflightAge
	return c.NoContent(http.StatusNoContent)
}

type handlers struct {
	p Published
	// cacheControl is shared by every answer: header values are never
	// modified once set.
	cacheControl []string
}

func problem(c echo.Context, status int, code, format string, args ...any) error {
	return c.JSON(status, Problem{Error: code, Message: fmt.Sprintf(format, args...)})
}

func (h handlers) health(c echo.Context) error {
	return c.JSON(http.StatusOK, map[string]string{"status": "ok"})
}

func (h handlers) ready(c echo.Context) error {
	if err := h.p.Ready(c.Request().Context()); err != nil {
		return problem(c, http.StatusServiceUnavailable, "not_ready", "%v", err)
	}
	return c.JSON(http.StatusOK, map[string]string{"status": "ready"})
}

// doc serves a small JSON document with an ETag of its content.
func (h handlers) doc(key string) echo.HandlerFunc {
	return func(c echo.Context) error {
		b, err := h.p.Object(c.Request().Context(), key)
		if err != nil {
			return h.failure(c, err, "document "+key)
		}
		sum := sha256.Sum256(b)
		return h.serve(c, b, echo.MIMEApplicationJSON, `"`+hex.EncodeToString(sum[:16])+`"`)
	}
}

func (h handlers) index(c echo.Context) error {
	name := c.Param("name")
	ix, err := h.p.Index(c.Request().Context(), name)
	if err != nil {
		return h.failure(c, err, "list "+strconv.Quote(name))
	}
	return h.doc(publish.IndexKey(ix.Name))(c)
}

func (h handlers) snapshot(c echo.Context) error {
	name := c.Param("name")
	ix, err := h.p.Index(c.Request().Context(), name)
	if err != nil {
		return h.failure(c, err, "list "+strconv.Quote(name))
	}
	c.Response().Header()[VersionHeader] = []string{strconv.FormatUint(ix.Version, 10)}
	if h.notModified(c, ix.Snapshot.ETag) {
		return nil
	}
	b, err := h.p.Object(c.Request().Context(), ix.Snapshot.Object)
	if err != nil {
		return h.failure(c, err, "snapshot of "+strconv.Quote(name))
	}
	return h.serve(c, b, SnapshotType, ix.Snapshot.ETag)
}

func (h handlers) delta(c echo.Context) error {
	name := c.Param("name")
	from, err := strconv.ParseUint(c.QueryParam("from"), 10, 64)
	if err != nil {
		return problem(c, http.StatusBadRequest, "bad_request", "from=%q: want the version you hold, a decimal number", c.QueryParam("from"))
	}
	ix, err := h.p.Index(c.Request().Context(), name)
	if err != nil {
		return h.failure(c, err, "list "+strconv.Quote(name))
	}
	hdr := c.Response().Header()
	hdr.Set(VersionHeader, strconv.FormatUint(ix.Version, 10))
	hdr.Set(FromHeader, strconv.FormatUint(from, 10))
	if from == ix.Version {
		// Already current: nothing to send, whatever the client's cache holds.
		hdr["Cache-Control"] = h.cacheControl
		hdr.Set("ETag", ix.Snapshot.ETag)
		return c.NoContent(http.StatusNotModified)
	}
	d, ok := ix.Delta(from)
	if !ok {
		status, code, why := http.StatusNotFound, "delta_unavailable", "no delta from version %d to %d; fetch the snapshot"
		switch {
		case from > ix.Version:
			why = "version %d is newer than the current version %d; fetch the snapshot"
		case len(ix.Deltas) > 0 && from < ix.Deltas[0].From:
			status, code, why = http.StatusGone, "delta_expired", "version %d is older than the deltas kept for version %d; fetch the snapshot"
		}
		hdr["Cache-Control"] = h.cacheControl
		return c.JSON(status, Problem{Error: code, Message: fmt.Sprintf(why, from, ix.Version),
			Snapshot: "/v1/lists/" + ix.Name + "/snapshot", Version: ix.Version})
	}
	if h.notModified(c, d.ETag) {
		return nil
	}
	b, err := h.p.Object(c.Request().Context(), d.Object)
	if err != nil {
		return h.failure(c, err, "delta")
	}
	return h.serve(c, b, DeltaType, d.ETag)
}

func (h handlers) failure(c echo.Context, err error, what string) error {
	if errors.Is(err, publish.ErrNotFound) {
		return problem(c, http.StatusNotFound, "not_found", "%s is not published", what)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return problem(c, http.StatusServiceUnavailable, "unavailable", "%s: %v", what, err)
	}
	return problem(c, http.StatusInternalServerError, "internal", "%s: %v", what, err)
}

var nosniff = []string{"nosniff"}

// notModified answers 304 when the request's If-None-Match names etag.
// It sets the headers by their canonical keys directly: this runs for
// every poll of every browser.
func (h handlers) notModified(c echo.Context, etag string) bool {
	hdr := c.Response().Header()
	hdr["Cache-Control"] = h.cacheControl
	hdr["Etag"] = []string{etag}
	if !MatchETag(c.Request().Header.Get("If-None-Match"), etag) {
		return false
	}
	c.Response().WriteHeader(http.StatusNotModified)
	return true
}

func (h handlers) serve(c echo.Context, b []byte, contentType, etag string) error {
	if h.notModified(c, etag) {
		return nil
	}
	c.Response().Header()["X-Content-Type-Options"] = nosniff
	return c.Blob(http.StatusOK, contentType, b)
}

// MatchETag reports whether an If-None-Match header value names etag, using
// the weak comparison RFC 9110 prescribes for If-None-Match.
func MatchETag(header, etag string) bool {
	if header == "" {
		return false
	}
	if strings.TrimSpace(header) == "*" {
		return true
	}
	want := strings.TrimPrefix(etag, "W/")
	for header != "" {
		var tag string
		tag, header, _ = strings.Cut(header, ",")
		if strings.TrimPrefix(strings.TrimSpace(tag), "W/") == want {
			return true
		}
	}
	return false
}

// ErrorHandler renders every error, routing errors included (unknown path,
// method), as a Problem: the one error shape of redflag serve and of the
// edge Worker.
func ErrorHandler(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	status, msg := http.StatusInternalServerError, err.Error()
	var he *echo.HTTPError
	if errors.As(err, &he) {
		status, msg = he.Code, fmt.Sprint(he.Message)
		if status == http.StatusRequestEntityTooLarge && msg == http.StatusText(status) {
			msg = "request body too large"
		}
	}
	if c.Request().Method == http.MethodHead {
		c.NoContent(status)
		return
	}
	code := strings.ToLower(strings.ReplaceAll(http.StatusText(status), " ", "_"))
	c.JSON(status, Problem{Error: code, Message: msg})
}
