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
	"github.com/redflag/redflag/lists/data"
	"github.com/redflag/redflag/lists/snapshot"
)

func runCheck(args []string, stdout, stderr io.Writer, stdin io.Reader) int {
	fs := cmdline.NewFlags("check", "[--snapshot FILE] [--pub KEY]... [--json] [--fail-on listed|caution] [--no-lookalikes] [INPUT...]",
		"Checks URLs, domains or emails (arguments, or one per line on stdin) against\nthe embedded default list or --snapshot. Nothing leaves this machine.\nA name that is not listed but resembles a listed one answers caution.\nExit status: 0 all clean (or only cautioned), 1 at least one listed (or\ncautioned, with --fail-on caution), 2 invalid input or usage error.", stderr)
	snapPath := fs.String("snapshot", "", "signed snapshot to check against (default: the embedded default list)")
	var pubs pubFlags
	fs.Var(&pubs, "pub", "public key file or \"ed25519:BASE64\" to trust for --snapshot (repeatable)")
	asJSON := fs.Bool("json", false, "print one JSON object per input")
	failOn := fs.String("fail-on", "listed", `exit 1 for "listed" inputs, or for "caution" too`)
	noLookAlikes := fs.Bool("no-lookalikes", false, "answer clean where a name only resembles a listed one")
	if st, done := cmdline.Parse(fs, args); done {
		return st
	}
	if *failOn != "listed" && *failOn != "caution" {
		return cmdline.Fail(stderr, "check", exitUsage, `--fail-on wants "listed" or "caution", not %q`, *failOn)
	}
	s, err := loadSnapshot(*snapPath, pubs, stdin)
	if err != nil {
		return cmdline.Fail(stderr, "check", exitUsage, "%v", err)
	}

	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	status := exitOK
	report := func(input string) {
		r := check.Check(s, input, check.Options{Expressions: *asJSON, NoLookAlikes: *noLookAlikes})
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
		fmt.Fprintln(out, describe(r))
	}

	if fs.NArg() > 0 {
		for _, in := range fs.Args() {
			report(in)
		}
		return status
	}
	if *snapPath == "-" {
		return cmdline.Fail(stderr, "check", exitUsage, "inputs must be arguments when the snapshot is read from stdin")
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

func loadSnapshot(path string, pubs []string, stdin io.Reader) (*snapshot.Snapshot, error) {
	if path == "" && len(pubs) == 0 {
		return data.Default()
	}
	if path == "" {
		return nil, fmt.Errorf("--pub needs --snapshot")
	}
	trust, err := trustFor(pubs)
	if err != nil {
		return nil, err
	}
	b, err := readInput(path, stdin)
	if err != nil {
		return nil, err
	}
	s, err := snapshot.Open(b, trust)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
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
