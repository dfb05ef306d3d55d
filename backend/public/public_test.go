package public

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/labstack/echo/v4"

	"github.com/redflag/redflag/backend/publish"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/snapshot"
)

// mirror publishes two versions of list "acme" as objects in a map, the
// way an edge bucket holds them.
func mirror(t *testing.T) (map[string][]byte, *publish.Version, *publish.Version) {
	t.Helper()
	_, priv, _ := ed25519.GenerateKey(strings.NewReader(strings.Repeat("k", 64)))
	prov := entry.Provenance{Kind: entry.Seized, Authority: "Court", Date: "2026-01-02", Reference: "https://court.example/"}
	var es []entry.Entry
	for i := 0; i < 50; i++ {
		es = append(es, entry.Entry{Pattern: entry.Pattern{Host: fmt.Sprintf("d%d.example", i)}, Provenance: prov})
	}
	v1, err := publish.Build(snapshot.Options{Name: "acme", Version: 1000, Created: time.Unix(1, 0)}, es[:40], priv, nil)
	if err != nil {
		t.Fatal(err)
	}
	v2, err := publish.Build(snapshot.Options{Name: "acme", Version: 2000, Created: time.Unix(2, 0)}, es[5:], priv, [][]byte{v1.Snapshot.Bytes()})
	if err != nil {
		t.Fatal(err)
	}
	objs := map[string][]byte{}
	objs[v1.Index.Snapshot.Object] = v1.Snapshot.Bytes()
	objs[v2.Index.Snapshot.Object] = v2.Snapshot.Bytes()
	for _, d := range v2.Deltas {
		objs[d.Ref.Object] = d.Bytes
	}
	objs[publish.IndexKey("acme")], _ = json.Marshal(v2.Index)
	objs[publish.ListsKey], _ = json.Marshal(publish.Lists{Lists: []publish.Index{v2.Index}})
	objs[publish.KeysKey], _ = json.Marshal(publish.KeysOf(priv.Public().(ed25519.PublicKey)))
	return objs, v1, v2
}

// fromMap serves a mirror's objects from memory.
func fromMap(objs map[string][]byte) Published {
	return FromObjects(func(_ context.Context, key string) ([]byte, error) {
		b, ok := objs[key]
		if !ok {
			return nil, publish.ErrNotFound
		}
		return b, nil
	})
}

func TestHandlers(t *testing.T) {
	objs, v1, v2 := mirror(t)
	e := echo.New()
	Register(e, fromMap(objs), DefaultMaxAge)
	snapTag, deltaTag := v2.Index.Snapshot.ETag, v2.Index.Deltas[0].ETag
	tests := []struct {
		path, ifNoneMatch string
		status            int
		body              string // substring, or the object for binary answers
		contentType       string
	}{
		{"/healthz", "", 200, `"ok"`, "application/json"},
		{"/readyz", "", 200, `"ready"`, "application/json"},
		{"/v1/lists", "", 200, `"name":"acme"`, "application/json"},
		{"/v1/keys", "", 200, `"public_key":"ed25519:`, "application/json"},
		{"/v1/lists/acme", "", 200, `"version":2000`, "application/json"},
		{"/v1/lists/nope", "", 404, `"not_found"`, "application/json"},
		{"/v1/lists/acme/snapshot", "", 200, string(v2.Snapshot.Bytes()), SnapshotType},
		{"/v1/lists/acme/snapshot", snapTag, 304, "", ""},
		{"/v1/lists/acme/snapshot", `"x", ` + snapTag, 304, "", ""},
		{"/v1/lists/acme/snapshot", "*", 304, "", ""},
		{"/v1/lists/acme/snapshot", v1.Index.Snapshot.ETag, 200, string(v2.Snapshot.Bytes()), SnapshotType},
		{"/v1/lists/acme/delta?from=1000", "", 200, string(v2.Deltas[0].Bytes), DeltaType},
		{"/v1/lists/acme/delta?from=1000", deltaTag, 304, "", ""},
		{"/v1/lists/acme/delta?from=2000", "", 304, "", ""},
		{"/v1/lists/acme/delta?from=999", "", 410, `"delta_expired"`, "application/json"},
		{"/v1/lists/acme/delta?from=1500", "", 404, `"delta_unavailable"`, "application/json"},
		{"/v1/lists/acme/delta?from=3000", "", 404, `"snapshot":"/v1/lists/acme/snapshot"`, "application/json"},
		{"/v1/lists/acme/delta", "", 400, `"bad_request"`, "application/json"},
		{"/v1/lists/acme/delta?from=-1", "", 400, `"bad_request"`, "application/json"},
		{"/v1/lists/nope/delta?from=1", "", 404, `"not_found"`, "application/json"},
	}
	for _, tt := range tests {
		req := httptest.NewRequest(http.MethodGet, tt.path, nil)
		if tt.ifNoneMatch != "" {
			req.Header.Set("If-None-Match", tt.ifNoneMatch)
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.body) || !strings.HasPrefix(rec.Header().Get("Content-Type"), tt.contentType) {
			t.Errorf("GET %s (If-None-Match %s): %d %q %.80q, want %d %q %.80q", tt.path, tt.ifNoneMatch,
				rec.Code, rec.Header().Get("Content-Type"), rec.Body.String(), tt.status, tt.contentType, tt.body)
		}
		if rec.Code == 304 && rec.Body.Len() != 0 {
			t.Errorf("GET %s: 304 with a body", tt.path)
		}
		if strings.Contains(tt.path, "/acme/") && rec.Header().Get(VersionHeader) != "2000" && rec.Code != 400 {
			t.Errorf("GET %s: %s %q", tt.path, VersionHeader, rec.Header().Get(VersionHeader))
		}
		if rec.Code < 300 && rec.Header().Get("Cache-Control") != "public, max-age=60" && strings.HasPrefix(tt.path, "/v1/") {
			t.Errorf("GET %s: no Cache-Control", tt.path)
		}
	}
}

