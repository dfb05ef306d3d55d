package edge

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/redflag/redflag/backend/edge/app"
	"github.com/redflag/redflag/backend/publish"
)

// TestContract publishes through a real redflag serve, pushes to the
// Worker running in workerd, and holds both to one table of public API
// answers; then checks that the Worker refuses bad writes.
func TestContract(t *testing.T) {
	needTargets(t)
	o, e := startOrigin(t), startEdge(t, 1<<20)

	// Nothing pushed yet: the Worker is up but has nothing to serve.
	if st, _, _ := do(t, "GET", e.url+"/readyz", nil); st != http.StatusServiceUnavailable {
		t.Errorf("edge /readyz before any push: %d, want 503", st)
	}
	seed := index(t, o.url)
	t.Logf("%s", o.publish(t, "contract-one.example", e))
	v2 := index(t, o.url)
	t.Logf("%s", o.publish(t, "contract-two.example", e))
	cur := index(t, o.url)
	if len(cur.Deltas) < 2 || cur.Deltas[0].From != seed.Version || cur.Deltas[1].From != v2.Version {
		t.Fatalf("want deltas from the seed and from v2 to v3: %+v", cur.Deltas)
	}
	snapTag, deltaTag := cur.Snapshot.ETag, cur.Deltas[0].ETag
	v := func(n uint64) string { return fmt.Sprint(n) }

	tests := []struct {
		name, method, path, ifNoneMatch string
		status                          int
		body                            string // substring of the body
		sha256                          string // or the body's SHA-256
	}{
		{"health", "GET", "/healthz", "", 200, `"ok"`, ""},
		{"ready", "GET", "/readyz", "", 200, `"ready"`, ""},
		{"catalog", "GET", "/v1/lists", "", 200, `"version":` + v(cur.Version), ""},
		{"keys", "GET", "/v1/keys", "", 200, `"public_key":"ed25519:`, ""},
		{"index", "GET", "/v1/lists/default", "", 200, `"version":` + v(cur.Version), ""},
		{"unknown list", "GET", "/v1/lists/nope", "", 404, `"not_found"`, ""},
		{"unknown list snapshot", "GET", "/v1/lists/nope/snapshot", "", 404, `"not_found"`, ""},
		{"unknown list delta", "GET", "/v1/lists/nope/delta?from=1", "", 404, `"not_found"`, ""},
		{"unknown route", "GET", "/v1/nothing", "", 404, `"not_found"`, ""},
		{"snapshot", "GET", "/v1/lists/default/snapshot", "", 200, "", cur.Snapshot.SHA256},
		{"snapshot HEAD", "HEAD", "/v1/lists/default/snapshot", "", 200, "", sha(nil)},
		{"snapshot current", "GET", "/v1/lists/default/snapshot", snapTag, 304, "", sha(nil)},
		{"snapshot current among others", "GET", "/v1/lists/default/snapshot", `"x", W/` + snapTag, 304, "", sha(nil)},
		{"snapshot stale", "GET", "/v1/lists/default/snapshot", v2.Snapshot.ETag, 200, "", cur.Snapshot.SHA256},
		{"delta from seed", "GET", "/v1/lists/default/delta?from=" + v(seed.Version), "", 200, "", cur.Deltas[0].SHA256},
		{"delta from v2", "GET", "/v1/lists/default/delta?from=" + v(v2.Version), "", 200, "", cur.Deltas[1].SHA256},
		{"delta held", "GET", "/v1/lists/default/delta?from=" + v(seed.Version), deltaTag, 304, "", sha(nil)},
		{"delta current", "GET", "/v1/lists/default/delta?from=" + v(cur.Version), "", 304, "", sha(nil)},
		{"delta expired", "GET", "/v1/lists/default/delta?from=1", "", 410, `"delta_expired"`, ""},
		{"delta unknown", "GET", "/v1/lists/default/delta?from=" + v(seed.Version+1), "", 404, `"delta_unavailable"`, ""},
		{"delta future", "GET", "/v1/lists/default/delta?from=" + v(cur.Version+1), "", 404, `"snapshot":"/v1/lists/default/snapshot"`, ""},
		{"delta bad from", "GET", "/v1/lists/default/delta?from=x", "", 400, `"bad_request"`, ""},
		{"write on read route", "POST", "/v1/lists", "", 405, `"method_not_allowed"`, ""},
	}
	for _, target := range []struct{ name, url string }{{"serve", o.url}, {"edge", e.url}} {
		t.Run(target.name, func(t *testing.T) {
			for _, tt := range tests {
				h := http.Header{}
				if tt.ifNoneMatch != "" {
					h.Set("If-None-Match", tt.ifNoneMatch)
				}
				st, hdr, body := do(t, tt.method, target.url+tt.path, h)
				if st != tt.status || !strings.Contains(string(body), tt.body) || (tt.sha256 != "" && sha(body) != tt.sha256) {
					t.Errorf("%s: %s %s: %d %.120q, want %d %q sha256 %.12s", tt.name, tt.method, tt.path, st, body, tt.status, tt.body, tt.sha256)
				}
				if st >= 400 && hdr.Get("Content-Type") != "application/json" && tt.method != "HEAD" {
					t.Errorf("%s: error answer of type %q", tt.name, hdr.Get("Content-Type"))
				}
				if strings.Contains(tt.path, "/default/") && st != 400 && hdr.Get("X-RedFlag-Version") != v(cur.Version) {
					t.Errorf("%s: X-RedFlag-Version %q, want %d", tt.name, hdr.Get("X-RedFlag-Version"), cur.Version)
				}
				if strings.HasPrefix(tt.path, "/v1/lists") && st < 400 && hdr.Get("Cache-Control") != "public, max-age=60" {
					t.Errorf("%s: Cache-Control %q", tt.name, hdr.Get("Cache-Control"))
				}
				if strings.HasSuffix(tt.path, "/snapshot") && st < 400 && hdr.Get("ETag") != snapTag {
					t.Errorf("%s: ETag %q, want %s", tt.name, hdr.Get("ETag"), snapTag)
				}
			}
		})
	}

	// The JSON documents are the origin's bytes, so their ETags agree too.
	for _, path := range []string{"/v1/lists", "/v1/keys", "/v1/lists/default"} {
		_, oh, ob := do(t, "GET", o.url+path, nil)
		_, eh, eb := do(t, "GET", e.url+path, nil)
		if !bytes.Equal(ob, eb) || oh.Get("ETag") != eh.Get("ETag") {
			t.Errorf("%s differs: serve %s %.80q, edge %s %.80q", path, oh.Get("ETag"), ob, eh.Get("ETag"), eb)
		}
	}

	t.Run("writes", func(t *testing.T) { testWrites(t, e) })
	t.Run("push errors", func(t *testing.T) { testPushErrors(t, o, e) })
	t.Run("serve --edge pushes every publication", func(t *testing.T) { testFollow(t, e) })
}

