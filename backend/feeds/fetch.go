// Package feeds fetches outside feeds and says what changed in them: a
// conditional HTTP GET of a list file (plain, hosts, Adblock, CSV, STIX
// bundle) or the pages of a TAXII 2.1 collection, read with the importers
// of lists/ingest, compared with what the source carried before (Diff),
// and checked against the limits that hold a pull for a person (Hold).
// It keeps no state of its own: package sources stores it between pulls.
package feeds

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// DefaultMaxBytes bounds one feed body (one page, for TAXII).
const DefaultMaxBytes = 64 << 20

// ErrTooLarge is wrapped when a feed is over the size cap.
var ErrTooLarge = errors.New("feed too large")

// Request is one fetch of a feed.
type Request struct {
	URL string
	// SecretHeader and Secret are sent with every request to the feed's
	// host (an API key), and dropped on a redirect to another host.
	SecretHeader, Secret string
	// Validators of the last fetch, for a conditional request.
	ETag, LastModified string
}

// Response is what a fetch brought.
type Response struct {
	Status       int
	NotModified  bool // 304: the feed is as it was
	Body         []byte
	SHA256       string // of Body, hex
	ETag         string
	LastModified string
	Header       http.Header
}

// Fetcher fetches feeds over HTTP(S).
type Fetcher struct {
	// Client defaults to one with a 60 s timeout; tests give one that
	// trusts their TLS server.
	Client   *http.Client
	MaxBytes int64 // DefaultMaxBytes if 0
	// UserAgent names the publisher to feed operators.
	UserAgent string
}

func (f *Fetcher) maxBytes() int64 {
	if f.MaxBytes > 0 {
		return f.MaxBytes
	}
	return DefaultMaxBytes
}

// client returns a copy of the configured client whose redirects keep
// the secret header only on the feed's own host.
func (f *Fetcher) client(req Request) *http.Client {
	c := &http.Client{Timeout: 60 * time.Second}
	if f.Client != nil {
		copied := *f.Client
		c = &copied
	}
	c.CheckRedirect = func(r *http.Request, via []*http.Request) error {
		if len(via) >= 5 {
			return errors.New("more than 5 redirects")
		}
		if r.URL.Scheme != "http" && r.URL.Scheme != "https" {
			return fmt.Errorf("redirect to %s: only http and https feeds are read", r.URL.Scheme)
		}
		if req.SecretHeader != "" && r.URL.Host != via[0].URL.Host {
			r.Header.Del(req.SecretHeader)
		}
		return nil
	}
	return c
}

// CheckURL accepts absolute http and https URLs.
func CheckURL(s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("feed URL %q: want an http or https URL", s)
	}
	return nil
}

// Get fetches req.URL, conditionally when validators are given. Any
// status but 200 and 304 is an error, as is a body over the size cap.
func (f *Fetcher) Get(ctx context.Context, req Request, accept string) (Response, error) {
	if err := CheckURL(req.URL); err != nil {
		return Response{}, err
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodGet, req.URL, nil)
	if err != nil {
		return Response{}, fmt.Errorf("feed %s: %w", req.URL, err)
	}
	if accept != "" {
		hr.Header.Set("Accept", accept)
	}
	if f.UserAgent != "" {
		hr.Header.Set("User-Agent", f.UserAgent)
	}
	if req.SecretHeader != "" {
		hr.Header.Set(req.SecretHeader, req.Secret)
	}
	if req.ETag != "" {
		hr.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hr.Header.Set("If-Modified-Since", req.LastModified)
	}
	resp, err := f.client(req).Do(hr)
	if err != nil {
		return Response{}, fmt.Errorf("feed %s: %w", req.URL, unwrapURLError(err))
	}
	defer resp.Body.Close()
	out := Response{Status: resp.StatusCode, ETag: resp.Header.Get("ETag"), LastModified: resp.Header.Get("Last-Modified"), Header: resp.Header}
	switch {
	case resp.StatusCode == http.StatusNotModified:
		out.NotModified = true
		return out, nil
	case resp.StatusCode != http.StatusOK:
		snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
		return out, fmt.Errorf("feed %s: HTTP %s%s", req.URL, resp.Status, quoteSnippet(snippet))
	}
	max := f.maxBytes()
	if resp.ContentLength > max {
		return out, fmt.Errorf("feed %s: %d bytes, more than the %d bytes allowed: %w", req.URL, resp.ContentLength, max, ErrTooLarge)
	}
	out.Body, err = io.ReadAll(io.LimitReader(resp.Body, max+1))
	if err != nil {
		return out, fmt.Errorf("feed %s: reading the body: %w", req.URL, err)
	}
	if int64(len(out.Body)) > max {
		return out, fmt.Errorf("feed %s: more than the %d bytes allowed: %w", req.URL, max, ErrTooLarge)
	}
	sum := sha256.Sum256(out.Body)
	out.SHA256 = hex.EncodeToString(sum[:])
	return out, nil
}

// unwrapURLError drops the *url.Error wrapper, whose text repeats the
// method and URL the caller already names.
func unwrapURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

func quoteSnippet(b []byte) string {
	s := strings.Join(strings.Fields(strings.ToValidUTF8(string(b), "")), " ")
	if s == "" {
		return ""
	}
	return fmt.Sprintf(": %q", s)
}
