package edge

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redflag/redflag/backend/edge/app"
)

// The contract tests run the redflag binary and the Worker built by make
// edge under wrangler (workerd), both on 127.0.0.1. make test-edge sets
// these; a plain go test ./... skips (it has no Worker build).
var (
	redflagBin = os.Getenv("REDFLAG_BIN")      // the redflag binary
	edgeDir    = os.Getenv("REDFLAG_EDGE_DIR") // backend/edge, with build/ and node_modules/
)

func needTargets(t *testing.T) {
	t.Helper()
	if redflagBin == "" || edgeDir == "" {
		t.Skip("needs REDFLAG_BIN and REDFLAG_EDGE_DIR: run make test-edge")
	}
	for _, p := range []string{redflagBin, filepath.Join(edgeDir, "build", "app.wasm"), filepath.Join(edgeDir, "node_modules", ".bin", "wrangler")} {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("make test-edge should have built it: %v", err)
		}
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// proc is a started process group (wrangler starts workerd under it).
type proc struct {
	cmd  *exec.Cmd
	logs *bytes.Buffer
	done chan struct{}
}

func startProc(t *testing.T, dir string, env []string, name string, args ...string) *proc {
	t.Helper()
	p := &proc{cmd: exec.Command(name, args...), logs: &bytes.Buffer{}, done: make(chan struct{})}
	p.cmd.Dir = dir
	p.cmd.Env = append(os.Environ(), env...)
	p.cmd.Stdout, p.cmd.Stderr = p.logs, p.logs
	p.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
			<-p.done
		}
	})
	return p
}

// waitFor polls url until it answers 200 and returns how long that took
// from start.
func (p *proc) waitFor(t *testing.T, url string, start time.Time, limit time.Duration) time.Duration {
	t.Helper()
	c := &http.Client{Timeout: 5 * time.Second}
	for deadline := start.Add(limit); time.Now().Before(deadline); {
		t0 := time.Now()
		resp, err := c.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				t.Logf("%s %s: start to first 200 in %v (that request took %v)", filepath.Base(p.cmd.Args[0]), p.cmd.Args[1], time.Since(start).Round(time.Millisecond), time.Since(t0).Round(time.Millisecond))
				return time.Since(start)
			}
		}
		select {
		case <-p.done:
			t.Fatalf("%s exited: %v\n%s", p.cmd.Path, p.cmd.ProcessState, p.logs)
		case <-time.After(20 * time.Millisecond):
		}
	}
	t.Fatalf("%s: no 200 within %v:\n%s", url, limit, p.logs)
	return 0
}

// origin is a running redflag serve with an admin token.
type origin struct {
	url, data, token string
	proc             *proc
}

func startOrigin(t *testing.T, flags ...string) *origin {
	t.Helper()
	o := &origin{data: t.TempDir()}
	addr := freeAddr(t)
	o.url = "http://" + addr
	start := time.Now()
	o.proc = startProc(t, "", nil, redflagBin, append([]string{"serve", "--addr", addr, "--data", o.data, "--review=off", "--log-level", "warn"}, flags...)...)
	o.proc.waitFor(t, o.url+"/readyz", start, time.Minute)
	o.token = strings.TrimSpace(o.run(t, "token", "create", "--data", o.data, "--name", "alice", "--role", "admin"))
	return o
}

// run runs the redflag binary and returns its standard output.
func (o *origin) run(t *testing.T, args ...string) string {
	t.Helper()
	cmd := exec.Command(redflagBin, args...)
	cmd.Env = append(os.Environ(), "REDFLAG_SERVER="+o.url, "REDFLAG_TOKEN="+o.token)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("redflag %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String()
}

// publish proposes one entry, approves it (review is off) and publishes,
// pushing to the edge e (nil: no push).
func (o *origin) publish(t *testing.T, domain string, e *edge) string {
	t.Helper()
	return o.approveAndPublish(t, e, o.run(t, "admin", "propose", "--reason", "contract test", "--add", domain, "--kind", "flagged",
		"--authority", "Contract", "--date", "2026-11-20", "--reference", "https://contract.example/"+domain, "--json"))
}

// importAndPublish lists n made-up domains in one change and publishes it.
func (o *origin) importAndPublish(t *testing.T, n int, e *edge) string {
	t.Helper()
	var b strings.Builder
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "bench-%07d.example\n", i)
	}
	file := filepath.Join(t.TempDir(), "domains.txt")
	if err := os.WriteFile(file, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return o.approveAndPublish(t, e, o.run(t, "admin", "import", "--reason", "load", "--kind", "flagged",
		"--authority", "Load", "--date", "2026-11-20", "--reference", "https://load.example/", "--json", file))
}

func (o *origin) approveAndPublish(t *testing.T, e *edge, out string) string {
	t.Helper()
	var ch struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal([]byte(out), &ch); err != nil || ch.ID == 0 {
		t.Fatalf("propose: no change id in %s (%v)", out, err)
	}
	o.run(t, "admin", "approve", fmt.Sprint(ch.ID), "--comment", "ok")
	if e == nil {
		return o.run(t, "admin", "publish")
	}
	return o.run(t, "admin", "publish", "--edge", e.url, "--edge-token-file", e.tokenFile)
}

// edge is the Worker under wrangler dev, its R2 bucket simulated in a
// temporary directory.
type edge struct {
	url, token, tokenFile string
	maxObject             int
	coldStart             time.Duration
	proc                  *proc
}

// startEdge starts the Worker; maxObject > 0 sets its MAX_OBJECT_BYTES.
func startEdge(t *testing.T, maxObject int) *edge {
	t.Helper()
	e := &edge{token: "contract-edge-token", maxObject: maxObject}
	e.tokenFile = filepath.Join(t.TempDir(), "edge-token")
	if err := os.WriteFile(e.tokenFile, []byte(e.token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	_, port, _ := net.SplitHostPort(addr)
	_, inspector, _ := net.SplitHostPort(freeAddr(t))
	e.url = "http://" + addr
	start := time.Now()
	e.proc = startProc(t, edgeDir, []string{"WRANGLER_SEND_METRICS=false", "CI=true", "NO_COLOR=1"},
		filepath.Join(edgeDir, "node_modules", ".bin", "wrangler"), "dev",
		"--ip", "127.0.0.1", "--port", port, "--inspector-port", inspector,
		"--persist-to", t.TempDir(), "--show-interactive-dev-session=false", "--log-level", "warn",
		"--var", "EDGE_TOKEN:"+e.token, "--var", fmt.Sprintf("MAX_OBJECT_BYTES:%d", cmp.Or(e.maxObject, app.DefaultMaxObjectBytes)))
	e.coldStart = e.proc.waitFor(t, e.url+"/healthz", start, 2*time.Minute)
	return e
}
