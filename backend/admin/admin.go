// Package admin serves the publisher's admin API under /v1/admin: bearer
// tokens, entry browsing and validation, changes and their review,
// imports, publication, rollback, history and the audit log. Handlers
// decode, call the workflow and encode; the rules live in package
// workflow. The API is specified in backend/API.md.
package admin

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/redflag/redflag/backend/content"
	"github.com/redflag/redflag/backend/sources"
	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/backend/workflow"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/ingest"
)

// Prefix is where the admin API lives.
const Prefix = "/v1/admin"

// Problem is the JSON body of every error answer.
type Problem struct {
	Error   string               `json:"error"`
	Message string               `json:"message"`
	Items   []workflow.ItemError `json:"items,omitempty"` // per-entry errors; nothing was applied
}

// HashToken returns what the store keeps of a token.
func HashToken(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// API holds the admin handlers' dependencies.
type API struct {
	W       *workflow.Service
	Store   store.Store
	Sources *sources.Service
}

const actorKey = "redflag.actor"

// Register adds the admin routes to g (mounted at Prefix), behind auth.
// Extra middleware (rate limit, timeouts) run before auth.
func (a *API) Register(g *echo.Group) {
	g.Use(a.auth, a.idempotent)
	g.GET("/whoami", a.whoami)
	g.GET("/lists", a.lists)
	g.POST("/lists", a.createList)
	g.PATCH("/lists/:name", a.updateList)
	g.GET("/lists/:name/entries", a.entries)
	g.POST("/lists/:name/validate", a.validate)
	g.GET("/lists/:name/changes", a.changes)
	g.POST("/lists/:name/changes", a.propose)
	g.POST("/lists/:name/import", a.importFile)
	g.POST("/lists/:name/publish", a.publish)
	g.POST("/lists/:name/rollback", a.rollback)
	g.GET("/lists/:name/history", a.history)
	g.GET("/changes/:id", a.change)
	g.GET("/changes/:id/items", a.items)
	g.POST("/changes/:id/items", a.appendItems)
	g.POST("/changes/:id/import", a.appendImport)
	g.POST("/changes/:id/submit", a.submit)
	g.POST("/changes/:id/approve", a.review(true))
	g.POST("/changes/:id/reject", a.review(false))
	g.GET("/audit", a.audit)
	a.registerSources(g)
}

func problem(c echo.Context, status int, code, format string, args ...any) error {
	return c.JSON(status, Problem{Error: code, Message: fmt.Sprintf(format, args...)})
}

// fail maps workflow errors to answers.
func fail(c echo.Context, err error) error {
	var inv *workflow.InvalidItems
	switch {
	case errors.As(err, &inv):
		return c.JSON(http.StatusUnprocessableEntity, Problem{Error: "invalid_entries", Message: inv.Error(), Items: inv.Items})
	case errors.Is(err, workflow.ErrInvalid):
		return problem(c, http.StatusUnprocessableEntity, "invalid", "%v", trim(err, workflow.ErrInvalid))
	case errors.Is(err, workflow.ErrForbidden):
		return problem(c, http.StatusForbidden, "forbidden", "%v", trim(err, workflow.ErrForbidden))
	case errors.Is(err, workflow.ErrConflict):
		return problem(c, http.StatusConflict, "conflict", "%v", trim(err, workflow.ErrConflict))
	case errors.Is(err, workflow.ErrNotFound):
		return problem(c, http.StatusNotFound, "not_found", "%v", trim(err, workflow.ErrNotFound))
	case errors.Is(err, workflow.ErrTooLarge):
		return problem(c, http.StatusRequestEntityTooLarge, "too_large", "%v", trim(err, workflow.ErrTooLarge))
	case errors.Is(err, context.DeadlineExceeded):
		return problem(c, http.StatusServiceUnavailable, "timeout", "the request took too long; nothing was applied unless the history or audit log says so")
	}
	c.Logger().Error(err)
	return problem(c, http.StatusInternalServerError, "internal", "internal error: %v", err)
}

// trim drops the sentinel's own text from a wrapped message.
func trim(err, sentinel error) string {
	return strings.TrimSuffix(err.Error(), ": "+sentinel.Error())
}

// decode reads a JSON body strictly: unknown fields are errors, so a
// misspelt "remove" never silently does nothing.
func decode(c echo.Context, v any) error {
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return echo.NewHTTPError(http.StatusRequestEntityTooLarge, fmt.Sprintf("request body larger than %d bytes", mbe.Limit))
		}
		if errors.Is(err, io.EOF) {
			return echo.NewHTTPError(http.StatusBadRequest, "empty request body; want a JSON object")
		}
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("malformed JSON at byte %d: %v", se.Offset, err))
		}
		return echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("malformed JSON: %v", err))
	}
	if dec.More() {
		return echo.NewHTTPError(http.StatusBadRequest, "malformed JSON: data after the object")
	}
	return nil
}

