// Package client talks to a publisher over HTTP: the admin API with a
// bearer token, and the public API. `redflag admin` and the end-to-end
// tests use it.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redflag/redflag/backend/admin"
	"github.com/redflag/redflag/backend/publish"
	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/backend/workflow"
)

// Client is a publisher's client.
type Client struct {
	Server string // base URL, e.g. http://127.0.0.1:8080
	Token  string // admin API token; sent only in the Authorization header
	HTTP   *http.Client
	// Retries is how many times a request with an Idempotency-Key is
	// retried after a network error or a 5xx answer.
	Retries int
}

// New returns a client for server with token.
func New(server, token string) *Client {
	return &Client{Server: strings.TrimRight(server, "/"), Token: token, HTTP: &http.Client{Timeout: 5 * time.Minute}, Retries: 3}
}

// Error is an error answer.
type Error struct {
	Status  int
	Problem admin.Problem
}

func (e *Error) Error() string {
	msg := fmt.Sprintf("%d %s: %s", e.Status, e.Problem.Error, e.Problem.Message)
	for i, it := range e.Problem.Items {
		if i == 20 {
			msg += fmt.Sprintf("\n  ... and %d more", len(e.Problem.Items)-20)
			break
		}
		msg += fmt.Sprintf("\n  %s #%d %q: %s", it.Op, it.Index, it.Input, it.Reason)
	}
	return msg
}

// StatusOf returns the HTTP status of an *Error, or 0.
func StatusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Status
	}
	return 0
}

// Request is one call.
type Request struct {
	Method         string
	Path           string // below Server, with query
	Body           any    // JSON-encoded unless []byte
	ContentType    string
	IdempotencyKey string
	Header         http.Header
}

// Do sends r and decodes a JSON answer into out (unless nil). It returns
// the response with its body consumed.
func (c *Client) Do(ctx context.Context, r Request, out any) (*http.Response, error) {
	var body []byte
	switch b := r.Body.(type) {
	case nil:
	case []byte:
		body = b
	default:
		var err error
		if body, err = json.Marshal(b); err != nil {
			return nil, err
		}
		if r.ContentType == "" {
			r.ContentType = "application/json"
		}
	}
	attempts := 1
	if r.IdempotencyKey != "" {
		attempts += c.Retries
	}
	var lastErr error
	for i := 0; i < attempts; i++ {
		if i > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Duration(i) * 500 * time.Millisecond):
			}
		}
		resp, err := c.once(ctx, r, body, out)
		if err == nil || (StatusOf(err) != 0 && StatusOf(err) < 500) {
			return resp, err
		}
		lastErr = err
	}
	return nil, lastErr
}

