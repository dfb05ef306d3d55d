package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/redflag/redflag/backend/sources"
	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/lists/cmd/cmdline"
)

// sourceEnv holds the flags of `redflag admin source`.
type sourceEnv struct {
	name, url, format, kind, authority, reference, every, review string
	secretHeader, secretFile                                     string
	maxAdds, maxRemovePercent                                    int
}

const sourceUsage = `add --name N --url U --format F [--kind K --authority A --reference R --every D --review review|auto] | list | show NAME | pull NAME | edit NAME [flags] | disable NAME | enable NAME`

func sourceFlags(fs *flag.FlagSet, a *adminEnv) {
	s := &a.source
	fs.StringVar(&s.name, "name", "", "add: the source's name (a-z, 0-9, '-', '_', '.'), shown on its changes")
	fs.StringVar(&s.url, "url", "", "the feed's http(s) URL; for --format taxii, a TAXII 2.1 collection")
	fs.StringVar(&s.format, "format", "", "plain, hosts, adblock, csv, stix or taxii")
	fs.StringVar(&s.kind, "kind", "", "provenance default: seized or flagged (default flagged)")
	fs.StringVar(&s.authority, "authority", "", "provenance default: who lists these (default: the source's name)")
	fs.StringVar(&s.reference, "reference", "", "provenance default: URL to read why (default: the feed's URL)")
	fs.StringVar(&s.every, "every", "", "how often to pull: 30m, 6h, 1d, ... (default 1h)")
	fs.StringVar(&s.review, "review", "", "review: every change waits for a person (default); auto: approved at once unless held")
	fs.IntVar(&s.maxAdds, "max-adds", 0, "a pull adding more entries is held for a person (default 10000)")
	fs.IntVar(&s.maxRemovePercent, "max-remove-percent", 0, "a feed dropping more than this share of the source's entries is held (default 50)")
	fs.StringVar(&s.secretHeader, "secret-header", "", "header to send with every request to the feed, e.g. Authorization")
	fs.StringVar(&s.secretFile, "secret-file", "", "file holding the secret header's value (- for standard input); stored sealed, never shown")
}

// settings returns the flags given on the command line as settings;
// flags not given stay nil, so the server's defaults or the source's
// current values apply.
func (a *adminEnv) settings() (sources.Settings, error) {
	s := a.source
	in := sources.Settings{Name: s.name}
	given := map[string]bool{}
	a.fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	for flagName, dst := range map[string]**string{"url": &in.URL, "format": &in.Format, "kind": &in.Kind, "authority": &in.Authority,
		"reference": &in.Reference, "every": &in.Every, "review": &in.Review, "secret-header": &in.SecretHeader} {
		if given[flagName] {
			v := a.fs.Lookup(flagName).Value.String()
			*dst = &v
		}
	}
	if given["max-adds"] {
		in.MaxAdds = &s.maxAdds
	}
	if given["max-remove-percent"] {
		in.MaxRemovePercent = &s.maxRemovePercent
	}
	if s.secretFile != "" {
		var b []byte
		var err error
		if s.secretFile == "-" {
			b, err = io.ReadAll(a.stdin)
		} else {
			b, err = os.ReadFile(s.secretFile)
		}
		if err != nil {
			return in, fmt.Errorf("--secret-file: %w", err)
		}
		v := strings.TrimRight(string(b), "\r\n")
		in.Secret = &v
	}
	return in, nil
}

// PullAnswer is what `source pull --json` prints.
type PullAnswer struct {
	Change  *int64 `json:"change"`
	Added   int    `json:"added"`
	Removed int    `json:"removed"`
	Held    string `json:"held"`
}

func runSource(a *adminEnv) int {
	if a.fs.NArg() == 0 {
		return cmdline.Fail(a.stderr, a.name, exitUsage, "which? %s", sourceUsage)
	}
	sub, args := a.fs.Arg(0), a.fs.Args()[1:]
	ctx := context.Background()
	nameArg := func() (string, bool) {
		if len(args) != 1 {
			cmdline.Fail(a.stderr, a.name, exitUsage, "%s needs the source's name: redflag admin source %s NAME", sub, sub)
			return "", false
		}
		return args[0], true
	}
	switch sub {
	case "add":
		in, err := a.settings()
		if err != nil {
			return cmdline.Fail(a.stderr, a.name, exitUsage, "%v", err)
		}
		if in.Name == "" || in.URL == nil || in.Format == nil {
			return cmdline.Fail(a.stderr, a.name, exitUsage, "add needs --name, --url and --format")
		}
		src, err := a.c.AddSource(ctx, a.list, in, randomKey())
		if err != nil {
			return a.failed(err)
		}
		return a.result(src, "source %s added to list %s (%s, every %s, review %s); its first pull is due now, or run: redflag admin source pull %s",
			src.Name, src.List, src.Format, src.Every, src.Review, src.Name)
	case "list":
		srcs, err := a.c.Sources(ctx, a.list)
		if err != nil {
			return a.failed(err)
		}
		a.printJSON(srcs)
		return exitOK
	case "show":
		name, ok := nameArg()
		if !ok {
			return exitUsage
		}
		src, err := a.c.Source(ctx, a.list, name)
		if err != nil {
			return a.failed(err)
		}
		a.printJSON(src)
		return exitOK
	case "pull":
		name, ok := nameArg()
		if !ok {
			return exitUsage
		}
		return a.pullSource(ctx, name)
	case "edit", "disable", "enable":
		name, ok := nameArg()
		if !ok {
			return exitUsage
		}
		in, err := a.settings()
		if err != nil {
			return cmdline.Fail(a.stderr, a.name, exitUsage, "%v", err)
		}
		if sub != "edit" {
			on := sub == "enable"
			in.Enabled = &on
		}
		src, err := a.c.UpdateSource(ctx, a.list, name, in)
		if err != nil {
			return a.failed(err)
		}
		state := "enabled, next pull " + src.NextPull.Format("2006-01-02 15:04:05Z")
		if !src.Enabled {
			state = "disabled"
		}
		return a.result(src, "source %s of list %s: %s (%s, every %s, review %s)", src.Name, src.List, state, src.Format, src.Every, src.Review)
	}
	return cmdline.Fail(a.stderr, a.name, exitUsage, "unknown subcommand %q: %s", sub, sourceUsage)
}

// pullSource pulls now and prints the change it proposed; a feed that
// failed exits 1 with its error.
func (a *adminEnv) pullSource(ctx context.Context, name string) int {
	p, err := a.c.PullSource(ctx, a.list, name)
	if err != nil {
		return a.failed(err)
	}
	ans := PullAnswer{Added: p.Added, Removed: p.Removed, Held: p.Held}
	if p.Change != 0 {
		ans.Change = &p.Change
	}
	var line string
	switch p.Result {
	case store.PullProposed:
		line = fmt.Sprintf("source %s: change %d proposed (%d to add, %d to remove)", name, p.Change, p.Added, p.Removed)
		if p.Held != "" {
			line += "; held for a person: " + p.Held
		}
	case store.PullUnchanged:
		line = fmt.Sprintf("source %s: unchanged, nothing proposed", name)
	default:
		if a.jsonOut {
			a.printJSON(ans)
		}
		return cmdline.Fail(a.stderr, a.name, exitFail, "source %s: the pull failed and changed nothing: %s", name, p.Error)
	}
	return a.result(ans, "%s", line)
}
