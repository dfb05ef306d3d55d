// Package server wires the publisher together: the SQLite store, the
// signing key, the workflow, the public and admin APIs, Prometheus
// metrics and the OpenAPI document, behind Echo middleware for panics,
// request ids, structured logs, body limits, admin rate limits, timeouts
// and gzip; and it shuts down gracefully.
package server

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
	"golang.org/x/time/rate"

	"github.com/redflag/redflag/backend/admin"
	"github.com/redflag/redflag/backend/console"
	"github.com/redflag/redflag/backend/public"
	"github.com/redflag/redflag/backend/sources"
	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/backend/store/sqlite"
	"github.com/redflag/redflag/backend/workflow"
	"github.com/redflag/redflag/lists/keys"
)

//go:embed openapi.json
var openAPI []byte

// KeyFile is the signing key made in the data directory when none is
// given.
const KeyFile = "signing.key"

// Config configures a server.
type Config struct {
	Addr      string // listen address, e.g. 127.0.0.1:8080
	DataDir   string
	KeyPath   string   // signing key; default DataDir/signing.key, made on first start
	TrustPubs []string // more public key files to publish at /v1/keys
	ReviewOff bool
	// DeltaVersions is how many previous versions get a delta.
	DeltaVersions int
	// AdminRate and AdminBurst bound each token's admin requests per second.
	AdminRate  float64
	AdminBurst int
	// BodyLimit bounds admin request bodies, e.g. "32M".
	BodyLimit string
	// MaxAge is the Cache-Control max-age of published objects
	// (public.DefaultMaxAge in production).
	MaxAge time.Duration
	Logger *slog.Logger
	// FeedMaxBytes bounds a feed source's body (feeds.DefaultMaxBytes if
	// 0); SourceTick is how often the schedule looks for due pulls (30 s
	// if 0).
	FeedMaxBytes int64
	SourceTick   time.Duration
}

// Server is a running publisher.
type Server struct {
	cfg      Config
	Store    store.Store
	Workflow *workflow.Service
	Sources  *sources.Service
	Echo     *echo.Echo
	metrics  *metrics
	log      *slog.Logger
}

// New opens the data directory and builds the server.
func New(ctx context.Context, cfg Config) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	if cfg.AdminRate <= 0 {
		cfg.AdminRate, cfg.AdminBurst = 20, 200
	}
	if cfg.BodyLimit == "" {
		cfg.BodyLimit = "32M"
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("server: data directory: %w", err)
	}
	priv, err := signingKey(cfg)
	if err != nil {
		return nil, err
	}
	var trusted []ed25519.PublicKey
	for _, p := range cfg.TrustPubs {
		ks, err := keys.ReadPublicFile(p)
		if err != nil {
			return nil, fmt.Errorf("server: %w", err)
		}
		trusted = append(trusted, ks...)
	}
	st, err := sqlite.Open(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	m := newMetrics()
	w, err := workflow.Open(ctx, workflow.Config{Store: st, Key: priv, Trusted: trusted, ReviewOff: cfg.ReviewOff,
		DeltaVersions: cfg.DeltaVersions, Logger: cfg.Logger, OnPublish: m.published})
	if err != nil {
		st.Close()
		return nil, err
	}
	s := &Server{cfg: cfg, Store: st, Workflow: w, metrics: m, log: cfg.Logger}
	if err := s.openSources(ctx, st); err != nil {
		st.Close()
		return nil, err
	}
	for _, ix := range w.Indexes() {
		m.listVersion.WithLabelValues(ix.Name).Set(float64(ix.Version))
		m.listEntries.WithLabelValues(ix.Name).Set(float64(ix.Entries))
		m.snapshotBytes.WithLabelValues(ix.Name).Set(float64(ix.Snapshot.Size))
	}
	s.Echo = s.routes()
	return s, nil
}

// signingKey reads the configured key, or the data directory's, making it
// (mode 0600) on first start.
func signingKey(cfg Config) (ed25519.PrivateKey, error) {
	path := cfg.KeyPath
	if path == "" {
		path = filepath.Join(cfg.DataDir, KeyFile)
		if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
			pub, priv, err := keys.Generate()
			if err != nil {
				return nil, err
			}
			if err := keys.WritePrivateFile(path, priv); err != nil {
				return nil, fmt.Errorf("server: %w", err)
			}
			if err := os.WriteFile(strings.TrimSuffix(path, ".key")+".pub", keys.MarshalPublic(pub), 0o644); err != nil {
				return nil, fmt.Errorf("server: %w", err)
			}
			cfg.Logger.Info("made a signing key", "path", path, "key_id", keys.IDOf(pub).String())
		}
	}
	priv, err := keys.ReadPrivateFile(path)
	if err != nil {
		return nil, fmt.Errorf("server: signing key: %w", err)
	}
	return priv, nil
}

// Close waits for background work and releases the store.
func (s *Server) Close() error {
	s.Workflow.Wait()
	return s.Store.Close()
}