// testFollow: a redflag serve started with --edge keeps the edge in step
// with publications made without --edge, including its first state.
func testFollow(t *testing.T, e *edge) {
	f := startOrigin(t, "--edge", e.url, "--edge-token-file", e.tokenFile)
	waitEdge := func(want publish.Index) {
		t.Helper()
		for deadline := time.Now().Add(90 * time.Second); ; time.Sleep(200 * time.Millisecond) {
			st, _, body := do(t, "GET", e.url+"/v1/lists/default", nil)
			var got publish.Index
			if st == http.StatusOK && json.Unmarshal(body, &got) == nil && got.Version == want.Version && got.Snapshot.SHA256 == want.Snapshot.SHA256 {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("edge still at %d %.120q, want version %d from the origin", st, body, want.Version)
			}
		}
	}
	waitEdge(index(t, f.url)) // the seeded list, pushed at start
	t.Logf("%s", f.publish(t, "followed.example", nil))
	waitEdge(index(t, f.url))
}

// testPushErrors: the CLI says what is wrong with a push and exits non-zero.
func testPushErrors(t *testing.T, o *origin, e *edge) {
	wrong := filepath.Join(t.TempDir(), "wrong-token")
	os.WriteFile(wrong, []byte("nope\n"), 0o600)
	tests := []struct {
		name   string
		args   []string
		status int
		stderr string
	}{
		{"no edge URL", []string{"admin", "edge"}, 2, "--edge URL is required"},
		{"no edge token", []string{"admin", "edge", "--edge", e.url}, 2, "no edge token"},
		{"missing token file", []string{"admin", "edge", "--edge", e.url, "--edge-token-file", wrong + ".missing"}, 2, "--edge-token-file"},
		{"wrong token", []string{"admin", "edge", "--edge", e.url, "--edge-token-file", wrong}, 1, "401 Unauthorized"},
		{"not an edge", []string{"admin", "edge", "--edge", o.url, "--edge-token-file", e.tokenFile}, 1, "404 Not Found"},
		{"pushed again", []string{"admin", "edge", "--edge", e.url, "--edge-token-file", e.tokenFile}, 0, ""},
	}
	for _, tt := range tests {
		cmd := exec.Command(redflagBin, tt.args...)
		cmd.Env = append(os.Environ(), "REDFLAG_SERVER="+o.url, "REDFLAG_TOKEN="+o.token, "REDFLAG_EDGE_TOKEN=", "REDFLAG_EDGE=")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		cmd.Run()
		if st := cmd.ProcessState.ExitCode(); st != tt.status || !strings.Contains(stderr.String(), tt.stderr) {
			t.Errorf("%s: exit %d, %q; want %d, %q", tt.name, st, stderr.String(), tt.status, tt.stderr)
		}
	}
}

