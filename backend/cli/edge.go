package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/redflag/redflag/backend/client"
	"github.com/redflag/redflag/backend/edge/mirror"
	"github.com/redflag/redflag/backend/workflow"
	"github.com/redflag/redflag/lists/cmd/cmdline"
)

// edgeEnv holds the flags of pushes to the edge Worker.
type edgeEnv struct {
	url, tokenFile string
	settle         time.Duration
}

func edgeFlags(fs *flag.FlagSet, a *adminEnv) {
	fs.StringVar(&a.edge.url, "edge", os.Getenv("REDFLAG_EDGE"), "edge Worker URL to push the published objects to (env REDFLAG_EDGE)")
	fs.StringVar(&a.edge.tokenFile, "edge-token-file", "", "file holding the Worker's EDGE_TOKEN secret (default: env REDFLAG_EDGE_TOKEN)")
	fs.DurationVar(&a.edge.settle, "edge-wait", 30*time.Second, "how long to wait for deltas from older versions before pushing")
}

func runEdge(a *adminEnv) int {
	if a.edge.url == "" {
		return cmdline.Fail(a.stderr, a.name, exitUsage, "--edge URL is required")
	}
	return a.pushEdge()
}

// pushEdge mirrors what the origin serves to the edge, once the deltas
// made after a publication are there (until then their clients would
// fetch whole snapshots from the edge).
func (a *adminEnv) pushEdge() int {
	token, err := edgeToken(a.edge.tokenFile)
	if err != nil {
		return cmdline.Fail(a.stderr, a.name, exitUsage, "%v", err)
	}
	ctx := context.Background()
	if !deltasSettled(ctx, a.c, a.edge.settle) {
		fmt.Fprintf(a.stderr, "redflag %s: deltas from older versions still pending after %v; pushing what is published\n", a.name, a.edge.settle)
	}
	start := time.Now()
	set, err := mirror.Fetch(ctx, a.c.Server)
	if err != nil {
		return a.failed(err)
	}
	edge := mirror.Edge{URL: a.edge.url, Token: token}
	total := 0
	if err := edge.Push(ctx, set, func(_ string, n int) { total += n }); err != nil {
		return a.failed(err)
	}
	if err := edge.Check(ctx, set); err != nil {
		return a.failed(err)
	}
	for _, ix := range set.Indexes {
		fmt.Fprintf(a.stdout, "edge %s: list %s at version %d (%d deltas)\n", a.edge.url, ix.Name, ix.Version, len(ix.Deltas))
	}
	fmt.Fprintf(a.stdout, "pushed %d objects (%d bytes) in %v\n", len(set.Objects), total, time.Since(start).Round(time.Millisecond))
	return exitOK
}

// deltasSettled waits up to d until no list has deltas pending.
func deltasSettled(ctx context.Context, c *client.Client, d time.Duration) bool {
	for deadline := time.Now().Add(d); ; time.Sleep(100 * time.Millisecond) {
		var out struct {
			Lists []workflow.ListInfo `json:"lists"`
		}
		if _, err := c.Do(ctx, client.Request{Method: "GET", Path: "/v1/admin/lists"}, &out); err != nil {
			return false
		}
		busy := false
		for _, l := range out.Lists {
			busy = busy || l.DeltasPending
		}
		if !busy {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// edgeToken reads the edge Worker's secret from file, or from
// REDFLAG_EDGE_TOKEN when file is empty.
func edgeToken(file string) (string, error) {
	token := os.Getenv("REDFLAG_EDGE_TOKEN")
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("--edge-token-file: %v", err)
		}
		token = strings.TrimSpace(string(b))
	}
	if token == "" {
		return "", fmt.Errorf("no edge token: pass --edge-token-file or set REDFLAG_EDGE_TOKEN")
	}
	return token, nil
}