func (s *Server) routes() *echo.Echo {
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.HTTPErrorHandler = public.ErrorHandler
	e.IPExtractor = echo.ExtractIPDirect()
	e.Use(middleware.RequestIDWithConfig(middleware.RequestIDConfig{Generator: requestIDs()}))
	e.Use(s.logRequests)
	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{DisableErrorHandler: false, LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
		s.log.Error("panic", "err", err, "stack", string(stack), "request_id", c.Response().Header().Get(echo.HeaderXRequestID))
		return err
	}}))
	e.Use(s.metrics.middleware)
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{MinLength: 1024, Skipper: func(c echo.Context) bool {
		p := c.Path()
		return strings.HasSuffix(p, "/snapshot") || strings.HasSuffix(p, "/delta") || p == "/metrics"
	}}))

	public.Register(e, s.Workflow, s.cfg.MaxAge)
	console.Register(e)
	e.GET("/metrics", echo.WrapHandler(s.metrics.handler()))
	e.GET("/v1/openapi.json", func(c echo.Context) error {
		c.Response().Header().Set(echo.HeaderCacheControl, public.CacheControlFor(s.cfg.MaxAge))
		return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, openAPI)
	})

	g := e.Group(admin.Prefix,
		middleware.BodyLimit(s.cfg.BodyLimit),
		middleware.RateLimiterWithConfig(middleware.RateLimiterConfig{
			Store: middleware.NewRateLimiterMemoryStoreWithConfig(middleware.RateLimiterMemoryStoreConfig{
				Rate: rate.Limit(s.cfg.AdminRate), Burst: s.cfg.AdminBurst, ExpiresIn: 10 * time.Minute}),
			IdentifierExtractor: rateIdentity,
			ErrorHandler: func(c echo.Context, err error) error {
				return c.JSON(http.StatusForbidden, admin.Problem{Error: "forbidden", Message: err.Error()})
			},
			DenyHandler: func(c echo.Context, id string, err error) error {
				c.Response().Header().Set("Retry-After", "1")
				return c.JSON(http.StatusTooManyRequests, admin.Problem{Error: "rate_limited", Message: "too many requests for this token; retry in a second"})
			},
		}),
		middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{Timeout: 2 * time.Minute}),
	)
	(&admin.API{W: s.Workflow, Store: s.Store, Sources: s.Sources}).Register(g)
	return e
}

// requestIDs returns a generator of request ids unique to this process:
// a random prefix chosen at start and a counter. Echo's default draws 32
// random characters per request, a fifth of the cost of answering a poll.
func requestIDs() func() string {
	var prefix [6]byte
	rand.Read(prefix[:])
	p := hex.EncodeToString(prefix[:]) + "-"
	var n atomic.Uint64
	return func() string { return p + strconv.FormatUint(n.Add(1), 36) }
}

// rateIdentity keys the admin rate limit by token (hashed, so the limiter
// never holds secrets), or by address for requests without one.
func rateIdentity(c echo.Context) (string, error) {
	if h := c.Request().Header.Get(echo.HeaderAuthorization); h != "" {
		return fmt.Sprintf("t:%x", admin.HashToken(h)[:12]), nil
	}
	return "ip:" + c.RealIP(), nil
}

// logRequests writes one structured line per request: admin requests and
// errors at info, public reads at debug (a fleet polls them).
func (s *Server) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		start := time.Now()
		err := next(c)
		if err != nil {
			c.Error(err)
		}
		st := c.Response().Status
		level := slog.LevelDebug
		if strings.HasPrefix(c.Path(), admin.Prefix) || st >= 400 {
			level = slog.LevelInfo
		}
		if st >= 500 {
			level = slog.LevelError
		}
		if s.log.Enabled(c.Request().Context(), level) {
			attrs := []slog.Attr{slog.String("method", c.Request().Method), slog.String("path", c.Request().URL.Path),
				slog.Int("status", st), slog.Duration("took", time.Since(start)), slog.Int64("bytes", c.Response().Size),
				slog.String("request_id", c.Response().Header().Get(echo.HeaderXRequestID)), slog.String("remote", c.RealIP())}
			if a, ok := c.Get("redflag.actor").(workflow.Actor); ok {
				attrs = append(attrs, slog.String("actor", a.Name))
			}
			s.log.LogAttrs(c.Request().Context(), level, "request", attrs...)
		}
		return nil
	}
}

// Serve listens on the configured address and serves until ctx ends, then
// drains in-flight requests for up to 30 seconds.
func (s *Server) Serve(ctx context.Context, ready func(addr string)) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	hs := &http.Server{
		Handler:           s.Echo,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       2 * time.Minute,
		WriteTimeout:      3 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	stopSources := s.runSources(ctx)
	defer stopSources()
	if ready != nil {
		ready(ln.Addr().String())
	}
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "reason", context.Cause(ctx))
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil {
		return fmt.Errorf("server: shutdown: %w", err)
	}
	return nil
}
