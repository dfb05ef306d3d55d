package feeds

import (
	"context"
	"errors"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/redflag/redflag/backend/feeds/feedtest"
)

func TestGetConditional(t *testing.T) {
	f := feedtest.NewFile("0.0.0.0 a.example\n")
	defer f.Close()
	var fe Fetcher
	ctx := context.Background()
	r1, err := fe.Get(ctx, Request{URL: f.URL()}, "")
	if err != nil || r1.Status != 200 || string(r1.Body) != "0.0.0.0 a.example\n" || r1.ETag == "" || r1.LastModified == "" || r1.SHA256 == "" {
		t.Fatalf("first GET: %+v %v", r1, err)
	}
	r2, err := fe.Get(ctx, Request{URL: f.URL(), ETag: r1.ETag, LastModified: r1.LastModified}, "")
	if err != nil || !r2.NotModified || len(r2.Body) != 0 {
		t.Fatalf("conditional GET of the same file: %+v %v", r2, err)
	}
	if h := f.LastHeader(); h.Get("If-None-Match") != r1.ETag || h.Get("If-Modified-Since") != r1.LastModified {
		t.Errorf("validators sent: %v", h)
	}
	f.Set("0.0.0.0 b.example\n")
	r3, err := fe.Get(ctx, Request{URL: f.URL(), ETag: r1.ETag}, "")
	if err != nil || r3.NotModified || string(r3.Body) != "0.0.0.0 b.example\n" || r3.ETag == r1.ETag {
		t.Fatalf("conditional GET of a changed file: %+v %v", r3, err)
	}
}

// TestGetFailures: every way a fetch fails is an error that says what
// failed, with the feed's URL.
func TestGetFailures(t *testing.T) {
	tlsServer := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("x.example\n")) }))
	tlsServer.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake it refuses
	tlsServer.StartTLS()
	defer tlsServer.Close()
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL + "/feed"
	down.Close()
	failing := feedtest.NewFile("")
	defer failing.Close()
	failing.Fail(http.StatusInternalServerError)
	big := feedtest.NewFile(strings.Repeat("0.0.0.0 a.example\n", 100))
	defer big.Close()

	for _, tt := range []struct {
		name, url string
		max       int64
		want      string
		is        error
	}{
		{"untrusted certificate", tlsServer.URL + "/feed", 0, "certificate", nil},
		{"connection refused", downURL, 0, "connection refused", nil},
		{"5xx", failing.URL(), 0, "HTTP 500 Internal Server Error", nil},
		{"over the size cap", big.URL(), 1000, "more than the 1000 bytes allowed", ErrTooLarge},
		{"not http", "ftp://feeds.example/list", 0, "want an http or https URL", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fe := Fetcher{MaxBytes: tt.max}
			_, err := fe.Get(context.Background(), Request{URL: tt.url}, "")
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one saying %q", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v is not %v", err, tt.is)
			}
		})
	}
}

// TestSecretHeader: the secret goes to the feed's host, and not to
// another host a redirect points at.
func TestSecretHeader(t *testing.T) {
	other := feedtest.NewFile("0.0.0.0 a.example\n")
	defer other.Close()
	// Another host name for the same loopback address.
	otherURL := strings.Replace(other.URL(), "127.0.0.1", "localhost", 1)
	var seen string
	origin := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = r.Header.Get("X-Api-Key")
		http.Redirect(w, r, otherURL, http.StatusFound)
	}))
	defer origin.Close()
	var fe Fetcher
	r, err := fe.Get(context.Background(), Request{URL: origin.URL + "/feed", SecretHeader: "X-Api-Key", Secret: "s3cret"}, "")
	if err != nil || string(r.Body) != "0.0.0.0 a.example\n" {
		t.Fatalf("%+v %v", r, err)
	}
	if seen != "s3cret" {
		t.Errorf("the feed's host got %q", seen)
	}
	if got := other.LastHeader().Get("X-Api-Key"); got != "" {
		t.Errorf("the redirect's host got the secret %q", got)
	}
}