// testWrites holds the Worker's write route to its refusals.
func testWrites(t *testing.T, e *edge) {
	good := []byte(`{"keys":[]}`)
	missingSnap, _ := json.Marshal(publish.Index{Name: "other", Version: 5,
		Snapshot: publish.BlobOf(publish.SnapshotKey("other", 5), []byte("x")), Deltas: []publish.DeltaRef{}})
	indexOf := func(v uint64, snap string) []byte {
		b, _ := json.Marshal(publish.Index{Name: "other", Version: v,
			Snapshot: publish.BlobOf(publish.SnapshotKey("other", v), []byte(snap)), Deltas: []publish.DeltaRef{}})
		return b
	}
	big := bytes.Repeat([]byte("x"), e.maxObject+1)
	bearer := "Bearer " + e.token
	tests := []struct {
		name, key, auth string
		body            []byte
		sum             string // X-Redflag-Sha256; "" = the body's
		status          int
		code            string
	}{
		{"no token", "keys.json", "", good, "", 401, "unauthorized"},
		{"wrong token", "keys.json", "Bearer nope", good, "", 401, "unauthorized"},
		{"token prefix", "keys.json", bearer[:len(bearer)-1], good, "", 401, "unauthorized"},
		{"not a bearer", "keys.json", e.token, good, "", 401, "unauthorized"},
		{"unknown key", "secrets.txt", bearer, good, "", 404, "not_found"},
		{"key outside a list", "lists/default/other.json", bearer, good, "", 404, "not_found"},
		{"too large", "lists/default/snapshots/1.snap", bearer, big, "", 413, "too_large"},
		{"truncated", "keys.json", bearer, good, sha([]byte("other")), 400, "bad_request"},
		{"not JSON", "keys.json", bearer, []byte("{"), "", 422, "invalid"},
		{"index before its snapshot", "lists/other/index.json", bearer, missingSnap, "", 409, "missing_objects"},
		{"index of another list", "lists/default/index.json", bearer, missingSnap, "", 422, "invalid"},
		{"catalog before the index", "lists.json", bearer, []byte(`{"lists":[{"name":"other"}]}`), "", 409, "missing_objects"},
		{"an object", "lists/other/snapshots/5.snap", bearer, []byte("x"), "", 200, ""},
		{"the same again", "lists/other/snapshots/5.snap", bearer, []byte("x"), "", 200, ""},
		{"index after its snapshot", "lists/other/index.json", bearer, missingSnap, "", 200, ""},
		{"next snapshot", "lists/other/snapshots/6.snap", bearer, []byte("y"), "", 200, ""},
		{"next index", "lists/other/index.json", bearer, indexOf(6, "y"), "", 200, ""},
		{"the one after", "lists/other/snapshots/7.snap", bearer, []byte("z"), "", 200, ""},
		{"its index retires the first snapshot", "lists/other/index.json", bearer, indexOf(7, "z"), "", 200, ""},
		{"so the first index cannot come back", "lists/other/index.json", bearer, missingSnap, "", 409, "missing_objects"},
		{"the Worker's own record", "lists/other/retired.json", bearer, []byte(`{"objects":[]}`), "", 404, "not_found"},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.auth != "" {
			h.Set("Authorization", tt.auth)
		}
		sum := tt.sum
		if sum == "" {
			sum = sha(tt.body)
		}
		h.Set(app.SHA256Header, sum)
		st, _, body := doBody(t, "PUT", e.url+app.ObjectsPrefix+tt.key, h, tt.body)
		if st != tt.status || (tt.code != "" && !strings.Contains(string(body), `"error":"`+tt.code+`"`)) {
			t.Errorf("%s: PUT %s: %d %s, want %d %s", tt.name, tt.key, st, body, tt.status, tt.code)
		}
	}
	// The origin has no write route.
	if st, _, _ := doBody(t, "PUT", e.url+"/v1/lists/other/snapshot", http.Header{"Authorization": {bearer}}, []byte("x")); st != 405 {
		t.Errorf("PUT on a public route: %d, want 405", st)
	}
	// What was written is served.
	if st, _, body := do(t, "GET", e.url+"/v1/lists/other/snapshot", nil); st != 200 || string(body) != "z" {
		t.Errorf("written list: %d %q", st, body)
	}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func index(t *testing.T, base string) publish.Index {
	t.Helper()
	st, _, body := do(t, "GET", base+"/v1/lists/default", nil)
	var ix publish.Index
	if err := json.Unmarshal(body, &ix); st != 200 || err != nil {
		t.Fatalf("index: %d %v %s", st, err, body)
	}
	return ix
}

func do(t *testing.T, method, url string, h http.Header) (int, http.Header, []byte) {
	return doBody(t, method, url, h, nil)
}

func doBody(t *testing.T, method, url string, h http.Header, body []byte) (int, http.Header, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range h {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}
