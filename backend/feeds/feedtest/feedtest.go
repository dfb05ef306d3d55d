// Package feedtest serves feeds to tests over real HTTP on 127.0.0.1: a
// list file that changes between pulls (with ETag, Last-Modified and
// 304s), and a TAXII 2.1 server (discovery, API root, collections, one
// collection's objects with added_after and paging).
package feedtest

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"time"
)

// File serves one file at /feed.
type File struct {
	*httptest.Server
	mu       sync.Mutex
	body     []byte
	etag     string // of body, computed once per version
	modified time.Time
	status   int  // answer with this status instead, if set
	noCache  bool // no validators: every GET is a 200
	requests int
	header   http.Header // of the last request
}

// NewFile serves body; close it with Close.
func NewFile(body string) *File {
	f := &File{body: []byte(body), etag: etagOf(body), modified: time.Now().UTC().Truncate(time.Second)}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

// URL is the feed's address.
func (f *File) URL() string { return f.Server.URL + "/feed" }

// Set replaces the file.
func (f *File) Set(body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.body, f.etag, f.status = []byte(body), etagOf(body), 0
	f.modified = f.modified.Add(time.Second)
}

// Fail makes every answer status (0 serves the file again).
func (f *File) Fail(status int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.status = status
}

// NoValidators stops sending ETag and Last-Modified, like a plain file
// server that answers every GET in full.
func (f *File) NoValidators() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.noCache = true
}

// Requests returns how many GETs it answered.
func (f *File) Requests() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.requests
}

// LastHeader returns the headers of the last request.
func (f *File) LastHeader() http.Header {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.header.Clone()
}

func etagOf(body string) string {
	sum := sha256.Sum256([]byte(body))
	return `"` + hex.EncodeToString(sum[:8]) + `"`
}

func (f *File) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests++
	f.header = r.Header.Clone()
	if r.URL.Path != "/feed" {
		http.NotFound(w, r)
		return
	}
	if f.status != 0 {
		http.Error(w, http.StatusText(f.status), f.status)
		return
	}
	if !f.noCache {
		etag := f.etag
		w.Header().Set("ETag", etag)
		w.Header().Set("Last-Modified", f.modified.Format(http.TimeFormat))
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Write(f.body)
}

// TAXII is a TAXII 2.1 server with one API root, /api1/, holding one
// collection.
type TAXII struct {
	*httptest.Server
	ID       string // the collection's id
	PageSize int    // objects per page when the client gives no limit
	// RequireHeader, if set (by Require), is a header name and value
	// every request must carry (401 otherwise).
	RequireHeader [2]string

	mu       sync.Mutex
	objects  []added
	status   int
	garbled  bool
	requests []string // paths and queries asked, in order
}

type added struct {
	at  time.Time
	obj json.RawMessage
}

// MediaTAXII is the media type the server answers with.
const MediaTAXII = "application/taxii+json;version=2.1"

// NewTAXII starts the server.
func NewTAXII() *TAXII {
	t := &TAXII{ID: "91a7b528-80eb-42ed-a74d-c6fbd5a26116", PageSize: 2}
	t.Server = httptest.NewServer(http.HandlerFunc(t.serve))
	return t
}

// DiscoveryURL is the server's discovery resource.
func (t *TAXII) DiscoveryURL() string { return t.Server.URL + "/taxii2/" }

// APIRootURL is the one API root.
func (t *TAXII) APIRootURL() string { return t.Server.URL + "/api1/" }

// CollectionURL is the collection's resource.
func (t *TAXII) CollectionURL() string { return t.APIRootURL() + "collections/" + t.ID + "/" }

// Add adds objects to the collection, each with its own date_added.
func (t *TAXII) Add(objs ...string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	at := time.Now().UTC().Truncate(time.Millisecond) // as precise as the headers
	if n := len(t.objects); n > 0 && !at.After(t.objects[n-1].at) {
		at = t.objects[n-1].at.Add(time.Millisecond)
	}
	for _, o := range objs {
		t.objects = append(t.objects, added{at: at, obj: json.RawMessage(o)})
		at = at.Add(time.Millisecond)
	}
}

// Fail makes every answer status (0 serves again).
func (t *TAXII) Fail(status int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.status = status
}

// Garble makes the objects resource answer a truncated envelope (false
// serves again).
func (t *TAXII) Garble(on bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.garbled = on
}

// Require makes every request need header name with value ("" for none).
func (t *TAXII) Require(name, value string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.RequireHeader = [2]string{name, value}
}

// Requests returns the paths and queries asked so far.
func (t *TAXII) Requests() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return append([]string(nil), t.requests...)
}

const stamp = "2006-01-02T15:04:05.000Z"

func (t *TAXII) problem(w http.ResponseWriter, status int, title string) {
	w.Header().Set("Content-Type", MediaTAXII)
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"title": title, "http_status": strconv.Itoa(status)})
}

