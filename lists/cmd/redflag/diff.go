package main

import (
	"crypto/ed25519"
	"fmt"
	"io"

	"github.com/redflag/redflag/lists/cmd/cmdline"
	"github.com/redflag/redflag/lists/keys"
	"github.com/redflag/redflag/lists/snapshot"
)

func runDiff(args []string, stdout, stderr io.Writer, stdin io.Reader) int {
	fs := cmdline.NewFlags("diff", "--key KEY [--out FILE] OLD.snap NEW.snap",
		"Writes a signed delta that turns OLD into NEW; applying it rebuilds NEW byte for byte.", stderr)
	keyPath := fs.String("key", "", "private key file (required)")
	out := fs.String("out", "-", "delta file to write, - for stdout")
	var pubs pubFlags
	fs.Var(&pubs, "pub", "public key file to trust for OLD and NEW (repeatable; the signing key's own is trusted)")
	if st, done := cmdline.Parse(fs, args); done {
		return st
	}
	if *keyPath == "" || fs.NArg() != 2 {
		fs.Usage()
		return exitUsage
	}
	priv, err := keys.ReadPrivateFile(*keyPath)
	if err != nil {
		return cmdline.Fail(stderr, "diff", exitUsage, "%v", err)
	}
	trust, err := trustFor(pubs)
	if err != nil {
		trust = keys.NewSet()
	}
	trust.Add(priv.Public().(ed25519.PublicKey))
	var snaps [2]*snapshot.Snapshot
	for i, path := range fs.Args() {
		b, err := readInput(path, stdin)
		if err != nil {
			return cmdline.Fail(stderr, "diff", exitUsage, "%v", err)
		}
		if snaps[i], err = snapshot.Open(b, trust); err != nil {
			return cmdline.Fail(stderr, "diff", exitUsage, "%s: %v", path, err)
		}
	}
	d, err := snapshot.Diff(snaps[0], snaps[1], priv)
	if err != nil {
		return cmdline.Fail(stderr, "diff", exitUsage, "%v", err)
	}
	if err := writeOutput(*out, d, stdout); err != nil {
		return cmdline.Fail(stderr, "diff", exitUsage, "%v", err)
	}
	fmt.Fprintf(stderr, "delta %s %d -> %d: %d bytes (snapshot: %d bytes)\n", snaps[1].Name, snaps[0].Version, snaps[1].Version, len(d), len(snaps[1].Bytes()))
	return exitOK
}

func runApply(args []string, stdout, stderr io.Writer, stdin io.Reader) int {
	fs := cmdline.NewFlags("apply", "[--pub KEY]... [--out FILE] OLD.snap DELTA",
		"Applies a delta to a snapshot and writes the verified newer snapshot.", stderr)
	out := fs.String("out", "-", "snapshot file to write, - for stdout")
	var pubs pubFlags
	fs.Var(&pubs, "pub", "public key file or \"ed25519:BASE64\" to trust (repeatable)")
	if st, done := cmdline.Parse(fs, args); done {
		return st
	}
	if fs.NArg() != 2 {
		fs.Usage()
		return exitUsage
	}
	trust, err := trustFor(pubs)
	if err != nil {
		return cmdline.Fail(stderr, "apply", exitUsage, "%v", err)
	}
	old, err := readInput(fs.Arg(0), stdin)
	if err != nil {
		return cmdline.Fail(stderr, "apply", exitUsage, "%v", err)
	}
	delta, err := readInput(fs.Arg(1), stdin)
	if err != nil {
		return cmdline.Fail(stderr, "apply", exitUsage, "%v", err)
	}
	from, err := snapshot.Open(old, trust)
	if err != nil {
		return cmdline.Fail(stderr, "apply", exitUsage, "%s: %v", fs.Arg(0), err)
	}
	to, err := snapshot.ApplyDelta(from, delta, trust)
	if err != nil {
		return cmdline.Fail(stderr, "apply", exitListed, "%s: %v", fs.Arg(1), err)
	}
	if err := writeOutput(*out, to.Bytes(), stdout); err != nil {
		return cmdline.Fail(stderr, "apply", exitUsage, "%v", err)
	}
	return exitOK
}
