package entry

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Entry files are UTF-8 text, one entry per line, tab-separated:
//
//	# comment lines start with '#'
//	pattern	kind	date	authority	reference	note
//	silverstarchina.com	seized	2023-10-17	US Department of Justice	https://...	optional note
//
// The first line that is not a comment or blank is the column header
// (exactly the six names above). Patterns are in canonical form; a line
// that is not is reported, never fixed silently. The format is specified in
// lists/FORMAT.md.

// Header is the column header line of an entry file; HeaderLookAlikes
// adds the optional seventh column ("on", "off" or empty for on).
const (
	Header           = "pattern\tkind\tdate\tauthority\treference\tnote"
	HeaderLookAlikes = Header + "\tlookalikes"
)

// MaxLineLen bounds one line of an entry file.
const MaxLineLen = 8 << 10

// LineError is a problem with one line of an entry file.
type LineError struct {
	Line int
	Err  error
}

func (e LineError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e LineError) Unwrap() error { return e.Err }

// ReadFile reads an entry file. It returns every valid entry and one
// LineError per bad line; a duplicate pattern is a bad line. err is set
// only when r fails or the header is missing.
func ReadFile(r io.Reader) (entries []Entry, bad []LineError, err error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxLineLen)
	seen := make(map[string]int)
	line, header, columns := 0, false, 6
	for sc.Scan() {
		line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(text) == "" || text[0] == '#' {
			continue
		}
		if !header {
			switch text {
			case Header:
			case HeaderLookAlikes:
				columns = 7
			default:
				return nil, nil, fmt.Errorf("entry: line %d: want the column header %q, got %q", line, Header, text)
			}
			header = true
			continue
		}
		e, err := parseLine(text, columns)
		if err != nil {
			bad = append(bad, LineError{line, err})
			continue
		}
		key := e.Pattern.String()
		if first, dup := seen[key]; dup {
			bad = append(bad, LineError{line, invalid(key, fmt.Sprintf("duplicate of line %d", first))})
			continue
		}
		seen[key] = line
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, nil, fmt.Errorf("entry: line %d: longer than %d bytes", line+1, MaxLineLen)
		}
		return nil, nil, fmt.Errorf("entry: reading line %d: %w", line+1, err)
	}
	if !header {
		return nil, nil, fmt.Errorf("entry: no column header %q", Header)
	}
	return entries, bad, nil
}

func parseLine(text string, columns int) (Entry, error) {
	f := strings.Split(text, "\t")
	if len(f) != columns {
		return Entry{}, invalid(text, fmt.Sprintf("want %d tab-separated columns, got %d", columns, len(f)))
	}
	p, err := ParseKey(f[0])
	if err != nil {
		return Entry{}, err
	}
	k, err := ParseKind(f[1])
	if err != nil {
		return Entry{}, err
	}
	e := Entry{Pattern: p, Provenance: Provenance{Kind: k, Date: f[2], Authority: f[3], Reference: f[4], Note: f[5]}}
	if columns == 7 {
		if e.LookAlikesOff, err = ParseLookAlikes(f[6]); err != nil {
			return Entry{}, err
		}
	}
	return e, e.Validate()
}

// ParseLookAlikes reads the lookalikes setting: "on" or "" (the default)
// and "off", in any case. It returns whether look-alikes are off.
func ParseLookAlikes(s string) (off bool, err error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "", "on":
		return false, nil
	case "off":
		return true, nil
	}
	return false, invalid(s, `lookalikes must be "on" or "off"`)
}

// LookAlikesSetting is the setting's name as files and APIs write it.
func (e Entry) LookAlikesSetting() string {
	if e.LookAlikesOff {
		return "off"
	}
	return "on"
}

// WriteFile writes entries as an entry file, header included. Invalid
// entries are an error: nothing is written that ReadFile would refuse.
func WriteFile(w io.Writer, entries []Entry) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, "# redflag entries v1")
	// The seventh column only when an entry needs it, so that files without
	// it read as before.
	seven := slices.ContainsFunc(entries, func(e Entry) bool { return e.LookAlikesOff })
	if seven {
		fmt.Fprintln(bw, HeaderLookAlikes)
	} else {
		fmt.Fprintln(bw, Header)
	}
	for _, e := range entries {
		if err := e.Validate(); err != nil {
			return err
		}
		fmt.Fprintf(bw, "%s\t%s\t%s\t%s\t%s\t%s", e.Pattern, e.Kind, e.Date, e.Authority, e.Reference, e.Note)
		if seven {
			fmt.Fprintf(bw, "\t%s", e.LookAlikesSetting())
		}
		fmt.Fprintln(bw)
	}
	return bw.Flush()
}
