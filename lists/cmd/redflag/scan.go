package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/redflag/redflag/lists/check"
	"github.com/redflag/redflag/lists/cmd/cmdline"
	"github.com/redflag/redflag/lists/document"
	"github.com/redflag/redflag/lists/scan"
)

func runScan(args []string, stdout, stderr io.Writer, stdin io.Reader) int {
	fl := cmdline.NewFlags("scan", "[--snapshot FILE] [--pub KEY]... [--json] [--all] [--fail-on listed|caution] FILE|DIR...",
		"Checks every URL, email and domain in documents - PDF, DOCX, ODT, email (.eml)\n"+
			"and plain text, their text and their hyperlinks - against the embedded default\n"+
			"list or --snapshot, and says where each was found. A directory is scanned with\n"+
			"everything below it. Nothing leaves this machine.\n"+
			"A name that is not listed but resembles a listed one is a caution, shown too.\n"+
			"Exit status: 0 all clean (or only cautioned), 1 something listed (or cautioned,\n"+
			"with --fail-on caution), 2 a file could not be read (it is\n"+
			"named with the reason; the others are still scanned) or usage error.", stderr)
	snapPath := fl.String("snapshot", "", "signed snapshot to check against (default: the embedded default list)")
	var pubs pubFlags
	fl.Var(&pubs, "pub", "public key file or \"ed25519:BASE64\" to trust for --snapshot (repeatable)")
	asJSON := fl.Bool("json", false, "print one JSON object per finding ({file, location, check}) and per unreadable file ({file, error})")
	all := fl.Bool("all", false, "also print clean findings (--json always does)")
	failOn := fl.String("fail-on", "listed", `exit 1 for "listed" findings, or for "caution" too`)
	if st, done := cmdline.Parse(fl, args); done {
		return st
	}
	if *failOn != "listed" && *failOn != "caution" {
		return cmdline.Fail(stderr, "scan", exitUsage, `--fail-on wants "listed" or "caution", not %q`, *failOn)
	}
	if fl.NArg() == 0 {
		return cmdline.Fail(stderr, "scan", exitUsage, "name at least one file or directory")
	}
	if *snapPath == "-" {
		return cmdline.Fail(stderr, "scan", exitUsage, "--snapshot - is not supported by scan")
	}
	s, err := loadSnapshot(*snapPath, pubs, stdin)
	if err != nil {
		return cmdline.Fail(stderr, "scan", exitUsage, "%v", err)
	}
	files, status := scanTargets(fl.Args(), stderr)

	out := bufio.NewWriterSize(stdout, 64<<10)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	fail := func(file string, err error) {
		status = exitUsage
		if *asJSON {
			enc.Encode(struct {
				File  string `json:"file"`
				Error string `json:"error"`
			}{file, err.Error()})
			return
		}
		out.Flush()
		fmt.Fprintf(stderr, "redflag scan: %s: %v\n", file, err)
	}
	prog := newFileProgress(stderr, len(files))
	for i, file := range files {
		prog.show(i, file)
		doc, err := readDocument(file)
		if err != nil {
			fail(file, err)
			continue
		}
		listed, cautioned := 0, 0
		findings := scan.Document(s, file, doc, check.Options{Expressions: *asJSON})
		for _, f := range findings {
			caution := f.Check.Verdict == check.Caution
			switch {
			case f.Check.Listed():
				listed++
			case caution:
				cautioned++
			}
			if (f.Check.Listed() || caution && *failOn == "caution") && status == exitOK {
				status = exitListed
			}
			switch {
			case *asJSON:
				enc.Encode(f)
			case *all || f.Check.Listed() || caution:
				fmt.Fprintf(out, "%s (%s): %s\n", f.File, f.Location, describe(f.Check))
			}
		}
		for _, p := range doc.Problems {
			fail(file, p)
		}
		if !*asJSON {
			fmt.Fprintf(out, "%s: %d found, %d listed, %d cautioned\n", file, len(findings), listed, cautioned)
		}
	}
	prog.done(len(files))
	return status
}

// scanTargets expands directories into the regular files below them.
// A name that cannot be read is reported and makes the status 2.
func scanTargets(args []string, stderr io.Writer) ([]string, int) {
	status := exitOK
	var files []string
	for _, a := range args {
		st, err := os.Stat(a)
		if err != nil {
			fmt.Fprintf(stderr, "redflag scan: %v\n", err)
			status = exitUsage
			continue
		}
		if !st.IsDir() {
			files = append(files, a)
			continue
		}
		err = filepath.WalkDir(a, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				fmt.Fprintf(stderr, "redflag scan: %v\n", err)
				status = exitUsage
				return nil
			}
			if d.Type().IsRegular() {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			fmt.Fprintf(stderr, "redflag scan: %v\n", err)
			status = exitUsage
		}
	}
	return files, status
}

// readDocument reads a file whole, refusing one larger than
// document.MaxSize before reading it.
func readDocument(path string) (*document.Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > document.MaxSize {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", document.ErrTooLarge, st.Size(), document.MaxSize)
	}
	b, err := io.ReadAll(io.LimitReader(f, document.MaxSize+1))
	if err != nil {
		return nil, err
	}
	return document.Read(path, b)
}

// fileProgress says on a terminal's stderr which file of how many is
// being read, once a run has taken a second.
type fileProgress struct {
	w     io.Writer
	on    bool
	total int
	start time.Time
	last  time.Time
}

func newFileProgress(w io.Writer, total int) *fileProgress {
	p := &fileProgress{w: w, total: total, start: time.Now()}
	if f, ok := w.(*os.File); ok && total > 1 {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			p.on = true
		}
	}
	return p
}

func (p *fileProgress) show(i int, name string) {
	if !p.on || time.Since(p.start) < time.Second || time.Since(p.last) < 200*time.Millisecond {
		return
	}
	p.last = time.Now()
	fmt.Fprintf(p.w, "\r\033[Kscanning %d/%d %s", i+1, p.total, name)
}

func (p *fileProgress) done(n int) {
	if p.on && time.Since(p.start) > time.Second {
		fmt.Fprintf(p.w, "\r\033[Kscanned %d files in %v\n", n, time.Since(p.start).Round(time.Millisecond))
	}
}
