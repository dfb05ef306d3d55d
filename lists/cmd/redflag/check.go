package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/redflag/redflag/lists/check"
	"github.com/redflag/redflag/lists/cmd/cmdline"
)

func runCheck(args []string, stdout, stderr io.Writer, stdin io.Reader) int {
	fs := cmdline.NewFlags("check", "[--default] [--pub KEY]... [--snapshot FILE [--pub KEY]...]... [--json] [--fail-on listed|caution] [--no-lookalikes] [INPUT...]",
		"Checks URLs, domains or emails (arguments, or one per line on stdin) against\n"+
			"the embedded default list, or against each --snapshot (and the default list\n"+
			"too with --default). Nothing leaves this machine.\n"+
			"Each snapshot is verified with the --pub keys after it, those before the\n"+
			"first --snapshot, and the keys this build trusts. Across several lists the\n"+
			"strongest answer wins (seized, then flagged, then caution) and names its\n"+
			"list; each list may be given once.\n"+
			"A name that is not listed but resembles a listed one answers caution.\n"+
			"Exit status: 0 all clean (or only cautioned), 1 at least one listed (or\n"+
			"cautioned, with --fail-on caution), 2 invalid input or usage error.", stderr)
	var lf listFlags
	fs.Var(&snapshotFlag{&lf}, "snapshot", "signed snapshot `FILE` to check against (repeatable; default: the embedded default list)")
	fs.Var(&listPubFlag{&lf}, "pub", "public `KEY` (a file or \"ed25519:BASE64\") to trust for the --snapshot before it, or for every --snapshot when given before any (repeatable)")
	withDefault := fs.Bool("default", false, "consult the embedded default list too, before the --snapshot lists")
	asJSON := fs.Bool("json", false, "print one JSON object per input")
	failOn := fs.String("fail-on", "listed", `exit 1 for "listed" inputs, or for "caution" too`)
	noLookAlikes := fs.Bool("no-lookalikes", false, "answer clean where a name only resembles a listed one")
	if st, done := cmdline.Parse(fs, args); done {
		return st
	}
	if *failOn != "listed" && *failOn != "caution" {
		return cmdline.Fail(stderr, "check", exitUsage, `--fail-on wants "listed" or "caution", not %q`, *failOn)
	}
	lists, err := lf.open(*withDefault, stdin)
	if err != nil {
		return cmdline.Fail(stderr, "check", exitUsage, "%v", err)
	}

	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	status := exitOK
	opt := check.Options{Expressions: *asJSON, NoLookAlikes: *noLookAlikes, Scratch: new(check.Scratch)}
	report := func(input string) {
		r, _ := check.Across(lists, input, opt)
		switch {
		case r.Verdict == check.Invalid:
			status = exitUsage
		case (r.Listed() || r.Verdict == check.Caution && *failOn == "caution") && status == exitOK:
			status = exitListed
		}
		if *asJSON {
			enc.Encode(r)
			return
		}
		fmt.Fprintln(out, describeAcross(r, len(lists)))
	}

	if fs.NArg() > 0 {
		for _, in := range fs.Args() {
			report(in)
		}
		return status
	}
	if lf.readsStdin() {
		return cmdline.Fail(stderr, "check", exitUsage, "inputs must be arguments when a snapshot is read from stdin")
	}
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	prog := newProgress(stderr)
	n := 0
	for sc.Scan() {
		report(strings.TrimSuffix(sc.Text(), "\r"))
		n++
		prog.tick(n)
	}
	prog.done(n)
	if err := sc.Err(); err != nil {
		out.Flush()
		return cmdline.Fail(stderr, "check", exitUsage, "reading stdin after line %d: %v", n, err)
	}
	return status
}

// describeAcross is describe naming the answering list, when several lists
// were consulted and one answered.
func describeAcross(r check.Result, lists int) string {
	if lists < 2 || r.List == "" {
		return describe(r)
	}
	return describe(r) + "; list " + r.List
}

// describe is the one-line human answer.
func describe(r check.Result) string {
	switch r.Verdict {
	case check.Invalid:
		return fmt.Sprintf("invalid  %s  (%s)", r.Input, r.Error)
	case check.Clean:
		return fmt.Sprintf("clean    %s", r.Input)
	case check.Caution:
		e := r.Entry
		verb := map[string]string{"seized": "seized", "flagged": "flagged"}[e.Kind.String()]
		return fmt.Sprintf("caution  %s  (not listed; resembles %s: %s) %s is %s by %s on %s; see %s", r.Input, r.Resembles, r.How, r.Resembles, verb, e.Authority, e.Date, e.Reference)
	}
	e := r.Entry
	verb := map[string]string{check.Seized: "Seized", check.Flagged: "Flagged"}[r.Verdict]
	line := fmt.Sprintf("%-8s %s  (matches %s) %s by %s on %s; see %s", r.Verdict, r.Input, r.Match, verb, e.Authority, e.Date, e.Reference)
	if e.Note != "" {
		line += "; " + e.Note
	}
	return line
}

// progress reports on stderr during long stdin runs, when stderr is a
// terminal.
type progress struct {
	w     io.Writer
	on    bool
	start time.Time
	last  time.Time
}

func newProgress(w io.Writer) *progress {
	p := &progress{w: w, start: time.Now(), last: time.Now()}
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.on = true
		}
	}
	return p
}

func (p *progress) tick(n int) {
	if !p.on || n%4096 != 0 || time.Since(p.last) < time.Second {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\rchecked %d inputs (%.0f/s)", n, float64(n)/time.Since(p.start).Seconds())
}

func (p *progress) done(n int) {
	if p.on && time.Since(p.start) > time.Second {
		fmt.Fprintf(p.w, "\rchecked %d inputs in %v\n", n, time.Since(p.start).Round(time.Millisecond))
	}
}
