package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/redflag/redflag/lists/cmd/cmdline"
	"github.com/redflag/redflag/lists/data"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/keys"
	"github.com/redflag/redflag/lists/snapshot"
)

func runBuild(args []string, stdout, stderr io.Writer, _ io.Reader) int {
	fs := cmdline.NewFlags("build", "--key KEY [--out FILE] (--default | ENTRYFILE...)",
		"Builds a signed snapshot from entry files (format: lists/FORMAT.md). Any bad line\nfails the build and is reported; nothing is dropped silently.", stderr)
	keyPath := fs.String("key", "", "private key file (required)")
	out := fs.String("out", "-", "snapshot file to write, - for stdout")
	name := fs.String("name", "default", "list name")
	version := fs.Uint64("version", 0, "list version (default: now in Unix milliseconds)")
	createdFlag := fs.String("created", "", "creation time, RFC 3339 (default: the version's time)")
	useDefault := fs.Bool("default", false, "build the shipped default list (lists/data) with its own name, version and time")
	names := fs.Bool("browser-names", true, "publish the names in clear for the browser's own blocking rules (lists/FORMAT.md, section 2); false keeps them out")
	if st, done := cmdline.Parse(fs, args); done {
		return st
	}
	if *keyPath == "" || (*useDefault == (fs.NArg() > 0)) {
		fs.Usage()
		return exitUsage
	}
	priv, err := keys.ReadPrivateFile(*keyPath)
	if err != nil {
		return cmdline.Fail(stderr, "build", exitUsage, "%v", err)
	}
	var entries []entry.Entry
	opt := snapshot.Options{Name: *name, Version: *version, BrowserNames: *names}
	if *useDefault {
		if entries, err = data.Entries(); err != nil {
			return cmdline.Fail(stderr, "build", exitUsage, "%v", err)
		}
		opt = data.Options()
	} else {
		bad := 0
		for _, path := range fs.Args() {
			f, err := os.Open(path)
			if err != nil {
				return cmdline.Fail(stderr, "build", exitUsage, "%v", err)
			}
			es, lineErrs, err := entry.ReadFile(f)
			f.Close()
			if err != nil {
				return cmdline.Fail(stderr, "build", exitUsage, "%s: %v", path, err)
			}
			for _, le := range lineErrs {
				fmt.Fprintf(stderr, "%s:%v\n", path, le)
			}
			bad += len(lineErrs)
			entries = append(entries, es...)
		}
		if bad > 0 {
			return cmdline.Fail(stderr, "build", exitUsage, "%d bad lines; nothing built", bad)
		}
		if opt.Version == 0 {
			opt.Version = uint64(time.Now().UnixMilli())
		}
		opt.Created = time.UnixMilli(int64(opt.Version))
		if *createdFlag != "" {
			if opt.Created, err = time.Parse(time.RFC3339, *createdFlag); err != nil {
				return cmdline.Fail(stderr, "build", exitUsage, "--created: %v", err)
			}
		}
	}
	start := time.Now()
	s, err := snapshot.Build(opt, entries, priv)
	if err != nil {
		return cmdline.Fail(stderr, "build", exitUsage, "%v", err)
	}
	if err := writeOutput(*out, s.Bytes(), stdout); err != nil {
		return cmdline.Fail(stderr, "build", exitUsage, "%v", err)
	}
	st, _ := json.Marshal(s.Stats())
	fmt.Fprintf(stderr, "built in %v: %s\n", time.Since(start).Round(time.Millisecond), st)
	return exitOK
}
