package e2e

import (
	"bytes"
	"context"
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

	"github.com/redflag/redflag/backend/client"
)

var binary string // the redflag binary under test

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "redflag-e2e-")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "redflag")
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		panic(err)
	}
	build := exec.Command("go", "build", "-o", binary, "./lists/cmd/redflag")
	build.Dir = filepath.Dir(strings.TrimSpace(string(out)))
	if b, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building redflag: %v\n%s", err, b)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a running `redflag serve`.
type server struct {
	t    *testing.T
	dir  string
	url  string
	args []string
	cmd  *exec.Cmd
	logs *bytes.Buffer
	done chan struct{} // closed when the process has exited
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// start runs redflag serve on a fresh data directory (or dir, to restart).
func start(t *testing.T, dir string, args ...string) *server {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	s := &server{t: t, dir: dir, args: args}
	s.run()
	t.Cleanup(s.stop)
	return s
}

func (s *server) run() {
	s.t.Helper()
	addr := freeAddr(s.t)
	s.url = "http://" + addr
	s.logs = &bytes.Buffer{}
	s.cmd = exec.Command(binary, append([]string{"serve", "--addr", addr, "--data", s.dir}, s.args...)...)
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	s.done = make(chan struct{})
	go func() { s.cmd.Wait(); close(s.done) }()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(s.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-s.done:
			s.t.Fatalf("redflag serve exited: %v\n%s", s.cmd.ProcessState, s.logs)
		case <-time.After(50 * time.Millisecond):
		}
	}
	s.t.Fatalf("redflag serve did not become ready:\n%s", s.logs)
}

// stop ends the server with SIGTERM and expects a clean exit.
func (s *server) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	select {
	case <-s.done:
		return // already stopped
	default:
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
		if !s.cmd.ProcessState.Success() {
			s.t.Errorf("redflag serve exited with %v after SIGTERM:\n%s", s.cmd.ProcessState, s.logs)
		}
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		s.t.Errorf("redflag serve did not stop within 30 s of SIGTERM")
	}
}

// kill ends the server with SIGKILL.
func (s *server) kill() {
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// redflag runs the binary and returns stdout; it fails the test on a
// non-zero exit unless allowFail.
func redflag(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr, cmd.Stdin = &out, &errOut, strings.NewReader(stdin)
	err := cmd.Run()
	return out.String(), errOut.String(), err
}

// token makes a token in the server's data directory.
func (s *server) token(name, role string) string {
	s.t.Helper()
	out, errOut, err := redflag(s.t, "", "token", "create", "--data", s.dir, "--name", name, "--role", role)
	if err != nil {
		s.t.Fatalf("token create: %v: %s", err, errOut)
	}
	return strings.TrimSpace(out)
}

func (s *server) client(token string) *client.Client {
	c := client.New(s.url, token)
	c.Retries = 0
	return c
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	t.Cleanup(cancel)
	return c
}
