// Package cli implements the publisher's subcommands of the redflag
// binary: serve, token and admin. Each takes its arguments and output
// streams and returns an exit status; lists/cmd/redflag registers them.
package cli

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/redflag/redflag/backend/edge/mirror"
	"github.com/redflag/redflag/backend/public"
	"github.com/redflag/redflag/backend/server"
	"github.com/redflag/redflag/lists/cmd/cmdline"
)

// Exit statuses, as in the rest of the redflag command.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// Serve runs `redflag serve`.
func Serve(args []string, stdout, stderr io.Writer, _ io.Reader) int {
	fs := cmdline.NewFlags("serve", "", "Runs the publisher: admins push list changes through the admin API (bearer tokens,\nsee \"redflag token\"), browsers fetch signed snapshots and deltas from the public API.\nThe first start seeds the default list and makes a signing key in the data directory.\nStops gracefully on SIGTERM or SIGINT.", stderr)
	var cfg server.Config
	fs.StringVar(&cfg.Addr, "addr", "127.0.0.1:8080", "listen address")
	fs.StringVar(&cfg.DataDir, "data", "./redflag-data", "data directory (SQLite database, signing key)")
	fs.StringVar(&cfg.KeyPath, "key", "", "signing key file (default: DATA/signing.key, made on first start)")
	var trust cmdline.Strings
	fs.Var(&trust, "trust", "also publish this public key file at /v1/keys (repeatable; for key rotation)")
	review := fs.String("review", "on", "on: a change needs a second admin or reviewer; off: proposers approve their own (one-person setups)")
	fs.IntVar(&cfg.DeltaVersions, "deltas", 8, "previous versions that get a delta to each new version")
	fs.Float64Var(&cfg.AdminRate, "admin-rate", 20, "admin requests per second per token")
	fs.IntVar(&cfg.AdminBurst, "admin-burst", 200, "admin request burst per token")
	fs.StringVar(&cfg.BodyLimit, "body-limit", "32M", "largest admin request body")
	fs.DurationVar(&cfg.MaxAge, "max-age", public.DefaultMaxAge, "Cache-Control max-age of published objects (0s: clients revalidate every poll)")
	level := fs.String("log-level", "info", "debug, info, warn or error")
	edgeURL := fs.String("edge", os.Getenv("REDFLAG_EDGE"), "edge Worker URL to keep in step: every publication is pushed to it (env REDFLAG_EDGE)")
	edgeTokenFile := fs.String("edge-token-file", "", "file holding the edge Worker's EDGE_TOKEN secret (default: env REDFLAG_EDGE_TOKEN)")
	if st, done := cmdline.Parse(fs, args); done {
		return st
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	switch *review {
	case "on":
	case "off":
		cfg.ReviewOff = true
	default:
		return cmdline.Fail(stderr, "serve", exitUsage, "--review=%q: want on or off", *review)
	}
	cfg.TrustPubs = trust
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(*level)); err != nil {
		return cmdline.Fail(stderr, "serve", exitUsage, "--log-level: %v", err)
	}
	cfg.Logger = slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: lv}))
	var edge *mirror.Edge
	if *edgeURL != "" {
		token, err := edgeToken(*edgeTokenFile)
		if err != nil {
			return cmdline.Fail(stderr, "serve", exitUsage, "%v", err)
		}
		edge = &mirror.Edge{URL: *edgeURL, Token: token}
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	s, err := server.New(ctx, cfg)
	if err != nil {
		return cmdline.Fail(stderr, "serve", exitFail, "%v", err)
	}
	defer s.Close()
	err = s.Serve(ctx, func(addr string) {
		fmt.Fprintf(stdout, "redflag serve: listening on http://%s (data %s, signing key %s, review %s)\n",
			addr, cfg.DataDir, s.Workflow.KeyID(), s.Workflow.ReviewMode())
		for _, ix := range s.Workflow.Indexes() {
			fmt.Fprintf(stdout, "  list %s: version %d, %d entries: http://%s/v1/lists/%s/snapshot\n", ix.Name, ix.Version, ix.Entries, addr, ix.Name)
		}
		fmt.Fprintf(stdout, "  admin console: http://%s/admin (sign in with a token: redflag token create --data %s --name NAME --role admin)\n", addr, cfg.DataDir)
		if edge != nil {
			fmt.Fprintf(stdout, "  edge: every publication is pushed to %s\n", edge.URL)
			go mirror.Follow(ctx, "http://"+addr, *edge, mirror.FromWorkflow(s.Workflow), mirror.FollowConfig{Log: cfg.Logger})
		}
	})
	if err != nil {
		return cmdline.Fail(stderr, "serve", exitFail, "%v", err)
	}
	return exitOK
}
