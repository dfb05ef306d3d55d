//go:build js && wasm

// Command worker is the RedFlag edge: the public API of redflag serve on
// Cloudflare Workers, reading published objects from the R2 bucket bound
// as OBJECTS, which the origin fills through PUT /v1/edge/objects/KEY
// (backend/edge/app). Build it with make edge; see README.md, "Edge".
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"syscall/js"

	"github.com/syumai/workers"
	"github.com/syumai/workers/cloudflare"
	"github.com/syumai/workers/cloudflare/r2"

	"github.com/redflag/redflag/backend/edge/app"
	"github.com/redflag/redflag/backend/publish"
)

// Binding is the R2 bucket's binding name in wrangler.jsonc.
const Binding = "OBJECTS"

func main() {
	cfg, cfgErr := app.ParseConfig(cloudflare.Getenv)
	bucket, err := r2.NewBucket(Binding)
	if err == nil {
		err = cfgErr
	}
	if err != nil {
		// A misconfigured Worker says so on every request rather than
		// failing to start with nothing in the response.
		msg, _ := json.Marshal(map[string]string{"error": "misconfigured", "message": err.Error()})
		serve(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			w.Write(msg)
		}))
		return
	}
	serve(adapt(app.New(r2Bucket{bucket}, cfg)))
}

// serve hands requests to h until the isolate goes away: worker.mjs
// starts this program once per isolate, not once per request.
func serve(h http.Handler) {
	workers.ServeNonBlock(h)
	workers.Ready()
	select {}
}

// adapt fits the runtime adapter to this handler. It joins request
// header values again: the adapter splits each at every comma, turning
// If-None-Match: "a", "b" into two values of which handlers read only the
// first. And it hands the response body to JavaScript in one piece: the
// adapter's stream crosses from Go to JavaScript in 16 KiB pulls, which
// made a 1.3 MB snapshot take 30 ms; every body here is already in memory.
func adapt(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for k, vs := range r.Header {
			if len(vs) > 1 {
				r.Header[k] = []string{strings.Join(vs, ",")}
			}
		}
		raw, ok := w.(rawBodyWriter)
		if !ok {
			h.ServeHTTP(w, r)
			return
		}
		bw := &bufferedWriter{ResponseWriter: w}
		h.ServeHTTP(bw, r)
		if len(bw.body) > 0 {
			ua := js.Global().Get("Uint8Array").New(len(bw.body))
			js.CopyBytesToJS(ua, bw.body)
			raw.WriteRawJSBody(ua)
		}
	})
}

// rawBodyWriter is the adapter's ResponseWriter that takes a JavaScript
// body as is.
type rawBodyWriter interface {
	WriteRawJSBody(body js.Value)
}

type bufferedWriter struct {
	http.ResponseWriter
	body []byte
}

func (b *bufferedWriter) Write(p []byte) (int, error) {
	b.body = append(b.body, p...) // a Writer may not keep p
	return len(p), nil
}

// r2Bucket adapts an R2 binding to app.Bucket.
type r2Bucket struct{ b *r2.Bucket }

func (r r2Bucket) Get(_ context.Context, key string) ([]byte, error) {
	o, err := r.b.Get(key)
	if err != nil {
		return nil, fmt.Errorf("r2 get %s: %w", key, err)
	}
	if o == nil {
		return nil, fmt.Errorf("object %q: %w", key, publish.ErrNotFound)
	}
	b := make([]byte, 0, o.Size)
	b, err = readAll(o.Body, b)
	if err != nil {
		return nil, fmt.Errorf("r2 get %s: %w", key, err)
	}
	return b, nil
}

func (r r2Bucket) Has(_ context.Context, key string) (bool, error) {
	o, err := r.b.Head(key)
	if err != nil {
		return false, fmt.Errorf("r2 head %s: %w", key, err)
	}
	return o != nil, nil
}

func (r r2Bucket) Delete(_ context.Context, key string) error {
	return r.b.Delete(key)
}

func (r r2Bucket) Put(_ context.Context, key string, b []byte) error {
	_, err := r.b.Put(key, io.NopCloser(bytes.NewReader(b)), nil)
	return err
}

// readAll reads r into b, whose capacity is the object's size, so a
// snapshot is read without regrowing its buffer.
func readAll(r io.Reader, b []byte) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}
