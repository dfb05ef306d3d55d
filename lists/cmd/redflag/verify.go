package main

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/redflag/redflag/lists/cmd/cmdline"
	"github.com/redflag/redflag/lists/snapshot"
)

func runVerify(args []string, stdout, stderr io.Writer, stdin io.Reader) int {
	fs := cmdline.NewFlags("verify", "[--pub KEY]... [--base OLD.snap] FILE",
		"Verifies a snapshot: structure and signature against the trusted keys (this\nbuild's plus --pub). With --base, FILE is a delta, verified by applying it.\nPrints the snapshot's description, or the reason it is not valid (exit 1).", stderr)
	var pubs pubFlags
	fs.Var(&pubs, "pub", "public key file or \"ed25519:BASE64\" to trust (repeatable)")
	base := fs.String("base", "", "snapshot a delta applies to")
	if st, done := cmdline.Parse(fs, args); done {
		return st
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	trust, err := trustFor(pubs)
	if err != nil {
		return cmdline.Fail(stderr, "verify", exitUsage, "%v", err)
	}
	b, err := readInput(fs.Arg(0), stdin)
	if err != nil {
		return cmdline.Fail(stderr, "verify", exitUsage, "%v", err)
	}
	var s *snapshot.Snapshot
	if *base != "" {
		bb, err := readInput(*base, stdin)
		if err != nil {
			return cmdline.Fail(stderr, "verify", exitUsage, "%v", err)
		}
		from, err := snapshot.Open(bb, trust)
		if err != nil {
			return cmdline.Fail(stderr, "verify", exitListed, "base %s: %v", *base, err)
		}
		if s, err = snapshot.ApplyDelta(from, b, trust); err != nil {
			return cmdline.Fail(stderr, "verify", exitListed, "%s: %v", fs.Arg(0), err)
		}
	} else if info, derr := snapshot.ReadDeltaInfo(b); derr == nil {
		return cmdline.Fail(stderr, "verify", exitUsage, "%s is a delta (list %s, %d -> %d): pass --base with the version %d snapshot",
			fs.Arg(0), info.Name, info.FromVersion, info.ToVersion, info.FromVersion)
	} else if s, err = snapshot.Open(b, trust); err != nil {
		return cmdline.Fail(stderr, "verify", exitListed, "%s: %v", fs.Arg(0), err)
	}
	st, _ := json.MarshalIndent(s.Stats(), "", "  ")
	fmt.Fprintf(stdout, "ok: %s\n", st)
	return exitOK
}
