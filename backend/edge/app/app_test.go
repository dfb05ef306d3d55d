package app

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/redflag/redflag/backend/publish"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		vars    map[string]string
		want    Config
		wantErr bool
	}{
		{map[string]string{}, Config{MaxAge: time.Minute, MaxObjectBytes: DefaultMaxObjectBytes, CacheTTL: DefaultCacheTTL, CacheBytes: DefaultCacheBytes}, false},
		{map[string]string{"EDGE_TOKEN": "s", "MAX_AGE_SECONDS": "0", "MAX_OBJECT_BYTES": "10", "CACHE_SECONDS": "0", "CACHE_BYTES": "0"}, Config{Token: "s", MaxObjectBytes: 10}, false},
		{map[string]string{"CACHE_SECONDS": "x"}, Config{}, true},
		{map[string]string{"MAX_AGE_SECONDS": "-1"}, Config{}, true},
		{map[string]string{"MAX_AGE_SECONDS": "1m"}, Config{}, true},
		{map[string]string{"MAX_OBJECT_BYTES": "0"}, Config{}, true},
		{map[string]string{"MAX_OBJECT_BYTES": "x"}, Config{}, true},
	}
	for _, tt := range tests {
		got, err := ParseConfig(func(k string) string { return tt.vars[k] })
		if (err != nil) != tt.wantErr || (err == nil && got != tt.want) {
			t.Errorf("ParseConfig(%v) = %+v, %v; want %+v, error %v", tt.vars, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestKeys(t *testing.T) {
	tests := []struct {
		key  string
		ok   bool
		list string
	}{
		{"lists.json", true, ""},
		{"keys.json", true, ""},
		{"lists/default/index.json", true, "default"},
		{"lists/a.b_c-d/snapshots/1795564800000.snap", true, "a.b_c-d"},
		{"lists/default/deltas/1-2.delta", true, "default"},
		{"lists/Default/index.json", false, ""},
		{"lists/default/snapshots/x.snap", false, ""},
		{"lists/default/deltas/1.delta", false, ""},
		{"lists//index.json", false, ""},
		{"lists/a/b/index.json", false, ""},
		{"signing.key", false, ""},
		{"/lists.json", false, ""},
	}
	for _, tt := range tests {
		m := keyRE.FindStringSubmatch(tt.key)
		if (m != nil) != tt.ok || (m != nil && m[1] != tt.list) {
			t.Errorf("key %q: match %q, want ok=%v list %q", tt.key, m, tt.ok, tt.list)
		}
	}
}

// countingBucket counts reads of a map.
type countingBucket struct {
	objects map[string][]byte
	gets    int
}

func (b *countingBucket) Get(_ context.Context, key string) ([]byte, error) {
	b.gets++
	if v, ok := b.objects[key]; ok {
		return v, nil
	}
	return nil, publish.ErrNotFound
}

func (b *countingBucket) Has(_ context.Context, key string) (bool, error) {
	_, ok := b.objects[key]
	return ok, nil
}

func (b *countingBucket) Put(_ context.Context, key string, v []byte) error {
	b.objects[key] = v
	return nil
}

func (b *countingBucket) Delete(_ context.Context, key string) error {
	delete(b.objects, key)
	return nil
}

func TestCached(t *testing.T) {
	ctx := context.Background()
	under := &countingBucket{objects: map[string][]byte{
		"lists/a/index.json": []byte("v1"), "lists/a/snapshots/1.snap": []byte("0123456789"), "lists/a/snapshots/2.snap": []byte("abcdefghij"),
	}}
	now := time.Unix(0, 0)
	c := Cached(under, 10*time.Second, 15, func() time.Time { return now })
	steps := []struct {
		what     string
		advance  time.Duration
		key      string
		want     string
		wantGets int // reads of the bucket so far
	}{
		{"first read", 0, "lists/a/index.json", "v1", 1},
		{"within ttl", 9 * time.Second, "lists/a/index.json", "v1", 1},
		{"after ttl", 2 * time.Second, "lists/a/index.json", "v1", 2},
		{"snapshot", 0, "lists/a/snapshots/1.snap", "0123456789", 3},
		{"snapshot again, any time later", time.Hour, "lists/a/snapshots/1.snap", "0123456789", 3},
		{"over maxBytes: the cache starts again", 0, "lists/a/snapshots/2.snap", "abcdefghij", 4},
		{"the first was dropped", 0, "lists/a/snapshots/1.snap", "0123456789", 5},
		{"not found is not kept", 0, "lists/b/index.json", "", 6},
		{"not found, read again", 0, "lists/b/index.json", "", 7},
	}
	for _, s := range steps {
		now = now.Add(s.advance)
		got, err := c.Get(ctx, s.key)
		if string(got) != s.want || (s.want == "") != errors.Is(err, publish.ErrNotFound) || under.gets != s.wantGets {
			t.Errorf("%s: %q %v after %d reads; want %q after %d", s.what, got, err, under.gets, s.want, s.wantGets)
		}
	}
	// A write through the cache is read back at once.
	if err := c.Put(ctx, "lists/a/index.json", []byte("v2")); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.Get(ctx, "lists/a/index.json"); string(got) != "v2" {
		t.Errorf("after a write: %q", got)
	}
}

// TestWriteAuth: a Worker without EDGE_TOKEN accepts no write, whatever
// the request says (the contract test covers the rest through workerd).
func TestWriteAuth(t *testing.T) {
	body := `{"keys":[]}`
	sum := sha256.Sum256([]byte(body))
	tests := []struct {
		token, auth string
		status      int
		message     string
	}{
		{"", "Bearer ", 401, "no EDGE_TOKEN"},
		{"", "Bearer x", 401, "no EDGE_TOKEN"},
		{"s3cret", "Bearer s3cre", 401, "valid edge token"},
		{"s3cret", "bearer s3cret", 401, "valid edge token"},
		{"s3cret", "Bearer s3cret", 200, `"key":"keys.json"`},
	}
	for _, tt := range tests {
		e := New(&countingBucket{objects: map[string][]byte{}}, Config{Token: tt.token})
		req := httptest.NewRequest(http.MethodPut, ObjectsPrefix+"keys.json", strings.NewReader(body))
		req.Header.Set("Authorization", tt.auth)
		req.Header.Set(SHA256Header, hex.EncodeToString(sum[:]))
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != tt.status || !strings.Contains(rec.Body.String(), tt.message) {
			t.Errorf("token %q, %q: %d %s; want %d %q", tt.token, tt.auth, rec.Code, rec.Body, tt.status, tt.message)
		}
	}
}

// TestRetire: an index write deletes the objects that the index two
// writes back pointed at and no later one does.
func TestRetire(t *testing.T) {
	b := &countingBucket{objects: map[string][]byte{}}
	e := New(b, Config{Token: "s"})
	put := func(key string, body []byte) {
		t.Helper()
		sum := sha256.Sum256(body)
		req := httptest.NewRequest(http.MethodPut, ObjectsPrefix+key, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer s")
		req.Header.Set(SHA256Header, hex.EncodeToString(sum[:]))
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Fatalf("PUT %s: %d %s", key, rec.Code, rec.Body)
		}
	}
	publishVersion := func(v uint64) {
		t.Helper()
		snap := []byte(fmt.Sprint("snapshot ", v))
		ix := publish.Index{Name: "a", Version: v, Snapshot: publish.BlobOf(publish.SnapshotKey("a", v), snap), Deltas: []publish.DeltaRef{}}
		put(ix.Snapshot.Object, snap)
		if v > 1 {
			d := []byte(fmt.Sprint("delta ", v))
			ix.Deltas = append(ix.Deltas, publish.DeltaRef{From: v - 1, Blob: publish.BlobOf(publish.DeltaKey("a", v-1, v), d)})
			put(ix.Deltas[0].Object, d)
		}
		raw, _ := json.Marshal(ix)
		put(publish.IndexKey("a"), raw)
		put(publish.IndexKey("a"), raw) // pushed again: nothing more retired
	}
	tests := []struct {
		version       uint64
		kept, deleted []string
	}{
		{1, []string{"lists/a/snapshots/1.snap"}, nil},
		{2, []string{"lists/a/snapshots/1.snap", "lists/a/snapshots/2.snap", "lists/a/deltas/1-2.delta"}, nil},
		{3, []string{"lists/a/snapshots/2.snap", "lists/a/deltas/1-2.delta", "lists/a/snapshots/3.snap", "lists/a/deltas/2-3.delta"},
			[]string{"lists/a/snapshots/1.snap"}},
		{4, []string{"lists/a/snapshots/3.snap", "lists/a/deltas/2-3.delta", "lists/a/snapshots/4.snap", "lists/a/deltas/3-4.delta"},
			[]string{"lists/a/snapshots/2.snap", "lists/a/deltas/1-2.delta"}},
	}
	for _, tt := range tests {
		publishVersion(tt.version)
		for _, k := range tt.kept {
			if _, ok := b.objects[k]; !ok {
				t.Errorf("after version %d: %s was deleted", tt.version, k)
			}
		}
		for _, k := range tt.deleted {
			if _, ok := b.objects[k]; ok {
				t.Errorf("after version %d: %s is still there", tt.version, k)
			}
		}
	}
}
