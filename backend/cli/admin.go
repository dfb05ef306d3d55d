package cli

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redflag/redflag/backend/client"
	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/backend/workflow"
	"github.com/redflag/redflag/lists/cmd/cmdline"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/ingest"
)

type adminCmd struct {
	summary string
	args    string
	run     func(a *adminEnv) int
	flags   func(fs *flag.FlagSet, a *adminEnv)
}

// adminEnv carries one admin command's flags and streams.
type adminEnv struct {
	fs             *flag.FlagSet
	c              *client.Client
	stdout, stderr io.Writer
	stdin          io.Reader
	name           string
	list           string
	// propose / import
	reason, forceReason, comment string
	force, dryRun, draft         bool
	prov                         entry.Provenance
	kind, lookAlikes             string
	adds, removes                cmdline.Strings
	file, format, idem           string
	batch                        int
	jsonOut                      bool
	// rollback / audit / entries
	to                             uint64
	actor, action, since, until, q string
	state                          string
	limit                          int
	edge                           edgeEnv
	source                         sourceEnv
	lists                          listEnv
}

var adminCmds = map[string]adminCmd{
	"propose":     {"propose adding and removing entries", "[--add PATTERN]... [--remove PATTERN]... [--file ENTRIES.tsv] [PATTERN]...", runPropose, proposeFlags},
	"import":      {"propose every entry of a list file (plain, hosts, Adblock, CSV, STIX), in batches with progress", "FILE", runAdminImport, importFlags},
	"changes":     {"list changes (--state pending to see the review queue)", "", runChanges, nil},
	"show":        {"show a change and its first items", "ID", runShow, nil},
	"approve":     {"approve a pending change (not your own, unless review is off)", "ID", runReview(true), nil},
	"reject":      {"reject a pending change with --comment", "ID", runReview(false), nil},
	"publish":     {"publish the list's approved changes as a new signed version (and push it to --edge)", "", runPublish, edgeFlags},
	"edge":        {"push the published objects to the edge Worker (--edge URL)", "", runEdge, edgeFlags},
	"rollback":    {"propose restoring an earlier version's content (--to VERSION)", "", runRollback, nil},
	"history":     {"list published versions with sizes and delta sizes", "", runHistory, nil},
	"audit":       {"show the audit log (filters: --actor --action --since --until)", "", runAudit, nil},
	"entries":     {"page or search the list's entries (--q TEXT)", "", runEntries, nil},
	"whoami":      {"show the token's name and role", "", runWhoAmI, nil},
	"source":      {"follow feeds: add, list, show, pull, edit, disable and enable a list's sources", sourceUsage, runSource, sourceFlags},
	"lists":       {"show every list with its settings", "", runLists, nil},
	"list-create": {"make a new list (--description, --browser-names=false)", "NAME", runListCreate, listFlags},
	"list-set":    {"change a list's --description or --browser-names", "NAME", runListSet, listFlags},
}

// Admin runs `redflag admin COMMAND`.
func Admin(args []string, stdout, stderr io.Writer, stdin io.Reader) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(stderr, "Usage: redflag admin COMMAND --server URL --token TOKEN [flags]\n\nThe token may also come from REDFLAG_TOKEN and the server from REDFLAG_SERVER.\n\nCommands:")
		names := make([]string, 0, len(adminCmds))
		for n := range adminCmds {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			fmt.Fprintf(stderr, "  %-9s %s\n", n, adminCmds[n].summary)
		}
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	cmd, ok := adminCmds[args[0]]
	if !ok {
		return cmdline.Fail(stderr, "admin", exitUsage, "unknown command %q (redflag admin --help)", args[0])
	}
	a := &adminEnv{name: "admin " + args[0], stdout: stdout, stderr: stderr, stdin: stdin}
	fs := cmdline.NewFlags(a.name, cmd.args, cmd.summary, stderr)
	a.fs = fs
	server := fs.String("server", envOr("REDFLAG_SERVER", "http://127.0.0.1:8080"), "publisher URL (env REDFLAG_SERVER)")
	token := fs.String("token", os.Getenv("REDFLAG_TOKEN"), "API token (env REDFLAG_TOKEN)")
	fs.StringVar(&a.list, "list", "default", "list name")
	fs.StringVar(&a.comment, "comment", "", "review comment (required to reject)")
	fs.StringVar(&a.reason, "reason", "", "why (shown to reviewers and in the audit log)")
	fs.Uint64Var(&a.to, "to", 0, "rollback: the version whose content to restore")
	fs.StringVar(&a.actor, "actor", "", "audit: only this actor")
	fs.StringVar(&a.action, "action", "", "audit: only this action (change_propose, change_approve, publish, ...)")
	fs.StringVar(&a.since, "since", "", "audit: from this time (RFC 3339 or YYYY-MM-DD)")
	fs.StringVar(&a.until, "until", "", "audit: before this time")
	fs.StringVar(&a.state, "state", "", "changes: draft, pending, approved or rejected")
	fs.StringVar(&a.q, "q", "", "entries: search text")
	fs.IntVar(&a.limit, "limit", 50, "how many rows to show")
	fs.BoolVar(&a.jsonOut, "json", false, "propose, import, approve, reject, publish, rollback: print the JSON answer instead of a summary line")
	fs.BoolVar(&a.force, "force", false, "propose/import: list shared platforms wholesale or re-sign on publish (needs --force-reason to propose)")
	if cmd.flags != nil {
		cmd.flags(fs, a)
	}
	if st, done := parseInterspersed(fs, args[1:]); done {
		return st
	}
	if *token == "" {
		return cmdline.Fail(stderr, a.name, exitUsage, "no token: pass --token or set REDFLAG_TOKEN (redflag token create makes one)")
	}
	a.c = client.New(*server, *token)
	return cmd.run(a)
}

