// Command loadlist measures a running publisher with a large list: it
// uploads a synthetic list through the admin API, then times "approve to
// servable snapshot" for the whole list and for small updates, the admin
// entry page and search on it, and the server's resident memory. It prints
// one JSON object per measurement; backend/bench/run.sh drives it.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/redflag/redflag/backend/client"
	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/backend/workflow"
	"github.com/redflag/redflag/lists/data"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/snapshot"
	"github.com/redflag/redflag/lists/synthetic"
)

var (
	server   = flag.String("server", "http://127.0.0.1:8080", "publisher URL")
	adminTok = flag.String("admin", "", "admin token (proposes and publishes)")
	reviewer = flag.String("reviewer", "", "reviewer token (approves)")
	n        = flag.Int("n", 1_000_000, "entries in the list")
	rounds   = flag.Int("rounds", 3, "samples per measurement")
	pid      = flag.Int("pid", 0, "server process id, for its resident memory")
	snapOut  = flag.String("snapshot-out", "", "write the served snapshot here (for the nginx comparison)")
	smallOut = flag.String("small-out", "", "also publish the default entries as list \"small\" and write its snapshot here")
)

func main() {
	flag.Parse()
	if err := run(context.Background()); err != nil {
		fmt.Fprintln(os.Stderr, "loadlist:", err)
		os.Exit(1)
	}
}

func report(name string, fields map[string]any) {
	fields["measure"] = name
	b, _ := json.Marshal(fields)
	fmt.Println(string(b))
}

func rssMB() float64 {
	if *pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", *pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.Atoi(f[1])
			return float64(kb) / 1024
		}
	}
	return 0
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	return s[len(s)/2]
}

func inputs(es []entry.Entry) []workflow.EntryInput {
	out := make([]workflow.EntryInput, len(es))
	for i, e := range es {
		out[i] = workflow.EntryInput{Pattern: e.Pattern.String(), Kind: e.Kind.String(), Date: e.Date, Authority: e.Authority, Reference: e.Reference, Note: e.Note}
	}
	return out
}

// approveToServable approves change id with the reviewer, publishes with
// the admin, and fetches the snapshot until it is the new version.
func approveToServable(ctx context.Context, admin, rev, pub *client.Client, id int64) (time.Duration, store.Version, error) {
	start := time.Now()
	if _, err := rev.Review(ctx, id, true, "bench"); err != nil {
		return 0, store.Version{}, err
	}
	v, err := admin.Publish(ctx, "default", false)
	if err != nil {
		return 0, v, err
	}
	obj, err := pub.Get(ctx, "/v1/lists/default/snapshot", "")
	if err != nil {
		return 0, v, err
	}
	took := time.Since(start)
	s, err := snapshot.Parse(obj.Body)
	if err != nil || s.Version != v.Version {
		return 0, v, fmt.Errorf("served %v after publishing %d: %v", obj.Version, v.Version, err)
	}
	return took, v, nil
}

// settle waits (at most a minute) until the server has no background
// work for the list: deltas from older versions are made after a
// publication, and publications are minutes apart in practice, so a timed
// round should not overlap the previous round's background work.
func settle(ctx context.Context, admin *client.Client) {
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var out struct {
			Lists []workflow.ListInfo `json:"lists"`
		}
		if _, err := admin.Do(ctx, client.Request{Method: "GET", Path: "/v1/admin/lists"}, &out); err != nil {
			return
		}
		busy := false
		for _, l := range out.Lists {
			busy = busy || l.DeltasPending
		}
		if !busy {
			time.Sleep(time.Second) // and the memory release that follows
			return
		}
	}
}

