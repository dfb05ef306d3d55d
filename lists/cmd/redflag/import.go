package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/redflag/redflag/lists/cmd/cmdline"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/ingest"
)

func runImport(args []string, stdout, stderr io.Writer, stdin io.Reader) int {
	fs := cmdline.NewFlags("import", "[--format F] [provenance flags] [--out FILE] INPUT",
		"Reads a plain domain-per-line list, a hosts file (0.0.0.0 example.com), an Adblock\nlist (||example.com^), a CSV with provenance columns or a STIX 2.1 bundle, and\nwrites an entry file. Provenance flags fill what the input lacks. Every line not\nimported is reported with its reason; with --rejects they all go to a file.\nExit status 1 when some lines were rejected.", stderr)
	format := fs.String("format", "auto", "input format: auto, plain, hosts, adblock, csv, stix")
	out := fs.String("out", "-", "entry file to write, - for stdout")
	rejects := fs.String("rejects", "", "write every rejected line here (TSV: line, input, reason)")
	kind := fs.String("kind", "", "seized or flagged")
	allowPlatforms := fs.Bool("allow-platforms", false, "accept whole shared platforms (github.com, linkedin.com, ...) as entries")
	var prov entry.Provenance
	fs.StringVar(&prov.Authority, "authority", "", "who listed these (e.g. \"US Department of Justice\")")
	fs.StringVar(&prov.Date, "date", "", "date of the seizure or report, YYYY-MM-DD")
	fs.StringVar(&prov.Reference, "reference", "", "URL of the public source")
	fs.StringVar(&prov.Note, "note", "", "optional note")
	if st, done := cmdline.Parse(fs, args); done {
		return st
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return exitUsage
	}
	if *kind != "" {
		k, err := entry.ParseKind(*kind)
		if err != nil {
			return cmdline.Fail(stderr, "import", exitUsage, "--kind: %v", err)
		}
		prov.Kind = k
	}
	in, err := readInput(fs.Arg(0), stdin)
	if err != nil {
		return cmdline.Fail(stderr, "import", exitUsage, "%v", err)
	}
	res, err := ingest.Read(bytes.NewReader(in), ingest.Format(*format), prov, ingest.Options{AllowPlatforms: *allowPlatforms})
	if err != nil {
		return cmdline.Fail(stderr, "import", exitUsage, "%v", err)
	}
	var buf bytes.Buffer
	if err := entry.WriteFile(&buf, res.Entries); err != nil {
		return cmdline.Fail(stderr, "import", exitUsage, "%v", err)
	}
	if err := writeOutput(*out, buf.Bytes(), stdout); err != nil {
		return cmdline.Fail(stderr, "import", exitUsage, "%v", err)
	}
	fmt.Fprintf(stderr, "%s: %s format: accepted %d, rejected %d\n", fs.Arg(0), res.Format, len(res.Entries), len(res.Rejected))
	reportRejections(stderr, res.Rejected)
	if *rejects != "" {
		var rb bytes.Buffer
		for _, r := range res.Rejected {
			fmt.Fprintf(&rb, "%d\t%s\t%s\n", r.Line, r.Input, r.Reason)
		}
		if err := os.WriteFile(*rejects, rb.Bytes(), 0o644); err != nil {
			return cmdline.Fail(stderr, "import", exitUsage, "%v", err)
		}
	}
	if len(res.Rejected) > 0 {
		return exitListed
	}
	return exitOK
}

// reportRejections prints the first rejections in full and a count per
// reason, so a million-line file with one recurring problem stays readable.
func reportRejections(w io.Writer, rs []ingest.Rejection) {
	const shown = 20
	for i, r := range rs {
		if i == shown {
			fmt.Fprintf(w, "  ... and %d more\n", len(rs)-shown)
			break
		}
		fmt.Fprintf(w, "  line %d: %q: %s\n", r.Line, r.Input, r.Reason)
	}
	if len(rs) <= shown {
		return
	}
	counts := map[string]int{}
	for _, r := range rs {
		counts[r.Reason]++
	}
	reasons := make([]string, 0, len(counts))
	for r := range counts {
		reasons = append(reasons, r)
	}
	sort.Slice(reasons, func(i, j int) bool { return counts[reasons[i]] > counts[reasons[j]] })
	fmt.Fprintln(w, "  rejections by reason:")
	for _, r := range reasons {
		fmt.Fprintf(w, "  %8d  %s\n", counts[r], r)
	}
}
