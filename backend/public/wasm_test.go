package public

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestBuildsForWorkers: the edge runs this package compiled with
// GOOS=js GOARCH=wasm, so it must build there and must not pull in
// storage or metrics (the Worker module has a 3 MB compressed limit).
func TestBuildsForWorkers(t *testing.T) {
	if testing.Short() {
		t.Skip("builds for wasm")
	}
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	env := append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	build := exec.Command(gobin, "build", "-o", os.DevNull, ".", "../publish")
	build.Env = env
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("GOOS=js GOARCH=wasm go build: %v\n%s", err, out)
	}
	list := exec.Command(gobin, "list", "-deps", ".")
	list.Env = env
	out, err := list.Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, banned := range []string{"modernc.org/", "database/sql", "github.com/prometheus/", "backend/store", "backend/workflow"} {
			if strings.Contains(dep, banned) {
				t.Errorf("the public API imports %s", dep)
			}
		}
	}
}
