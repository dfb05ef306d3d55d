// Command native is the baseline of the checker benchmarks: the lists core
// compiled natively, timing check.Check (the full answer, what checkMany
// returns) and check.Lookup (the verdict alone) per URL on the list and
// URLs that wasm/bench/gen wrote.
//
//	go run ./wasm/bench/native -urls 20000 -rounds 5 DATADIR
//
// Prints one JSON object: per-round nanoseconds per URL.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/redflag/redflag/lists/check"
	"github.com/redflag/redflag/lists/keys"
	"github.com/redflag/redflag/lists/snapshot"
)

func main() {
	nURLs := flag.Int("urls", 20000, "URLs to check per round (from the start of urls.txt)")
	rounds := flag.Int("rounds", 5, "rounds")
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(flag.Arg(0), *nURLs, *rounds); err != nil {
		fmt.Fprintln(os.Stderr, "native:", err)
		os.Exit(1)
	}
}

func run(dir string, nURLs, rounds int) error {
	read := func(name string) ([]byte, error) { return os.ReadFile(filepath.Join(dir, name)) }
	pubText, err := read("list.pub")
	if err != nil {
		return err
	}
	pubs, err := keys.ParsePublic(pubText)
	if err != nil {
		return err
	}
	raw, err := read("list.snap")
	if err != nil {
		return err
	}
	start := time.Now()
	s, err := snapshot.Open(raw, keys.NewSet(pubs...))
	if err != nil {
		return err
	}
	openMs := float64(time.Since(start).Microseconds()) / 1000
	text, err := read("urls.txt")
	if err != nil {
		return err
	}
	urls := strings.Split(strings.TrimSpace(string(text)), "\n")
	urls = urls[:min(nURLs, len(urls))]

	var out struct {
		OpenMs float64   `json:"openMs"`
		Check  []float64 `json:"check"`
		Lookup []float64 `json:"lookup"`
		Listed int       `json:"listed"`
	}
	out.OpenMs = openMs
	for r := 0; r < rounds; r++ {
		t := time.Now()
		listed := 0
		for _, u := range urls {
			if check.Check(s, u, check.Options{}).Listed() {
				listed++
			}
		}
		out.Check = append(out.Check, float64(time.Since(t).Nanoseconds())/float64(len(urls)))
		out.Listed = listed
		t = time.Now()
		for _, u := range urls {
			check.Lookup(s, u, check.Options{})
		}
		out.Lookup = append(out.Lookup, float64(time.Since(t).Nanoseconds())/float64(len(urls)))
	}
	return json.NewEncoder(os.Stdout).Encode(out)
}
