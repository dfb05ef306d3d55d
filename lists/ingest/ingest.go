// Package ingest reads the list formats RedFlag imports — plain domain
// lists, hosts files, Adblock filter lists, CSV with provenance columns and
// STIX 2.1 bundles — into entries, and accounts for every line it could
// not use.
package ingest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/platforms"
)

// Format names an input format.
type Format string

// The formats Read understands.
const (
	Auto    Format = "auto"
	Plain   Format = "plain"   // one domain, URL or email per line
	Hosts   Format = "hosts"   // "0.0.0.0 example.com"
	Adblock Format = "adblock" // "||example.com^"
	CSV     Format = "csv"     // header row naming pattern and provenance columns
	STIX    Format = "stix"    // STIX 2.1 bundle with domain-name / url indicators
)

// Formats lists the concrete formats, for help texts.
var Formats = []Format{Plain, Hosts, Adblock, CSV, STIX}

// MaxInput bounds what Read accepts.
const MaxInput = 256 << 20

// Rejection is one input item that did not become an entry, and why.
type Rejection struct {
	Line   int    `json:"line"` // 1-based line, or object index for STIX
	Input  string `json:"input"`
	Reason string `json:"reason"`
}

// Result is what an import produced.
type Result struct {
	Format   Format
	Entries  []entry.Entry
	Rejected []Rejection
}

// Options tune Read.
type Options struct {
	// AllowPlatforms accepts whole shared platforms ("github.com") as
	// entries. Off by default: a blocklist line naming one would flag
	// every profile on it (see package platforms).
	AllowPlatforms bool
}

// Read parses r in format f. Provenance missing from the input (all of it,
// for plain, hosts and Adblock lists) comes from defaults; an item left
// without complete provenance is rejected, not guessed.
func Read(r io.Reader, f Format, defaults entry.Provenance, opt Options) (*Result, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxInput+1))
	if err != nil {
		return nil, fmt.Errorf("ingest: %w", err)
	}
	if len(data) > MaxInput {
		return nil, fmt.Errorf("ingest: input larger than %d bytes", MaxInput)
	}
	if f == Auto || f == "" {
		f = Detect(data)
	}
	res := &Result{Format: f}
	acc := &accumulator{res: res, seen: make(map[string]int), opt: opt}
	switch f {
	case Plain, Hosts, Adblock:
		err = readLines(data, f, defaults, acc)
	case CSV:
		err = readCSV(data, defaults, acc)
	case STIX:
		err = readSTIX(data, defaults, acc)
	default:
		return nil, fmt.Errorf("ingest: unknown format %q (want one of %v)", f, Formats)
	}
	if err != nil {
		return nil, err
	}
	return res, nil
}

// Detect guesses the format of data from its first meaningful line.
func Detect(data []byte) Format {
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) > 0 && trimmed[0] == '{' {
		return STIX
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#"):
			continue
		case strings.HasPrefix(line, "[Adblock") || strings.HasPrefix(line, "!") || strings.HasPrefix(line, "||"):
			return Adblock
		case strings.Contains(line, ",") && headerColumns(line) != nil:
			return CSV
		}
		if f := strings.Fields(line); len(f) >= 2 && isHostsAddress(f[0]) {
			return Hosts
		}
		return Plain
	}
	return Plain
}

// accumulator turns candidate patterns into entries or rejections.
type accumulator struct {
	res  *Result
	seen map[string]int
	opt  Options
}

func (a *accumulator) reject(line int, input, reason string) {
	a.res.Rejected = append(a.res.Rejected, Rejection{Line: line, Input: input, Reason: reason})
}

func (a *accumulator) add(line int, input string, prov entry.Provenance) {
	p, err := entry.ParsePattern(input)
	if err != nil {
		a.reject(line, input, errText(err))
		return
	}
	if pl, ok := platforms.Lookup(p.Host); ok && !p.IsPrefix() && !a.opt.AllowPlatforms {
		a.reject(line, input, fmt.Sprintf("%s is a shared platform (%s): listing it whole would flag everyone on it; list a page prefix such as %s/NAME/ instead",
			p.Host, pl.Category, p.Host))
		return
	}
	e := entry.Entry{Pattern: p, Provenance: prov}
	if err := e.Provenance.Validate(); err != nil {
		a.reject(line, input, "provenance: "+errText(err))
		return
	}
	if first, dup := a.seen[p.String()]; dup {
		a.reject(line, input, fmt.Sprintf("duplicate of line %d (%s)", first, p))
		return
	}
	a.seen[p.String()] = line
	a.res.Entries = append(a.res.Entries, e)
}

func errText(err error) string { return entry.Reason(err) }

func readLines(data []byte, f Format, prov entry.Provenance, acc *accumulator) error {
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || text[0] == '#' || (f == Adblock && (text[0] == '!' || text[0] == '[')) {
			continue
		}
		switch f {
		case Plain:
			acc.add(line, text, prov)
		case Hosts:
			hostsLine(line, text, prov, acc)
		case Adblock:
			adblockLine(line, text, prov, acc)
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return fmt.Errorf("ingest: line %d longer than 1 MiB", line+1)
		}
		return fmt.Errorf("ingest: %w", err)
	}
	return nil
}

func isHostsAddress(s string) bool {
	switch s {
	case "0.0.0.0", "127.0.0.1", "::", "::1", "0", "::0":
		return true
	}
	return false
}

// hostsLine reads "ADDRESS host [host...] [# comment]". Only blocking
// addresses count: a hosts line pointing a name at a real address is a
// resolution, not a listing.
func hostsLine(line int, text string, prov entry.Provenance, acc *accumulator) {
	if i := strings.IndexByte(text, '#'); i >= 0 {
		text = strings.TrimSpace(text[:i])
	}
	f := strings.Fields(text)
	if len(f) < 2 {
		acc.reject(line, text, "hosts line needs an address and a name")
		return
	}
	if !isHostsAddress(f[0]) {
		acc.reject(line, text, fmt.Sprintf("address %q is not a blocking address (0.0.0.0, 127.0.0.1, ::, ::1)", f[0]))
		return
	}
	for _, h := range f[1:] {
		switch h {
		case "localhost", "localhost.localdomain", "local", "broadcasthost", "ip6-localhost", "ip6-loopback":
			continue // standard hosts-file boilerplate, not a listing
		}
		acc.add(line, h, prov)
	}
}

// adblockLine reads the domain rules "||example.com^" (options after '$'
// ignored). Other rule types say what they are.
func adblockLine(line int, text string, prov entry.Provenance, acc *accumulator) {
	switch {
	case strings.HasPrefix(text, "@@"):
		acc.reject(line, text, "exception rule, not a listing")
		return
	case strings.Contains(text, "##") || strings.Contains(text, "#@#") || strings.Contains(text, "#?#"):
		acc.reject(line, text, "element-hiding rule, not a domain")
		return
	case !strings.HasPrefix(text, "||"):
		acc.reject(line, text, `not a domain rule (want "||example.com^")`)
		return
	}
	rule := strings.TrimPrefix(text, "||")
	if i := strings.IndexByte(rule, '$'); i >= 0 {
		rule = rule[:i]
	}
	rule = strings.TrimSuffix(rule, "|")
	rule = strings.TrimSuffix(rule, "^")
	if rule == "" || strings.ContainsAny(rule, "*^") {
		acc.reject(line, text, "wildcard or separator inside the rule; only whole domains can be listed")
		return
	}
	acc.add(line, rule, prov)
}
