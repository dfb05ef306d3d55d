package console_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/redflag/redflag/backend/console"
	"github.com/redflag/redflag/backend/server"
)

func newServer(t testing.TB) *server.Server {
	t.Helper()
	s, err := server.New(context.Background(), server.Config{DataDir: t.TempDir(), Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func get(t *testing.T, s *server.Server, path string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	s.Echo.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
	return rec
}

// TestServed: the page and its assets come from the binary with the
// security headers; anything else is a 404, and the page's own aliases
// redirect to /admin.
func TestServed(t *testing.T) {
	s := newServer(t)
	for _, tc := range []struct {
		path, typ string
		status    int
	}{
		{"/admin", "text/html", 200},
		{"/admin/console.js", "javascript", 200},
		{"/admin/lists.js", "javascript", 200},
		{"/admin/console.css", "text/css", 200},
		{"/admin/favicon.svg", "image/svg+xml", 200},
		{"/admin/", "", 301},
		{"/admin/index.html", "", 301},
		{"/admin/nope.js", "application/json", 404},
		{"/admin/..%2fconsole.go", "application/json", 404},
	} {
		t.Run(tc.path, func(t *testing.T) {
			rec := get(t, s, tc.path)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if !strings.Contains(rec.Header().Get("Content-Type"), tc.typ) {
				t.Errorf("Content-Type %q, want %q", rec.Header().Get("Content-Type"), tc.typ)
			}
			if tc.status == 301 && rec.Header().Get("Location") != console.Prefix {
				t.Errorf("Location %q", rec.Header().Get("Location"))
			}
			if tc.status != 200 {
				return
			}
			for h, want := range map[string]string{
				"Content-Security-Policy": console.CSP,
				"X-Content-Type-Options":  "nosniff",
				"X-Frame-Options":         "DENY",
				"Cache-Control":           "no-store",
			} {
				if got := rec.Header().Get(h); got != want {
					t.Errorf("%s: %q, want %q", h, got, want)
				}
			}
			if rec.Header().Get("Set-Cookie") != "" {
				t.Error("the console sets a cookie")
			}
		})
	}
}

// TestCSPStrict: the policy forbids inline code and framing.
func TestCSPStrict(t *testing.T) {
	for _, want := range []string{"default-src 'self'", "script-src 'self';", "style-src 'self';", "frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'"} {
		if !strings.Contains(console.CSP+";", want) {
			t.Errorf("CSP lacks %q", want)
		}
	}
	if strings.Contains(console.CSP, "unsafe") {
		t.Error("CSP allows unsafe-*")
	}
}

// TestNoInlineCode: the page would break under its own CSP if it had
// inline script, style or event handlers; its scripts build the page with
// textContent, never markup from data; and every element they look up by
// id exists in the page.
func TestNoInlineCode(t *testing.T) {
	s := newServer(t)
	page := get(t, s, "/admin").Body.String()
	script := ""
	for _, name := range []string{"console.js", "sources.js", "lists.js"} {
		script += get(t, s, "/admin/"+name).Body.String()
	}
	for _, tc := range []struct {
		what string
		re   string
		in   string
	}{
		{"inline script", `<script(?:\s[^>]*)?>\s*[^<\s]`, page},
		{"script without src", `<script(?:\s(?:[^>s]|s[^r]|sr[^c])*)?>`, page},
		{"style element", `<style`, page},
		{"style attribute", `\sstyle=`, page},
		{"event handler attribute", `\son[a-z]+=`, page},
		{"javascript: URL", `javascript:`, page},
		{"remote resource", `(?:src|href)="(?:https?:)?//`, page},
		{"innerHTML", `innerHTML|outerHTML|insertAdjacentHTML|document\.write`, script},
		{"eval", `\beval\(|new Function`, script},
		{"cookie or local storage", `document\.cookie|localStorage`, script},
		{"remote fetch", `fetch\(['"]https?:`, script},
	} {
		if m := regexp.MustCompile(tc.re).FindString(tc.in); m != "" {
			t.Errorf("%s: %q", tc.what, m)
		}
	}
	ids := map[string]bool{}
	for _, m := range regexp.MustCompile(`\sid="([^"]+)"`).FindAllStringSubmatch(page, -1) {
		ids[m[1]] = true
	}
	for _, m := range regexp.MustCompile(`\$\('([^']+)'\)`).FindAllStringSubmatch(script, -1) {
		if !ids[m[1]] {
			t.Errorf("a script looks up #%s, which the page lacks", m[1])
		}
	}
	// Every form control has a label.
	for _, m := range regexp.MustCompile(`<(?:input|select|textarea)\s[^>]*id="([^"]+)"`).FindAllStringSubmatch(page, -1) {
		if !strings.Contains(page, `for="`+m[1]+`"`) {
			t.Errorf("#%s has no label", m[1])
		}
	}
}
