package edge

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"
)

// TestLoad measures snapshot GETs, 200 and 304, against redflag serve and
// the Worker in the same run (make bench-edge). The load is bounded: each
// round lasts REDFLAG_EDGE_BENCH_SECONDS (default 5) and stops at 100,000
// requests, on 127.0.0.1 only.
func TestLoad(t *testing.T) {
	if os.Getenv("REDFLAG_EDGE_BENCH") == "" {
		t.Skip("a load measurement: make bench-edge")
	}
	needTargets(t)
	secs, _ := strconv.Atoi(os.Getenv("REDFLAG_EDGE_BENCH_SECONDS"))
	if secs <= 0 {
		secs = 5
	}
	entries, _ := strconv.Atoi(os.Getenv("REDFLAG_EDGE_BENCH_ENTRIES"))
	if entries <= 0 {
		entries = 100_000
	}
	o, e := startOrigin(t), startEdge(t, 0)
	o.publish(t, "load-one.example", e)
	measure(t, o, e, secs, []string{"healthz", "200", "304"})
	start := time.Now()
	o.importAndPublish(t, entries, e)
	t.Logf("imported, published and pushed %d entries in %v", entries, time.Since(start).Round(time.Millisecond))
	measure(t, o, e, secs, []string{"200", "304"})
	t.Logf("healthz reads no object; 304 needs the index, 200 the index and the snapshot (on the edge from the isolate cache after the first read)")
	t.Logf("Worker cold start (wrangler dev start to first 200) %v", e.coldStart.Round(time.Millisecond))
}

// measure runs each kind of request at concurrency 1 and 8 against both
// targets and logs throughput, p50, p99 and the ratios.
func measure(t *testing.T, o *origin, e *edge, secs int, kinds []string) {
	ix := index(t, o.url)
	t.Logf("list default: %d entries, snapshot %d bytes", ix.Entries, ix.Snapshot.Size)
	type result struct {
		n             int
		rps, p50, p99 float64 // per second, milliseconds
	}
	for _, conc := range []int{1, 8} {
		for _, kind := range kinds {
			results := map[string]result{}
			for _, target := range []struct{ name, url string }{{"serve", o.url}, {"edge", e.url}} {
				url, etag, want := target.url+"/v1/lists/default/snapshot", "", kind
				switch kind {
				case "304":
					etag = ix.Snapshot.ETag
				case "healthz": // the runtime's floor: no object read
					url, want = target.url+"/healthz", "200"
				}
				lat, took, err := load(url, etag, want, conc, time.Duration(secs)*time.Second, 100_000)
				if err != nil {
					t.Fatalf("%s %s: %v", target.name, kind, err)
				}
				sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
				r := result{n: len(lat), rps: float64(len(lat)) / took.Seconds(),
					p50: ms(lat[len(lat)/2]), p99: ms(lat[len(lat)*99/100])}
				results[target.name] = r
				t.Logf("%-5s %-7s c=%d: %6d requests, %8.0f req/s, p50 %7.2f ms, p99 %7.2f ms", target.name, kind, conc, r.n, r.rps, r.p50, r.p99)
			}
			s, w := results["serve"], results["edge"]
			t.Logf("      %-7s c=%d: edge/serve throughput %.3f, p99 %.1f×", kind, conc, w.rps/s.rps, w.p99/s.p99)
		}
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// load sends GETs from conc clients until d has passed or max requests
// were made, and returns each request's latency; any status but want is
// an error.
func load(url, etag, want string, conc int, d time.Duration, max int) ([]time.Duration, time.Duration, error) {
	tr := &http.Transport{MaxIdleConnsPerHost: conc, DisableCompression: true}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: tr, Timeout: 10 * time.Second}
	var (
		mu     sync.Mutex
		all    []time.Duration
		firstE error
		wg     sync.WaitGroup
		count  int
	)
	start := time.Now()
	deadline := start.Add(d)
	for i := 0; i < conc; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			defer func() { mu.Lock(); all = append(all, lat...); mu.Unlock() }()
			req, _ := http.NewRequest(http.MethodGet, url, nil)
			if etag != "" {
				req.Header.Set("If-None-Match", etag)
			}
			for time.Now().Before(deadline) {
				mu.Lock()
				count++
				stop := count > max || firstE != nil
				mu.Unlock()
				if stop {
					return
				}
				t0 := time.Now()
				resp, err := c.Do(req)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if strconv.Itoa(resp.StatusCode) != want {
						err = fmt.Errorf("status %d, want %s", resp.StatusCode, want)
					}
				}
				if err != nil {
					mu.Lock()
					firstE = err
					mu.Unlock()
					return
				}
				lat = append(lat, time.Since(t0))
			}
		}()
	}
	wg.Wait()
	return all, time.Since(start), firstE
}
