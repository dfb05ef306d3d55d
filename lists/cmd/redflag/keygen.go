package main

import (
	"fmt"
	"io"
	"os"

	"github.com/redflag/redflag/lists/cmd/cmdline"
	"github.com/redflag/redflag/lists/keys"
)

func runKeygen(args []string, stdout, stderr io.Writer, _ io.Reader) int {
	fs := cmdline.NewFlags("keygen", "--out PREFIX",
		"Writes PREFIX.key (private, mode 0600, never overwritten) and PREFIX.pub (public)\nand prints the key id. Keep the private key off every machine that does not sign.", stderr)
	out := fs.String("out", "", "path prefix of the key files (required)")
	if st, done := cmdline.Parse(fs, args); done {
		return st
	}
	if *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return exitUsage
	}
	pub, priv, err := keys.Generate()
	if err != nil {
		return cmdline.Fail(stderr, "keygen", exitUsage, "%v", err)
	}
	if err := keys.WritePrivateFile(*out+".key", priv); err != nil {
		return cmdline.Fail(stderr, "keygen", exitUsage, "%v", err)
	}
	if err := os.WriteFile(*out+".pub", keys.MarshalPublic(pub), 0o644); err != nil {
		return cmdline.Fail(stderr, "keygen", exitUsage, "%v", err)
	}
	fmt.Fprintf(stdout, "key id %s\nprivate key %s.key\npublic key  %s.pub (%s)\n", keys.IDOf(pub), *out, *out, keys.FormatText(pub))
	return exitOK
}