func (c *Client) once(ctx context.Context, r Request, body []byte, out any) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, r.Method, c.Server+r.Path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	for k, vs := range r.Header {
		req.Header[k] = vs
	}
	if r.ContentType != "" {
		req.Header.Set("Content-Type", r.ContentType)
	}
	if c.Token != "" && strings.HasPrefix(r.Path, admin.Prefix) {
		// The token goes to the admin API only, never to public
		// paths that caches and the edge may log.
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	if r.IdempotencyKey != "" {
		req.Header.Set(admin.HeaderIdempotencyKey, r.IdempotencyKey)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode >= 400 {
		e := &Error{Status: resp.StatusCode}
		if json.Unmarshal(data, &e.Problem) != nil || e.Problem.Error == "" {
			e.Problem = admin.Problem{Error: http.StatusText(resp.StatusCode), Message: strings.TrimSpace(string(data))}
		}
		return resp, e
	}
	if out != nil {
		if b, ok := out.(*[]byte); ok {
			*b = data
		} else if len(data) > 0 && resp.StatusCode != http.StatusNotModified {
			if err := json.Unmarshal(data, out); err != nil {
				return resp, fmt.Errorf("client: %s %s: decoding the answer: %w", r.Method, r.Path, err)
			}
		}
	}
	return resp, nil
}

func listPath(list, rest string) string {
	return admin.Prefix + "/lists/" + url.PathEscape(list) + rest
}

// WhoAmI returns the token's identity.
func (c *Client) WhoAmI(ctx context.Context) (map[string]any, error) {
	var out map[string]any
	_, err := c.Do(ctx, Request{Method: "GET", Path: admin.Prefix + "/whoami"}, &out)
	return out, err
}

// Propose submits a change.
func (c *Client) Propose(ctx context.Context, list string, p workflow.Proposal, idempotencyKey string) (admin.ChangeAnswer, error) {
	var out admin.ChangeAnswer
	_, err := c.Do(ctx, Request{Method: "POST", Path: listPath(list, "/changes"), Body: p, IdempotencyKey: idempotencyKey}, &out)
	return out, err
}

// Append adds a batch to a draft.
func (c *Client) Append(ctx context.Context, id int64, b workflow.Batch, idempotencyKey string) (store.Change, error) {
	var out store.Change
	_, err := c.Do(ctx, Request{Method: "POST", Path: fmt.Sprintf("%s/changes/%d/items", admin.Prefix, id), Body: b, IdempotencyKey: idempotencyKey}, &out)
	return out, err
}

// Submit sends a draft to review.
func (c *Client) Submit(ctx context.Context, id int64, idempotencyKey string) (store.Change, error) {
	var out store.Change
	_, err := c.Do(ctx, Request{Method: "POST", Path: fmt.Sprintf("%s/changes/%d/submit", admin.Prefix, id), IdempotencyKey: idempotencyKey}, &out)
	return out, err
}

// Review approves or rejects a change.
func (c *Client) Review(ctx context.Context, id int64, approve bool, comment string) (store.Change, error) {
	verb := "reject"
	if approve {
		verb = "approve"
	}
	var out store.Change
	_, err := c.Do(ctx, Request{Method: "POST", Path: fmt.Sprintf("%s/changes/%d/%s", admin.Prefix, id, verb),
		Body: map[string]string{"comment": comment}}, &out)
	return out, err
}

// Change returns a change.
func (c *Client) Change(ctx context.Context, id int64) (store.Change, error) {
	var out store.Change
	_, err := c.Do(ctx, Request{Method: "GET", Path: fmt.Sprintf("%s/changes/%d", admin.Prefix, id)}, &out)
	return out, err
}

// Items returns a page of a change's items.
func (c *Client) Items(ctx context.Context, id int64, offset, limit int) (workflow.ItemsPage, error) {
	var out workflow.ItemsPage
	_, err := c.Do(ctx, Request{Method: "GET", Path: fmt.Sprintf("%s/changes/%d/items?offset=%d&limit=%d", admin.Prefix, id, offset, limit)}, &out)
	return out, err
}

// Changes lists a list's changes (state "" for all).
func (c *Client) Changes(ctx context.Context, list string, state store.ChangeState) ([]store.Change, error) {
	var out struct {
		Changes []store.Change `json:"changes"`
	}
	_, err := c.Do(ctx, Request{Method: "GET", Path: listPath(list, "/changes?state="+url.QueryEscape(string(state)))}, &out)
	return out.Changes, err
}

// Publish publishes a list's approved changes.
func (c *Client) Publish(ctx context.Context, list string, force bool) (store.Version, error) {
	var out store.Version
	_, err := c.Do(ctx, Request{Method: "POST", Path: listPath(list, "/publish"), Body: map[string]bool{"force": force}}, &out)
	return out, err
}

// Rollback proposes restoring version's content.
func (c *Client) Rollback(ctx context.Context, list string, version uint64, reason string) (store.Change, error) {
	var out store.Change
	_, err := c.Do(ctx, Request{Method: "POST", Path: listPath(list, "/rollback"), Body: map[string]any{"to": version, "reason": reason}}, &out)
	return out, err
}

// History returns a list's versions, newest first.
func (c *Client) History(ctx context.Context, list string) ([]store.Version, error) {
	var out struct {
		Versions []store.Version `json:"versions"`
	}
	_, err := c.Do(ctx, Request{Method: "GET", Path: listPath(list, "/history")}, &out)
	return out.Versions, err
}

// Entries returns a page of a list's entries.
func (c *Client) Entries(ctx context.Context, list string, q url.Values) (admin.EntriesPage, error) {
	var out admin.EntriesPage
	_, err := c.Do(ctx, Request{Method: "GET", Path: listPath(list, "/entries?"+q.Encode())}, &out)
	return out, err
}

// Validate checks one entry.
func (c *Client) Validate(ctx context.Context, list string, in workflow.EntryInput) (workflow.Validation, error) {
	var out workflow.Validation
	_, err := c.Do(ctx, Request{Method: "POST", Path: listPath(list, "/validate"), Body: in}, &out)
	return out, err
}

// Import sends a file to the server's importer.
func (c *Client) Import(ctx context.Context, list string, file []byte, q url.Values) (admin.ImportAnswer, error) {
	var out admin.ImportAnswer
	_, err := c.Do(ctx, Request{Method: "POST", Path: listPath(list, "/import?"+q.Encode()), Body: file, ContentType: "application/octet-stream"}, &out)
	return out, err
}

// Audit returns audit events matching q (actor, action, list, since,
// until, before, limit).
func (c *Client) Audit(ctx context.Context, q url.Values) ([]store.Event, error) {
	var out struct {
		Events []store.Event `json:"events"`
	}
	_, err := c.Do(ctx, Request{Method: "GET", Path: admin.Prefix + "/audit?" + q.Encode()}, &out)
	return out.Events, err
}

// Object is a fetched public object.
type Object struct {
	Status  int
	Body    []byte
	ETag    string
	Version uint64
	Header  http.Header
}

// Get fetches a public path, optionally conditional on etag. Error
// statuses come back as *Error.
func (c *Client) Get(ctx context.Context, path, etag string) (Object, error) {
	h := http.Header{}
	if etag != "" {
		h.Set("If-None-Match", etag)
	}
	var body []byte
	resp, err := c.Do(ctx, Request{Method: "GET", Path: path, Header: h}, &body)
	if resp == nil {
		return Object{}, err
	}
	v, _ := strconv.ParseUint(resp.Header.Get("X-RedFlag-Version"), 10, 64)
	return Object{Status: resp.StatusCode, Body: body, ETag: resp.Header.Get("ETag"), Version: v, Header: resp.Header}, err
}

// Lists returns the published lists.
func (c *Client) Lists(ctx context.Context) (publish.Lists, error) {
	var out publish.Lists
	_, err := c.Do(ctx, Request{Method: "GET", Path: "/v1/lists"}, &out)
	return out, err
}

// Keys returns the trusted keys.
func (c *Client) Keys(ctx context.Context) (publish.Keys, error) {
	var out publish.Keys
	_, err := c.Do(ctx, Request{Method: "GET", Path: "/v1/keys"}, &out)
	return out, err
}
