// Command gen writes the data the checker benchmarks share: a signed
// synthetic list of -entries entries (lists/synthetic) as a snapshot of the
// default list one version above the shipped one, the throwaway public key
// that signed it, a stream of URLs to check, and the entries' patterns for
// the pure-JavaScript peers; and the same entries as a company's list
// (named "company", version 1, signed by a second throwaway key), to be
// subscribed next to the default list (wasm/bench/lists.mjs).
//
//	go run ./wasm/bench/gen -entries 1000000 -urls 100000 -out DIR
//
// DIR gets list.snap, list.pub ("ed25519:BASE64"), company.snap,
// company.pub, urls.txt and patterns.txt (one pattern a line:
// "example.com" or "github.com/user/"). With -shipped, the entries are the
// shipped default list's instead of synthetic ones: look-alikes' price on
// a small list (wasm/bench/run.sh).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/redflag/redflag/lists/data"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/keys"
	"github.com/redflag/redflag/lists/snapshot"
	"github.com/redflag/redflag/lists/synthetic"
)

func main() {
	n := flag.Int("entries", 1_000_000, "entries in the list")
	nURLs := flag.Int("urls", 100_000, "URLs to write")
	listed := flag.Int("listed", 1, "percent of URLs that fall on listed entries")
	out := flag.String("out", "", "directory to write into (required)")
	shipped := flag.Bool("shipped", false, "the shipped default list's entries instead of -entries synthetic ones")
	flag.Parse()
	if *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	var es []entry.Entry
	if *shipped {
		var err error
		if es, err = data.Entries(); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	} else {
		es = synthetic.Entries(*n, 1)
	}
	if err := run(es, *nURLs, *listed, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(es []entry.Entry, nURLs, listed int, dir string) error {
	pub, priv, err := keys.Generate()
	if err != nil {
		return err
	}
	start := time.Now()
	version := uint64(data.Version + 1)
	s, err := snapshot.Build(snapshot.Options{Name: data.Name, Version: version, Created: time.UnixMilli(int64(version))}, es, priv)
	if err != nil {
		return err
	}
	companyPub, companyPriv, err := keys.Generate()
	if err != nil {
		return err
	}
	company, err := snapshot.Build(snapshot.Options{Name: "company", Version: 1, Created: time.UnixMilli(1)}, es, companyPriv)
	if err != nil {
		return err
	}
	var patterns strings.Builder
	for _, e := range es {
		patterns.WriteString(e.Pattern.String())
		patterns.WriteByte('\n')
	}
	files := map[string][]byte{
		"list.snap":    s.Bytes(),
		"list.pub":     []byte(keys.FormatText(pub) + "\n"),
		"company.snap": company.Bytes(),
		"company.pub":  []byte(keys.FormatText(companyPub) + "\n"),
		"urls.txt":     []byte(strings.Join(synthetic.URLs(nURLs, 2, es, listed), "\n") + "\n"),
		"patterns.txt": []byte(patterns.String()),
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
	}
	fmt.Fprintf(os.Stderr, "gen: %d entries, %d keys, %d bytes, %d URLs in %s (%v)\n",
		len(es), len(s.Keys), len(s.Bytes()), nURLs, dir, time.Since(start).Round(time.Millisecond))
	return nil
}
