package admin

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"

	"github.com/redflag/redflag/backend/store"
)

// HeaderIdempotencyKey names a request so that sending it again (after a
// timeout, say) returns the first answer instead of doing it twice.
const HeaderIdempotencyKey = "Idempotency-Key"

// MaxIdempotencyKey bounds the header's length.
const MaxIdempotencyKey = 200

// keyLocks serializes requests that carry the same key, so that two
// concurrent retries cannot both run.
var keyLocks sync.Map // string -> *sync.Mutex

// idempotent replays the stored answer of a POST whose token already sent
// the same Idempotency-Key, and refuses the key's reuse for a different
// request. Answers with status 5xx are not stored: the retry runs again.
func (a *API) idempotent(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		key := c.Request().Header.Get(HeaderIdempotencyKey)
		if c.Request().Method != http.MethodPost || key == "" {
			return next(c)
		}
		if len(key) > MaxIdempotencyKey {
			return problem(c, http.StatusBadRequest, "bad_request", "Idempotency-Key longer than %d bytes", MaxIdempotencyKey)
		}
		ac := actor(c)
		body, err := io.ReadAll(c.Request().Body)
		if err != nil {
			var mbe *http.MaxBytesError
			if ok := asMaxBytes(err, &mbe); ok {
				return problem(c, http.StatusRequestEntityTooLarge, "too_large", "request body larger than %d bytes", mbe.Limit)
			}
			return problem(c, http.StatusBadRequest, "bad_request", "reading the body: %v", err)
		}
		c.Request().Body = io.NopCloser(bytes.NewReader(body))
		sum := sha256.Sum256(body)
		bodyHash := hex.EncodeToString(sum[:])

		lk, _ := keyLocks.LoadOrStore(hex.EncodeToString(HashToken(key))+"/"+ac.Name, &sync.Mutex{})
		mu := lk.(*sync.Mutex)
		mu.Lock()
		defer mu.Unlock()

		ctx := c.Request().Context()
		if r, ok, err := a.Store.Remembered(ctx, ac.TokenID, key); err != nil {
			return fail(c, err)
		} else if ok {
			if r.Method != c.Request().Method || r.Path != c.Request().URL.Path || r.BodySHA256 != bodyHash {
				return problem(c, http.StatusUnprocessableEntity, "idempotency_key_reused",
					"Idempotency-Key %q was used for a different request (%s %s)", key, r.Method, r.Path)
			}
			c.Response().Header().Set("Idempotent-Replayed", "true")
			return c.Blob(r.Status, r.ContentType, r.Body)
		}
		rec := &recorder{ResponseWriter: c.Response().Writer}
		c.Response().Writer = rec
		if err := next(c); err != nil {
			return err // errors render later and are not remembered
		}
		if st := c.Response().Status; st < 500 {
			resp := store.Response{Method: c.Request().Method, Path: c.Request().URL.Path, BodySHA256: bodyHash,
				Status: st, ContentType: c.Response().Header().Get(echo.HeaderContentType), Body: rec.body.Bytes()}
			if err := a.Store.Remember(ctx, ac.TokenID, key, resp); err != nil {
				c.Logger().Error(err)
			}
		}
		return nil
	}
}

type recorder struct {
	http.ResponseWriter
	body bytes.Buffer
}

func (r *recorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

func asMaxBytes(err error, target **http.MaxBytesError) bool {
	e, ok := err.(*http.MaxBytesError)
	if ok {
		*target = e
	}
	return ok
}