// parseInterspersed parses flags before and after positional arguments
// ("approve 7 --comment ok"), which the flag package alone stops at.
func parseInterspersed(fs *flag.FlagSet, args []string) (int, bool) {
	var pos []string
	for {
		if st, done := cmdline.Parse(fs, args); done {
			return st, true
		}
		if fs.NArg() == 0 {
			break
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
	fs.Parse(append([]string{"--"}, pos...))
	return exitOK, false
}

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

func provenanceFlags(fs *flag.FlagSet, a *adminEnv) {
	fs.StringVar(&a.kind, "kind", "", "seized or flagged")
	fs.StringVar(&a.prov.Authority, "authority", "", "who listed these")
	fs.StringVar(&a.prov.Date, "date", "", "date of the seizure or report, YYYY-MM-DD")
	fs.StringVar(&a.prov.Reference, "reference", "", "URL of the public source")
	fs.StringVar(&a.prov.Note, "note", "", "optional note")
	fs.StringVar(&a.lookAlikes, "lookalikes", "", "on (the default) or off: whether names resembling these entries are cautioned")
	fs.StringVar(&a.forceReason, "force-reason", "", "why a shared platform must be listed wholesale")
	fs.StringVar(&a.idem, "idempotency-key", "", "makes retrying this command safe (default: random)")
}

func proposeFlags(fs *flag.FlagSet, a *adminEnv) {
	provenanceFlags(fs, a)
	fs.Var(&a.adds, "add", "pattern, domain, URL or email to list (repeatable; provenance from the flags)")
	fs.Var(&a.removes, "remove", "pattern to unlist (repeatable)")
	fs.StringVar(&a.file, "file", "", "entry file (lists/FORMAT.md) whose entries to add")
}

func importFlags(fs *flag.FlagSet, a *adminEnv) {
	provenanceFlags(fs, a)
	fs.StringVar(&a.format, "format", "auto", "input format: auto, plain, hosts, adblock, csv, stix")
	fs.BoolVar(&a.dryRun, "dry-run", false, "only report what would be proposed and what is rejected")
	fs.IntVar(&a.batch, "batch", 50_000, "entries per upload request (at most 100000)")
}

func (a *adminEnv) printJSON(v any) {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// result prints an action's outcome: a summary line, or the JSON answer
// with --json (the summary then goes to stderr).
func (a *adminEnv) result(v any, format string, args ...any) int {
	if a.jsonOut {
		a.printJSON(v)
		fmt.Fprintf(a.stderr, format+"\n", args...)
	} else {
		fmt.Fprintf(a.stdout, format+"\n", args...)
	}
	return exitOK
}

func (a *adminEnv) failed(err error) int {
	return cmdline.Fail(a.stderr, a.name, exitFail, "%v", err)
}

func (a *adminEnv) idArg() (int64, bool) {
	if a.fs.NArg() != 1 {
		a.fs.Usage()
		return 0, false
	}
	id, err := strconv.ParseInt(a.fs.Arg(0), 10, 64)
	if err != nil {
		cmdline.Fail(a.stderr, a.name, exitUsage, "change id %q: want a number", a.fs.Arg(0))
		return 0, false
	}
	return id, true
}

func randomKey() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func runPropose(a *adminEnv) int {
	p := workflow.Proposal{Reason: a.reason, Force: a.force, ForceReason: a.forceReason, Remove: a.removes}
	for _, s := range append(a.adds, a.fs.Args()...) {
		p.Add = append(p.Add, workflow.EntryInput{Pattern: s, Kind: a.kind, Date: a.prov.Date, Authority: a.prov.Authority, Reference: a.prov.Reference, Note: a.prov.Note, LookAlikes: a.lookAlikes})
	}
	if a.file != "" {
		f, err := os.Open(a.file)
		if err != nil {
			return a.failed(err)
		}
		es, bad, err := entry.ReadFile(f)
		f.Close()
		if err != nil {
			return a.failed(err)
		}
		for _, le := range bad {
			fmt.Fprintf(a.stderr, "%s:%v\n", a.file, le)
		}
		if len(bad) > 0 {
			return cmdline.Fail(a.stderr, a.name, exitFail, "%d bad lines; nothing proposed", len(bad))
		}
		for _, e := range es {
			p.Add = append(p.Add, workflow.InputOf(e))
		}
	}
	if a.idem == "" {
		a.idem = randomKey()
	}
	ch, err := a.c.Propose(context.Background(), a.list, p, a.idem)
	if err != nil {
		return a.failed(err)
	}
	return a.result(ch, "change %d proposed (%d adds, %d removes); a second admin or reviewer approves it with: redflag admin approve %d", ch.ID, ch.Adds, ch.Removes, ch.ID)
}

// runAdminImport parses the file locally with the same importer the
// server uses, reports rejected lines, and uploads the accepted entries
// sorted, in batches: one change (a draft filled batch by batch, then
// submitted), each request retried safely under its own Idempotency-Key.
func runAdminImport(a *adminEnv) int {
	if a.fs.NArg() != 1 {
		a.fs.Usage()
		return exitUsage
	}
	if a.batch < 1 || a.batch > workflow.MaxBatch {
		return cmdline.Fail(a.stderr, a.name, exitUsage, "--batch: want 1 to %d", workflow.MaxBatch)
	}
	if a.kind != "" {
		k, err := entry.ParseKind(a.kind)
		if err != nil {
			return cmdline.Fail(a.stderr, a.name, exitUsage, "--kind: %v", err)
		}
		a.prov.Kind = k
	}
	path := a.fs.Arg(0)
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(a.stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return a.failed(err)
	}
	lookAlikesOff, err := entry.ParseLookAlikes(a.lookAlikes)
	if err != nil {
		return cmdline.Fail(a.stderr, a.name, exitUsage, "--lookalikes: %v", err)
	}
	res, err := ingest.Read(bytes.NewReader(data), ingest.Format(a.format), a.prov, ingest.Options{AllowPlatforms: a.force})
	if err != nil {
		return a.failed(err)
	}
	for i := range res.Entries {
		res.Entries[i].LookAlikesOff = lookAlikesOff
	}
	fmt.Fprintf(a.stderr, "%s: %s format: %d accepted, %d rejected\n", path, res.Format, len(res.Entries), len(res.Rejected))
	for i, r := range res.Rejected {
		if i == 20 {
			fmt.Fprintf(a.stderr, "  ... and %d more rejected lines\n", len(res.Rejected)-20)
			break
		}
		fmt.Fprintf(a.stderr, "  line %d %q: %s\n", r.Line, r.Input, r.Reason)
	}
	if a.dryRun {
		reach, err := workflow.ReachPreview(res.Entries)
		if err != nil {
			return a.failed(err)
		}
		fmt.Fprintf(a.stderr, "look-alikes would caution %d of %d known-legit names\n", reach.Cautioned, reach.Names)
		for _, e := range reach.Entries {
			fmt.Fprintf(a.stderr, "  %s: %d, e.g. %s\n", e.Pattern, e.Cautioned, strings.Join(e.Examples, ", "))
		}
		a.printJSON(map[string]any{"format": res.Format, "accepted": len(res.Entries), "rejected": res.Rejected, "reach": reach})
		return exitOK
	}
	if len(res.Entries) == 0 {
		return cmdline.Fail(a.stderr, a.name, exitFail, "nothing to propose")
	}
	es := res.Entries
	slices.SortFunc(es, func(x, y entry.Entry) int { return strings.Compare(x.Pattern.String(), y.Pattern.String()) })
	if a.idem == "" {
		a.idem = randomKey()
	}
	ctx := context.Background()
	batch := func(i int) []workflow.EntryInput {
		part := es[i:min(i+a.batch, len(es))]
		out := make([]workflow.EntryInput, len(part))
		for j, e := range part {
			out[j] = workflow.InputOf(e)
		}
		return out
	}
	bar := newProgress(a.stderr, "uploading", len(es))
	first := batch(0)
	single := len(first) == len(es)
	ans, err := a.c.Propose(ctx, a.list, workflow.Proposal{Reason: a.reason, Force: a.force, ForceReason: a.forceReason, Add: first, Draft: !single}, a.idem+"-0")
	if err != nil {
		return a.failed(err)
	}
	ch := ans.Change
	bar.add(len(first))
	for i := len(first); i < len(es); i += a.batch {
		b := batch(i)
		if ch, err = a.c.Append(ctx, ch.ID, workflow.Batch{Add: b}, fmt.Sprintf("%s-%d", a.idem, i)); err != nil {
			bar.done()
			return cmdline.Fail(a.stderr, a.name, exitFail, "%v (change %d stays a draft; rerun with --idempotency-key %s to resume)", err, ch.ID, a.idem)
		}
		bar.add(len(b))
	}
	if !single {
		if ch, err = a.c.Submit(ctx, ch.ID, a.idem+"-submit"); err != nil {
			bar.done()
			return a.failed(err)
		}
	}
	bar.done()
	return a.result(ch, "change %d proposed with %d entries; a second admin or reviewer approves it with: redflag admin approve %d", ch.ID, ch.Adds, ch.ID)
}

func runChanges(a *adminEnv) int {
	cs, err := a.c.Changes(context.Background(), a.list, store.ChangeState(a.state))
	if err != nil {
		return a.failed(err)
	}
	a.printJSON(cs)
	return exitOK
}

func runShow(a *adminEnv) int {
	id, ok := a.idArg()
	if !ok {
		return exitUsage
	}
	ch, err := a.c.Change(context.Background(), id)
	if err != nil {
		return a.failed(err)
	}
	items, err := a.c.Items(context.Background(), id, 0, a.limit)
	if err != nil {
		return a.failed(err)
	}
	a.printJSON(map[string]any{"change": ch, "items": items})
	return exitOK
}

func runReview(approve bool) func(a *adminEnv) int {
	return func(a *adminEnv) int {
		id, ok := a.idArg()
		if !ok {
			return exitUsage
		}
		ch, err := a.c.Review(context.Background(), id, approve, a.comment)
		if err != nil {
			return a.failed(err)
		}
		return a.result(ch, "change %d %s by %s", ch.ID, ch.State, ch.ReviewedBy)
	}
}

func runPublish(a *adminEnv) int {
	start := time.Now()
	v, err := a.c.Publish(context.Background(), a.list, a.force)
	if err != nil {
		return a.failed(err)
	}
	a.result(v, "published %s version %d (%d entries, %d bytes, %d deltas) in %v", v.List, v.Version, v.Entries, v.Size, len(v.Deltas), time.Since(start).Round(time.Millisecond))
	if a.edge.url != "" {
		return a.pushEdge()
	}
	return exitOK
}

func runRollback(a *adminEnv) int {
	if a.to == 0 {
		return cmdline.Fail(a.stderr, a.name, exitUsage, "--to VERSION is required")
	}
	ch, err := a.c.Rollback(context.Background(), a.list, a.to, a.reason)
	if err != nil {
		return a.failed(err)
	}
	return a.result(ch, "change %d restores version %d once approved and published", ch.ID, a.to)
}

func runHistory(a *adminEnv) int {
	vs, err := a.c.History(context.Background(), a.list)
	if err != nil {
		return a.failed(err)
	}
	a.printJSON(vs)
	return exitOK
}

func runAudit(a *adminEnv) int {
	q := url.Values{}
	for k, v := range map[string]string{"actor": a.actor, "action": a.action, "since": a.since, "until": a.until, "limit": strconv.Itoa(a.limit)} {
		if v != "" {
			q.Set(k, v)
		}
	}
	evs, err := a.c.Audit(context.Background(), q)
	if err != nil {
		return a.failed(err)
	}
	a.printJSON(evs)
	return exitOK
}

func runEntries(a *adminEnv) int {
	q := url.Values{"q": {a.q}, "limit": {strconv.Itoa(a.limit)}}
	p, err := a.c.Entries(context.Background(), a.list, q)
	if err != nil {
		return a.failed(err)
	}
	a.printJSON(p)
	return exitOK
}

func runWhoAmI(a *adminEnv) int {
	w, err := a.c.WhoAmI(context.Background())
	if err != nil {
		return a.failed(err)
	}
	a.printJSON(w)
	return exitOK
}