func TestHead(t *testing.T) {
	objs, _, v2 := mirror(t)
	e := echo.New()
	Register(e, fromMap(objs), DefaultMaxAge)
	srv := httptest.NewServer(e)
	defer srv.Close()
	resp, err := http.Head(srv.URL + "/v1/lists/acme/snapshot")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(body) != 0 || resp.Header.Get("ETag") != v2.Index.Snapshot.ETag ||
		resp.Header.Get("Content-Length") != fmt.Sprint(len(v2.Snapshot.Bytes())) {
		t.Errorf("HEAD: %d, %d body bytes, %v", resp.StatusCode, len(body), resp.Header)
	}
}

// TestCrossOrigin: an extension with no host permission for the publisher
// reads every public answer, revalidates with If-None-Match after a
// preflight, and sees the version headers.
func TestCrossOrigin(t *testing.T) {
	objs, _, v2 := mirror(t)
	e := echo.New()
	Register(e, fromMap(objs), DefaultMaxAge)
	for _, tt := range []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/v1/lists/acme/snapshot", 200},
		{http.MethodGet, "/v1/lists/acme/delta?from=1000", 200},
		{http.MethodGet, "/v1/lists/nope", 404},
		{http.MethodHead, "/v1/lists", 200},
		{http.MethodOptions, "/v1/lists/acme/snapshot", 204},
	} {
		req := httptest.NewRequest(tt.method, tt.path, nil)
		req.Header.Set("Origin", "chrome-extension://abcdefghijklmnopabcdefghijklmnop")
		if tt.method == http.MethodOptions {
			req.Header.Set("Access-Control-Request-Method", "GET")
			req.Header.Set("Access-Control-Request-Headers", "if-none-match")
		}
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		h := rec.Header()
		if rec.Code != tt.status || h.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(h.Get("Access-Control-Expose-Headers"), VersionHeader) {
			t.Errorf("%s %s: %d %v", tt.method, tt.path, rec.Code, h)
		}
		if tt.method == http.MethodOptions && (h.Get("Access-Control-Allow-Headers") != "If-None-Match" || h.Get("Access-Control-Allow-Methods") != "GET, HEAD") {
			t.Errorf("preflight: %v", h)
		}
		if tt.path == "/v1/lists/acme/snapshot" && tt.method == http.MethodGet && h.Get("ETag") != v2.Index.Snapshot.ETag {
			t.Errorf("GET snapshot: ETag %q", h.Get("ETag"))
		}
	}
}

func TestMatchETag(t *testing.T) {
	tests := []struct {
		header, etag string
		want         bool
	}{
		{``, `"a"`, false},
		{`"a"`, `"a"`, true},
		{`W/"a"`, `"a"`, true},
		{`"b", "a"`, `"a"`, true},
		{`"b","c"`, `"a"`, false},
		{` * `, `"a"`, true},
		{`"ab"`, `"a"`, false},
	}
	for _, tt := range tests {
		if got := MatchETag(tt.header, tt.etag); got != tt.want {
			t.Errorf("MatchETag(%q, %q) = %v", tt.header, tt.etag, got)
		}
	}
}
