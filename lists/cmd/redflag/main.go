// Command redflag builds, signs, verifies and queries RedFlag lists.
//
//	redflag keygen   make an Ed25519 signing key pair
//	redflag import   turn a domain list, hosts file, Adblock list, CSV or STIX bundle into an entry file
//	redflag build    entry files -> signed snapshot
//	redflag verify   check a snapshot's signature and structure
//	redflag diff     two snapshots -> signed delta
//	redflag apply    snapshot + delta -> newer snapshot
//	redflag check    is this URL, domain or email listed, and why?
//	redflag variants the look-alike names of a domain, and RedFlag's answer for each
//	redflag scan     check every URL, email and domain in PDF, DOCX, ODT, email and text files
//	redflag serve    run the publisher (backend/)
//	redflag token    make, list and revoke the publisher's API tokens
//	redflag admin    propose, review, publish and audit list changes on a publisher
//
// Run "redflag COMMAND --help" for each command's flags.
package main

import (
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/redflag/redflag/backend/cli"
)

// Exit statuses shared by every command.
const (
	exitOK     = 0
	exitListed = 1 // check: at least one input is listed; verify: not valid
	exitUsage  = 2 // bad flags, unreadable or invalid input
)

type command struct {
	summary string
	run     func(args []string, stdout, stderr io.Writer, stdin io.Reader) int
}

var commands = map[string]command{
	"keygen":   {"make an Ed25519 signing key pair (private key file mode 0600)", runKeygen},
	"import":   {"turn a plain, hosts, Adblock, CSV or STIX list into an entry file", runImport},
	"build":    {"build a signed snapshot from entry files", runBuild},
	"verify":   {"verify a snapshot (or a delta against its base)", runVerify},
	"diff":     {"make a signed delta between two snapshots", runDiff},
	"apply":    {"apply a delta to a snapshot", runApply},
	"check":    {"check URLs, domains or emails against one list or several", runCheck},
	"scan":     {"check the URLs, emails and domains in PDF, DOCX, ODT, email and text files", runScan},
	"variants": {"the look-alike names of a domain and whether each is cautioned", runVariants},
	// The publisher's commands live in backend/cli.
	"serve": {"run the publisher: admin API for list changes, public API for snapshots and deltas", cli.Serve},
	"token": {"create, list or revoke the publisher's API tokens", cli.Token},
	"admin": {"propose, review, publish and audit list changes on a running publisher", cli.Admin},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr, os.Stdin))
}

func run(args []string, stdout, stderr io.Writer, stdin io.Reader) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "redflag: unknown command %q\n\n", args[0])
		usage(stderr)
		return exitUsage
	}
	return cmd.run(args[1:], stdout, stderr, stdin)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "redflag: warn about seized and flagged domains, offline and privately.")
	fmt.Fprintln(w, "\nUsage: redflag COMMAND [flags] [args]\n\nCommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun \"redflag COMMAND --help\" for a command's flags.")
}