func run(ctx context.Context) error {
	admin, rev, pub := client.New(*server, *adminTok), client.New(*server, *reviewer), client.New(*server, "")
	report("rss_seeded", map[string]any{"rss_mb": rssMB()})
	hist, err := admin.History(ctx, "default")
	if err != nil {
		return err
	}
	seedVersion := hist[0].Version

	es := synthetic.Entries(*n, 1)
	// Uploaded sorted, as `redflag admin import` does.
	slices.SortFunc(es, func(a, b entry.Entry) int { return strings.Compare(a.Pattern.String(), b.Pattern.String()) })
	start := time.Now()
	first := min(len(es), workflow.MaxBatch)
	ans, err := admin.Propose(ctx, "default", workflow.Proposal{Reason: "bench", Add: inputs(es[:first]), Draft: first < len(es)}, "")
	if err != nil {
		return err
	}
	id := ans.Change.ID
	for i := first; i < len(es); i += workflow.MaxBatch {
		if _, err := admin.Append(ctx, id, workflow.Batch{Add: inputs(es[i:min(i+workflow.MaxBatch, len(es))])}, ""); err != nil {
			return err
		}
	}
	if first < len(es) {
		if _, err := admin.Submit(ctx, id, ""); err != nil {
			return err
		}
	}
	report("upload", map[string]any{"entries": len(es), "seconds": time.Since(start).Seconds()})

	// The whole list, approve to servable: the first import, then the same
	// content restored by rollback after rolling back to the seed.
	var full []float64
	var big store.Version
	for r := 0; r < *rounds; r++ {
		if r > 0 {
			// Back to the seeded list (not timed), then restore the big one.
			c, err := admin.Rollback(ctx, "default", seedVersion, "bench: reset")
			if err != nil {
				return err
			}
			if _, _, err := approveToServable(ctx, admin, rev, pub, c.ID); err != nil {
				return err
			}
			c, err = admin.Rollback(ctx, "default", big.Version, "bench: restore")
			if err != nil {
				return err
			}
			id = c.ID
		}
		settle(ctx, admin)
		took, v, err := approveToServable(ctx, admin, rev, pub, id)
		if err != nil {
			return err
		}
		big = v
		full = append(full, took.Seconds())
		report("approve_to_servable_full", map[string]any{"round": r, "entries": v.Entries, "seconds": took.Seconds(), "snapshot_bytes": v.Size, "deltas": v.Deltas})
	}
	report("approve_to_servable_full_median", map[string]any{"entries": big.Entries, "seconds": median(full), "goal_seconds": 2})

	// Small updates on the big list: 100 additions and 100 removals.
	var small []float64
	for r := 0; r < *rounds; r++ {
		add := synthetic.Entries(100, uint64(1000+r))
		var remove []string
		for _, e := range es[r*100 : r*100+100] {
			remove = append(remove, e.Pattern.String())
		}
		c, err := admin.Propose(ctx, "default", workflow.Proposal{Reason: "bench update", Add: inputs(add), Remove: remove}, "")
		if err != nil {
			return err
		}
		settle(ctx, admin)
		took, v, err := approveToServable(ctx, admin, rev, pub, c.ID)
		if err != nil {
			return err
		}
		small = append(small, took.Seconds())
		report("approve_to_servable_update", map[string]any{"round": r, "entries": v.Entries, "seconds": took.Seconds(), "deltas": v.Deltas})
	}
	report("approve_to_servable_update_median", map[string]any{"seconds": median(small)})

	// The admin console's questions on the big list.
	target := es[len(es)/2].Pattern.Host
	for _, q := range []url.Values{{"limit": {"100"}}, {"limit": {"100"}, "after": {"m"}}, {"q": {target}, "limit": {"100"}}} {
		var server, client []float64
		for r := 0; r < 5; r++ {
			t0 := time.Now()
			p, err := rev.Entries(ctx, "default", q)
			if err != nil {
				return err
			}
			client = append(client, time.Since(t0).Seconds()*1000)
			server = append(server, p.TookMS)
		}
		report("entries_page", map[string]any{"query": q.Encode(), "server_ms_median": median(server), "client_ms_median": median(client), "goal_ms": 300})
	}

	time.Sleep(3 * time.Second)
	report("rss_1m", map[string]any{"entries": big.Entries, "rss_mb": rssMB()})
	if *snapOut != "" {
		obj, err := pub.Get(ctx, "/v1/lists/default/snapshot", "")
		if err != nil {
			return err
		}
		if err := os.WriteFile(*snapOut, obj.Body, 0o644); err != nil {
			return err
		}
		report("snapshot", map[string]any{"bytes": len(obj.Body), "etag": obj.ETag, "version": obj.Version})
	}
	if *smallOut != "" {
		if _, err := admin.Do(ctx, client.Request{Method: "POST", Path: "/v1/admin/lists", Body: map[string]string{"name": "small"}}, nil); err != nil {
			return err
		}
		es, err := data.Entries()
		if err != nil {
			return err
		}
		ans, err := admin.Propose(ctx, "small", workflow.Proposal{Reason: "bench", Add: inputs(es)}, "")
		if err != nil {
			return err
		}
		if _, err := rev.Review(ctx, ans.Change.ID, true, ""); err != nil {
			return err
		}
		if _, err := admin.Publish(ctx, "small", false); err != nil {
			return err
		}
		obj, err := pub.Get(ctx, "/v1/lists/small/snapshot", "")
		if err != nil {
			return err
		}
		if err := os.WriteFile(*smallOut, obj.Body, 0o644); err != nil {
			return err
		}
		report("small_snapshot", map[string]any{"bytes": len(obj.Body), "entries": len(es)})
	}
	return nil
}