// auth accepts only a valid, unrevoked bearer token in the Authorization
// header; anything else is 401 before any handler runs.
func (a *API) auth(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		h := c.Request().Header.Get(echo.HeaderAuthorization)
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || tok == "" {
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="redflag"`)
			return problem(c, http.StatusUnauthorized, "unauthorized", "missing bearer token in the Authorization header")
		}
		t, err := a.Store.TokenByHash(c.Request().Context(), HashToken(strings.TrimSpace(tok)))
		if err != nil || t.Revoked {
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				return fail(c, err)
			}
			c.Response().Header().Set(echo.HeaderWWWAuthenticate, `Bearer realm="redflag", error="invalid_token"`)
			return problem(c, http.StatusUnauthorized, "unauthorized", "unknown or revoked token")
		}
		c.Set(actorKey, workflow.Actor{Name: t.Name, TokenID: t.ID, Role: t.Role,
			RequestID: c.Response().Header().Get(echo.HeaderXRequestID), Remote: c.RealIP()})
		return next(c)
	}
}

func actor(c echo.Context) workflow.Actor { return c.Get(actorKey).(workflow.Actor) }

func (a *API) whoami(c echo.Context) error {
	ac := actor(c)
	return c.JSON(http.StatusOK, map[string]any{"name": ac.Name, "role": ac.Role, "token_id": ac.TokenID, "review": a.W.ReviewMode()})
}

func (a *API) lists(c echo.Context) error {
	ls, err := a.W.Lists(c.Request().Context())
	if err != nil {
		return fail(c, err)
	}
	return c.JSON(http.StatusOK, map[string]any{"lists": ls})
}

func (a *API) createList(c echo.Context) error {
	var req workflow.ListSettings
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := a.W.CreateList(c.Request().Context(), actor(c), req); err != nil {
		return fail(c, err)
	}
	return c.JSON(http.StatusCreated, map[string]string{"name": req.Name})
}

// updateList changes a list's description or browser-names setting.
func (a *API) updateList(c echo.Context) error {
	var req workflow.ListSettings
	if err := decode(c, &req); err != nil {
		return err
	}
	l, err := a.W.UpdateList(c.Request().Context(), actor(c), c.Param("name"), req)
	if err != nil {
		return fail(c, err)
	}
	return c.JSON(http.StatusOK, l)
}

// EntryRow is one entry in a page.
type EntryRow struct {
	Pattern  string `json:"pattern"`
	Describe string `json:"describe"`
	entry.Provenance
	LookAlikes string `json:"lookalikes"` // "on" or "off"
	// Reach counts the known-legit names its look-alikes would caution
	// (with reach=true; workflow.Reach).
	Reach  *int  `json:"reach,omitempty"`
	Change int64 `json:"change"`
}

func rowOf(e entry.Entry, change int64) EntryRow {
	return EntryRow{Pattern: e.Pattern.String(), Describe: e.Pattern.Describe(), Provenance: e.Provenance, LookAlikes: e.LookAlikesSetting(), Change: change}
}

// EntriesPage is the answer of GET entries.
type EntriesPage struct {
	Entries []EntryRow `json:"entries"`
	Total   int        `json:"total"`
	Matched int        `json:"matched"`
	Next    string     `json:"next,omitempty"`
	TookMS  float64    `json:"took_ms"`
}

func (a *API) entries(c echo.Context) error {
	start := time.Now()
	set, err := a.W.Content(c.Param("name"))
	if err != nil {
		return fail(c, err)
	}
	q := content.Query{Search: c.QueryParam("q"), After: c.QueryParam("after")}
	if s := c.QueryParam("limit"); s != "" {
		if q.Limit, err = strconv.Atoi(s); err != nil || q.Limit < 1 || q.Limit > content.MaxLimit {
			return problem(c, http.StatusBadRequest, "bad_request", "limit=%q: want 1 to %d", s, content.MaxLimit)
		}
	}
	if s := c.QueryParam("kind"); s != "" {
		if q.Kind, err = entry.ParseKind(s); err != nil {
			return problem(c, http.StatusBadRequest, "bad_request", "kind=%q: want seized or flagged", s)
		}
	}
	p := set.Page(q)
	out := EntriesPage{Entries: make([]EntryRow, len(p.Entries)), Total: p.Total, Matched: p.Matched, Next: p.Next}
	for i, e := range p.Entries {
		out.Entries[i] = rowOf(e.Entry, e.Change)
	}
	if c.QueryParam("reach") == "true" {
		// One snapshot of the page's entries against the known-legit
		// names: tens of milliseconds for a page.
		es := make([]entry.Entry, len(p.Entries))
		for i, e := range p.Entries {
			es[i] = e.Entry
		}
		if r, err := workflow.ReachOf(es); err == nil {
			byPattern := map[string]int{}
			for _, er := range r.Entries {
				byPattern[er.Pattern] = er.Cautioned
			}
			for i := range out.Entries {
				n := byPattern[out.Entries[i].Pattern]
				out.Entries[i].Reach = &n
			}
		}
	}
	out.TookMS = float64(time.Since(start).Microseconds()) / 1000
	return c.JSON(http.StatusOK, out)
}

func (a *API) validate(c echo.Context) error {
	var in workflow.EntryInput
	if err := decode(c, &in); err != nil {
		return err
	}
	if _, err := a.W.Content(c.Param("name")); err != nil {
		return fail(c, err)
	}
	return c.JSON(http.StatusOK, a.W.Validate(c.Param("name"), in))
}

// ChangeAnswer is the answer to a proposal.
type ChangeAnswer struct {
	store.Change
	Replayed bool `json:"replayed,omitempty"` // an earlier request with this Idempotency-Key created it
}

func (a *API) propose(c echo.Context) error {
	var p workflow.Proposal
	if err := decode(c, &p); err != nil {
		return err
	}
	ch, created, err := a.W.Propose(c.Request().Context(), actor(c), c.Param("name"), p, c.Request().Header.Get(HeaderIdempotencyKey))
	if err != nil {
		return fail(c, err)
	}
	status := http.StatusCreated
	if !created {
		status = http.StatusOK
	}
	return c.JSON(status, ChangeAnswer{Change: ch, Replayed: !created})
}

func (a *API) changes(c echo.Context) error {
	f := store.ChangeFilter{List: c.Param("name"), State: store.ChangeState(c.QueryParam("state"))}
	switch f.State {
	case "", store.Draft, store.Pending, store.Approved, store.Rejected:
	default:
		return problem(c, http.StatusBadRequest, "bad_request", "state=%q: want draft, pending, approved or rejected", f.State)
	}
	var err error
	if f.Before, f.Limit, err = pageParams(c); err != nil {
		return err
	}
	cs, err := a.W.Changes(c.Request().Context(), f)
	if err != nil {
		return fail(c, err)
	}
	return c.JSON(http.StatusOK, map[string]any{"changes": cs})
}

// pageParams reads the before (id) and limit parameters of newest-first
// listings.
func pageParams(c echo.Context) (before int64, limit int, err error) {
	if before, err = intParam(c, "before"); err != nil {
		return 0, 0, err
	}
	l, err := intParam(c, "limit")
	return before, int(l), err
}

func intParam(c echo.Context, name string) (int64, error) {
	s := c.QueryParam(name)
	if s == "" {
		return 0, nil
	}
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v < 0 {
		return 0, echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("%s=%q: want a non-negative integer", name, s))
	}
	return v, nil
}

func idParam(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.NewHTTPError(http.StatusBadRequest, fmt.Sprintf("change id %q: want a positive integer", c.Param("id")))
	}
	return id, nil
}

func (a *API) change(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ch, err := a.W.Change(c.Request().Context(), id)
	if err != nil {
		return fail(c, err)
	}
	return c.JSON(http.StatusOK, ch)
}

func (a *API) items(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	off, err := intParam(c, "offset")
	if err != nil {
		return err
	}
	lim, err := intParam(c, "limit")
	if err != nil {
		return err
	}
	p, err := a.W.Items(c.Request().Context(), id, int(off), int(lim))
	if err != nil {
		return fail(c, err)
	}
	return c.JSON(http.StatusOK, p)
}

func (a *API) appendItems(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	var b workflow.Batch
	if err := decode(c, &b); err != nil {
		return err
	}
	ch, err := a.W.Append(c.Request().Context(), actor(c), id, b)
	if err != nil {
		return fail(c, err)
	}
	return c.JSON(http.StatusOK, ch)
}

func (a *API) submit(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	ch, err := a.W.Submit(c.Request().Context(), actor(c), id)
	if err != nil {
		return fail(c, err)
	}
	return c.JSON(http.StatusOK, ch)
}

func (a *API) review(approve bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := idParam(c)
		if err != nil {
			return err
		}
		var req struct {
			Comment string `json:"comment"`
		}
		if c.Request().ContentLength != 0 {
			if err := decode(c, &req); err != nil {
				return err
			}
		}
		ch, err := a.W.Review(c.Request().Context(), actor(c), id, approve, req.Comment)
		if err != nil {
			return fail(c, err)
		}
		return c.JSON(http.StatusOK, ch)
	}
}

func (a *API) publish(c echo.Context) error {
	var req struct {
		Force bool `json:"force"`
	}
	if c.Request().ContentLength != 0 {
		if err := decode(c, &req); err != nil {
			return err
		}
	}
	v, err := a.W.Publish(c.Request().Context(), actor(c), c.Param("name"), req.Force)
	if err != nil {
		return fail(c, err)
	}
	return c.JSON(http.StatusCreated, v)
}

func (a *API) rollback(c echo.Context) error {
	var req struct {
		To     uint64 `json:"to"`
		Reason string `json:"reason"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	ch, err := a.W.Rollback(c.Request().Context(), actor(c), c.Param("name"), req.To, req.Reason)
	if err != nil {
		return fail(c, err)
	}
	return c.JSON(http.StatusCreated, ch)
}

func (a *API) history(c echo.Context) error {
	l, err := intParam(c, "limit")
	if err != nil {
		return err
	}
	vs, err := a.W.History(c.Request().Context(), c.Param("name"), int(l))
	if err != nil {
		return fail(c, err)
	}
	return c.JSON(http.StatusOK, map[string]any{"versions": vs})
}

func (a *API) audit(c echo.Context) error {
	f := store.AuditFilter{Actor: c.QueryParam("actor"), Action: c.QueryParam("action"), List: c.QueryParam("list")}
	var err error
	for _, p := range []struct {
		name string
		t    *time.Time
	}{{"since", &f.Since}, {"until", &f.Until}} {
		s := c.QueryParam(p.name)
		if s == "" {
			continue
		}
		if *p.t, err = time.Parse(time.RFC3339, s); err != nil {
			if *p.t, err = time.Parse(time.DateOnly, s); err != nil {
				return problem(c, http.StatusBadRequest, "bad_request", "%s=%q: want RFC 3339 or YYYY-MM-DD", p.name, s)
			}
		}
	}
	if f.Before, f.Limit, err = pageParams(c); err != nil {
		return err
	}
	evs, err := a.W.Audit(c.Request().Context(), f)
	if err != nil {
		return fail(c, err)
	}
	return c.JSON(http.StatusOK, map[string]any{"events": evs})
}

// ImportAnswer is the answer of an import.
type ImportAnswer struct {
	Format   string               `json:"format"`
	Accepted int                  `json:"accepted"`
	Entries  []EntryRow           `json:"entries"` // the first accepted entries, for a preview
	Rejected []ingest.Rejection   `json:"rejected"`
	Reach    *workflow.Reach      `json:"reach,omitempty"` // dry run: the known-legit names the accepted entries' look-alikes would caution
	DryRun   bool                 `json:"dry_run"`
	Change   *store.Change        `json:"change,omitempty"`
	Invalid  []workflow.ItemError `json:"invalid,omitempty"`
}

// previewEntries bounds the entries an import answer repeats.
const previewEntries = 1000

// importFile reads a list in any format ingest reads, with provenance
// defaults in the query, and either reports what it would propose
// (dry_run=true) or proposes it (as a draft with draft=true, for a file
// uploaded in parts: see appendImport).
func (a *API) importFile(c echo.Context) error {
	if _, err := a.W.Content(c.Param("name")); err != nil {
		return fail(c, err)
	}
	res, ans, answered, err := readImport(c)
	if answered {
		return err
	}
	if len(res.Entries) == 0 {
		return c.JSON(http.StatusUnprocessableEntity, ans)
	}
	q := c.QueryParams()
	p := workflow.Proposal{Reason: q.Get("reason"), Force: q.Get("force") == "true", ForceReason: q.Get("force_reason"),
		Draft: q.Get("draft") == "true", Add: inputs(res.Entries)}
	ch, _, err := a.W.Propose(c.Request().Context(), actor(c), c.Param("name"), p, c.Request().Header.Get(HeaderIdempotencyKey))
	if err != nil {
		return fail(c, err)
	}
	ans.Change = &ch
	return c.JSON(http.StatusCreated, ans)
}

// appendImport reads one more part of a file into a draft change, with
// the same parameters as importFile (provenance defaults, format, force);
// POST /changes/{id}/submit then sends the draft to review. A part with
// no accepted entry appends nothing and answers 200.
func (a *API) appendImport(c echo.Context) error {
	id, err := idParam(c)
	if err != nil {
		return err
	}
	res, ans, answered, err := readImport(c)
	if answered {
		return err
	}
	var ch store.Change
	if len(res.Entries) == 0 {
		ch, err = a.W.Change(c.Request().Context(), id)
	} else {
		ch, err = a.W.Append(c.Request().Context(), actor(c), id, workflow.Batch{Add: inputs(res.Entries)})
	}
	if err != nil {
		return fail(c, err)
	}
	ans.Change = &ch
	return c.JSON(http.StatusOK, ans)
}

// readImport parses the request body as a list file. For a dry run and
// for bad input it answers the request itself (answered is true, err the
// result of writing the answer).
func readImport(c echo.Context) (res *ingest.Result, ans ImportAnswer, answered bool, err error) {
	q := c.QueryParams()
	def := entry.Provenance{Authority: q.Get("authority"), Date: q.Get("date"), Reference: q.Get("reference"), Note: q.Get("note")}
	if k := q.Get("kind"); k != "" {
		var kerr error
		if def.Kind, kerr = entry.ParseKind(k); kerr != nil {
			return nil, ans, true, problem(c, http.StatusBadRequest, "bad_request", "kind=%q: want seized or flagged", k)
		}
	}
	lookAlikesOff, lerr := entry.ParseLookAlikes(q.Get("lookalikes"))
	if lerr != nil {
		return nil, ans, true, problem(c, http.StatusBadRequest, "bad_request", "lookalikes=%q: want on or off", q.Get("lookalikes"))
	}
	body, rerr := io.ReadAll(c.Request().Body)
	if rerr != nil {
		var mbe *http.MaxBytesError
		if errors.As(rerr, &mbe) {
			return nil, ans, true, problem(c, http.StatusRequestEntityTooLarge, "too_large", "file larger than %d bytes", mbe.Limit)
		}
		return nil, ans, true, problem(c, http.StatusBadRequest, "bad_request", "reading the file: %v", rerr)
	}
	format := ingest.Format(q.Get("format"))
	if format == "" {
		format = ingest.Auto
	}
	r, perr := ingest.Read(bytes.NewReader(body), format, def, ingest.Options{AllowPlatforms: q.Get("force") == "true"})
	if perr != nil {
		return nil, ans, true, problem(c, http.StatusUnprocessableEntity, "invalid", "%v", perr)
	}
	for i := range r.Entries {
		r.Entries[i].LookAlikesOff = lookAlikesOff
	}
	ans = ImportAnswer{Format: string(r.Format), Accepted: len(r.Entries), Rejected: r.Rejected, DryRun: q.Get("dry_run") == "true", Entries: []EntryRow{}}
	if ans.Rejected == nil {
		ans.Rejected = []ingest.Rejection{}
	}
	for i, e := range r.Entries {
		if i == previewEntries {
			break
		}
		ans.Entries = append(ans.Entries, rowOf(e, 0))
	}
	if ans.DryRun {
		if reach, err := workflow.ReachPreview(r.Entries); err == nil {
			ans.Reach = &reach
		}
		return r, ans, true, c.JSON(http.StatusOK, ans)
	}
	return r, ans, false, nil
}

func inputs(es []entry.Entry) []workflow.EntryInput {
	out := make([]workflow.EntryInput, len(es))
	for i, e := range es {
		out[i] = workflow.InputOf(e)
	}
	return out
}

// NewToken returns a new random token and its hash. The token is shown
// once; only the hash is stored.
func NewToken() (token string, hash []byte, err error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", nil, err
	}
	token = "rf_" + base64.RawURLEncoding.EncodeToString(b)
	return token, HashToken(token), nil
}
