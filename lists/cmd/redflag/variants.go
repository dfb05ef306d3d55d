package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"

	"github.com/redflag/redflag/lists/canon"
	"github.com/redflag/redflag/lists/check"
	"github.com/redflag/redflag/lists/cmd/cmdline"
	"github.com/redflag/redflag/lists/lookalike"
)

// variantAnswer is one line of `redflag variants --json`.
type variantAnswer struct {
	Class     string `json:"class"`
	Domain    string `json:"domain"`
	Verdict   string `json:"verdict"`
	Resembles string `json:"resembles,omitempty"`
	How       string `json:"how,omitempty"`
}

func runVariants(args []string, stdout, stderr io.Writer, stdin io.Reader) int {
	fs := cmdline.NewFlags("variants", "[--snapshot FILE] [--pub KEY]... [--json] DOMAIN",
		"Prints the names a front could register beside DOMAIN (typos, other suffixes,\nhyphens, look-alike letters, added words: the families a permutation engine\nsuch as dnstwist makes) and RedFlag's answer for each against the embedded\ndefault list or --snapshot, with how many of each family are cautioned.\nNothing is looked up on the network.", stderr)
	snapPath := fs.String("snapshot", "", "signed snapshot to check against (default: the embedded default list)")
	var pubs pubFlags
	fs.Var(&pubs, "pub", "public key file or \"ed25519:BASE64\" to trust for --snapshot (repeatable)")
	asJSON := fs.Bool("json", false, "print one JSON object per variant")
	if st, done := cmdline.Parse(fs, args); done {
		return st
	}
	if fs.NArg() != 1 {
		return cmdline.Fail(stderr, "variants", exitUsage, "want one domain, got %d arguments", fs.NArg())
	}
	u, err := canon.Parse(fs.Arg(0))
	if err != nil {
		return cmdline.Fail(stderr, "variants", exitUsage, "%v", err)
	}
	registrable := canon.Registrable(u.Host)
	if registrable == "" {
		return cmdline.Fail(stderr, "variants", exitUsage, "%q has no registrable domain", u.Host)
	}
	s, err := loadSnapshot(*snapPath, pubs, stdin)
	if err != nil {
		return cmdline.Fail(stderr, "variants", exitUsage, "%v", err)
	}
	out := bufio.NewWriter(stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	type tally struct{ cautioned, listed, all int }
	tallies := map[string]*tally{}
	var answers []variantAnswer
	for _, v := range lookalike.Variants(registrable) {
		r := check.Check(s, v.Domain, check.Options{})
		a := variantAnswer{Class: v.Class, Domain: v.Domain, Verdict: r.Verdict, Resembles: r.Resembles, How: r.How}
		if *asJSON {
			enc.Encode(a)
			continue
		}
		t := tallies[v.Class]
		if t == nil {
			t = &tally{}
			tallies[v.Class] = t
		}
		t.all++
		switch {
		case r.Verdict == check.Caution:
			t.cautioned++
		case r.Listed():
			t.listed++
		}
		answers = append(answers, a)
	}
	if *asJSON {
		return exitOK
	}
	fmt.Fprintf(out, "Variants of %s against list %q version %d:\n\n", registrable, s.Name, s.Version)
	fmt.Fprintf(out, "%-14s %9s %7s %7s\n", "family", "cautioned", "listed", "of")
	for _, c := range lookalike.VariantClasses {
		if t := tallies[c]; t != nil {
			fmt.Fprintf(out, "%-14s %9d %7d %7d\n", c, t.cautioned, t.listed, t.all)
		}
	}
	fmt.Fprintln(out)
	for _, a := range answers {
		line := fmt.Sprintf("%-8s %-14s %s", a.Verdict, a.Class, a.Domain)
		if a.Resembles != "" {
			line += fmt.Sprintf("  resembles %s: %s", a.Resembles, a.How)
		}
		fmt.Fprintln(out, line)
	}
	return exitOK
}
