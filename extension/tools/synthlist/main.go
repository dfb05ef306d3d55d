// Command synthlist writes a signed snapshot of the default list plus n
// synthetic entries, newer than the embedded default list, for measuring
// the extension with a list of realistic size (make bench-extension).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/redflag/redflag/lists/data"
	"github.com/redflag/redflag/lists/keys"
	"github.com/redflag/redflag/lists/snapshot"
	"github.com/redflag/redflag/lists/synthetic"
)

func main() {
	n := flag.Int("entries", 1_000_000, "synthetic entries besides the default list's")
	seed := flag.Uint64("seed", 1, "seed of the synthetic entries")
	keyPath := flag.String("key", "", "signing key (PKCS#8 PEM), e.g. the development key")
	out := flag.String("out", "", "snapshot file to write")
	flag.Parse()
	if *keyPath == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: synthlist --key KEY --out FILE [--entries N] [--seed S]")
		os.Exit(2)
	}
	if err := run(*n, *seed, *keyPath, *out); err != nil {
		fmt.Fprintln(os.Stderr, "synthlist:", err)
		os.Exit(1)
	}
}

func run(n int, seed uint64, keyPath, out string) error {
	pem, err := os.ReadFile(keyPath)
	if err != nil {
		return err
	}
	priv, err := keys.ParsePrivate(pem)
	if err != nil {
		return fmt.Errorf("%s: %w", keyPath, err)
	}
	es, err := data.Entries()
	if err != nil {
		return err
	}
	es = append(es, synthetic.Entries(n, seed)...)
	opt := data.Options()
	opt.Version++ // newer than the embedded list, so the extension takes it
	snap, err := snapshot.Build(opt, es, priv)
	if err != nil {
		return err
	}
	if err := os.WriteFile(out, snap.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("wrote %s: %d entries, %d bytes, version %d\n", out, len(es), len(snap.Bytes()), opt.Version)
	return nil
}