func (t *TAXII) serve(w http.ResponseWriter, r *http.Request) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.requests = append(t.requests, r.URL.RequestURI())
	if t.status != 0 {
		t.problem(w, t.status, http.StatusText(t.status))
		return
	}
	if h := t.RequireHeader; h[0] != "" && r.Header.Get(h[0]) != h[1] {
		t.problem(w, http.StatusUnauthorized, "authentication required")
		return
	}
	if !strings.Contains(r.Header.Get("Accept"), "application/taxii+json") {
		t.problem(w, http.StatusNotAcceptable, "Accept must name application/taxii+json;version=2.1")
		return
	}
	collection := map[string]any{"id": t.ID, "title": "Fronts", "can_read": true, "can_write": false,
		"media_types": []string{"application/stix+json;version=2.1"}}
	var body any
	switch r.URL.Path {
	case "/taxii2/":
		body = map[string]any{"title": "Test TAXII server", "default": t.APIRootURL(), "api_roots": []string{t.APIRootURL()}}
	case "/api1/":
		body = map[string]any{"title": "API root", "versions": []string{MediaTAXII}, "max_content_length": 10 << 20}
	case "/api1/collections/":
		body = map[string]any{"collections": []any{collection}}
	case "/api1/collections/" + t.ID + "/":
		body = collection
	case "/api1/collections/" + t.ID + "/objects/":
		if t.garbled {
			w.Header().Set("Content-Type", MediaTAXII)
			w.Write([]byte(`{"more": false, "objects": [{"type": "indicator", "id": "indic`))
			return
		}
		t.objectsPage(w, r)
		return
	default:
		t.problem(w, http.StatusNotFound, "no such resource")
		return
	}
	w.Header().Set("Content-Type", MediaTAXII)
	json.NewEncoder(w).Encode(body)
}

// objectsPage answers GET objects/ (TAXII 2.1 section 5.4): objects added
// after added_after, oldest first, limit per page; "next" is the offset
// of the next page among those objects.
func (t *TAXII) objectsPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var after time.Time
	if s := q.Get("added_after"); s != "" {
		var err error
		if after, err = time.Parse(time.RFC3339Nano, s); err != nil {
			t.problem(w, http.StatusBadRequest, "added_after: "+err.Error())
			return
		}
	}
	limit := t.PageSize
	if s := q.Get("limit"); s != "" {
		if n, err := strconv.Atoi(s); err == nil && n > 0 {
			limit = n
		}
	}
	var match []added
	for _, a := range t.objects {
		if a.at.After(after) {
			match = append(match, a)
		}
	}
	start := 0
	if s := q.Get("next"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > len(match) {
			t.problem(w, http.StatusBadRequest, "next: unknown value")
			return
		}
		start = n
	}
	end := min(start+limit, len(match))
	env := map[string]any{}
	if end > start {
		page := match[start:end]
		objs := make([]json.RawMessage, len(page))
		for i, a := range page {
			objs[i] = a.obj
		}
		env["objects"] = objs
		env["more"] = end < len(match)
		if end < len(match) {
			env["next"] = strconv.Itoa(end)
		}
		w.Header().Set("X-TAXII-Date-Added-First", page[0].at.Format(stamp))
		w.Header().Set("X-TAXII-Date-Added-Last", page[len(page)-1].at.Format(stamp))
	}
	w.Header().Set("Content-Type", MediaTAXII)
	json.NewEncoder(w).Encode(env)
}

// Indicator returns a STIX 2.1 indicator for a domain, with a name, a
// created time and an external reference; valid_from is an earlier,
// fixed date, so a reader that takes it for the report date shows.
func Indicator(id, domain, name, created string) string {
	return fmt.Sprintf(`{"type":"indicator","spec_version":"2.1","id":"indicator--%s","created":%q,"modified":%q,`+
		`"valid_from":"2020-01-01T00:00:00Z","name":%q,"pattern_type":"stix","pattern":"[domain-name:value = '%s']",`+
		`"external_references":[{"source_name":"advisory","url":"https://cert.example/advisories/%s"}]}`,
		id, created, created, name, domain, domain)
}

// Revoked returns a later version of an Indicator that revokes it.
func Revoked(id, domain, name, created, modified string) string {
	return strings.Replace(strings.Replace(Indicator(id, domain, name, created), `"modified":"`+created+`"`, `"modified":"`+modified+`"`, 1),
		`"spec_version":"2.1",`, `"spec_version":"2.1","revoked":true,`, 1)
}

// Bundle wraps objects in a STIX 2.1 bundle.
func Bundle(objs ...string) string {
	return `{"type":"bundle","id":"bundle--5d0092c5-5f74-4287-9642-33f4c354e56d","objects":[` + strings.Join(objs, ",") + `]}`
}

// Hosts returns an n-line hosts feed of the names front-%07d.example
// from first on, for large-feed tests and benchmarks.
func Hosts(first, n int) string {
	var b strings.Builder
	b.Grow(n * 30)
	b.WriteString("# synthetic hosts feed\n")
	for i := first; i < first+n; i++ {
		fmt.Fprintf(&b, "0.0.0.0 front-%07d.example\n", i)
	}
	return b.String()
}
