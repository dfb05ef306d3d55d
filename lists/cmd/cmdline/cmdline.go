// Package cmdline is what every subcommand of the redflag binary shares,
// whether it lives in lists/cmd/redflag or backend/cli: flag sets that
// print their usage on --help, the exit status of a flag error, and one
// format for error lines.
package cmdline

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Exit statuses common to every subcommand. Status 1 means what the
// subcommand says (a listed input for check, a failure elsewhere).
const (
	ExitOK    = 0
	ExitUsage = 2
)

// NewFlags returns a flag set for "redflag NAME" that prints its usage line,
// about and the defaults on --help, and reports errors to stderr.
func NewFlags(name, args, about string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("redflag "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: redflag %s [flags] %s\n\n%s\n\nFlags:\n", name, args, about)
		fs.PrintDefaults()
	}
	return fs
}

// Parse parses args and returns (exit status, done): done is true when the
// caller should return the status (help was asked for, or a flag error).
func Parse(fs *flag.FlagSet, args []string) (int, bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK, true
		}
		return ExitUsage, true
	}
	return ExitOK, false
}

// Fail prints "redflag CMD: message" to stderr and returns status.
func Fail(stderr io.Writer, cmd string, status int, format string, args ...any) int {
	fmt.Fprintf(stderr, "redflag %s: %s\n", cmd, strings.TrimSpace(fmt.Sprintf(format, args...)))
	return status
}

// Strings is a repeatable string flag.
type Strings []string

func (s *Strings) String() string     { return strings.Join(*s, ",") }
func (s *Strings) Set(v string) error { *s = append(*s, v); return nil }
