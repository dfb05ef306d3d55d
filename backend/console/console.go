// Package console serves the admin console at /admin: a static page
// (HTML, CSS and one script, embedded in the binary) that works only
// through the admin API under /v1/admin, with the token the person signs
// in with held in sessionStorage and sent in the Authorization header.
// Nothing here reads or changes data; the page has no other way in.
package console

import (
	"embed"
	"io/fs"
	"mime"
	"net/http"
	"path"

	"github.com/labstack/echo/v4"
)

//go:embed assets
var embedded embed.FS

var assets, _ = fs.Sub(embedded, "assets")

// Prefix is where the console lives.
const Prefix = "/admin"

// CSP allows only the console's own script, style and API calls: no
// inline script or style, no framing, no form posts elsewhere.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
	"connect-src 'self'; form-action 'none'; base-uri 'none'; object-src 'none'; frame-ancestors 'none'"

// Register adds GET /admin (the page) and GET /admin/{file} (its assets);
// /admin/ redirects to the page.
func Register(e *echo.Echo) {
	e.GET(Prefix, func(c echo.Context) error { return serve(c, "index.html") })
	e.GET(Prefix+"/", func(c echo.Context) error { return c.Redirect(http.StatusMovedPermanently, Prefix) })
	e.GET(Prefix+"/:file", func(c echo.Context) error {
		if c.Param("file") == "index.html" {
			return c.Redirect(http.StatusMovedPermanently, Prefix)
		}
		return serve(c, c.Param("file"))
	})
}

func serve(c echo.Context, name string) error {
	h := c.Response().Header()
	h.Set("Content-Security-Policy", CSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	// The page is small and changes with the binary: never serve a stale
	// script next to a new API.
	h.Set(echo.HeaderCacheControl, "no-store")
	b, err := fs.ReadFile(assets, name)
	if err != nil || !fs.ValidPath(name) {
		return echo.NewHTTPError(http.StatusNotFound, "no such console file: "+name)
	}
	typ := mime.TypeByExtension(path.Ext(name))
	if typ == "" {
		typ = echo.MIMEOctetStream
	}
	return c.Blob(http.StatusOK, typ, b)
}
