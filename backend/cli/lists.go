package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/redflag/redflag/backend/workflow"
	"github.com/redflag/redflag/lists/cmd/cmdline"
)

// listFlags are the settings of `redflag admin list-create|list-set`.
type listEnv struct {
	description  string
	browserNames bool
}

func listFlags(fs *flag.FlagSet, a *adminEnv) {
	fs.StringVar(&a.lists.description, "description", "", "what the list is, one line, for the people who subscribe to it")
	fs.BoolVar(&a.lists.browserNames, "browser-names", true, "publish the names in clear for browsers' own blocking rules (false keeps them out)")
}

// listSettings is what the command line gave: only the flags given, so
// that list-set changes nothing else.
func (a *adminEnv) listSettings(name string) workflow.ListSettings {
	s := workflow.ListSettings{Name: name}
	a.fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case "description":
			d := a.lists.description
			s.Description = &d
		case "browser-names":
			b := a.lists.browserNames
			s.BrowserNames = &b
		}
	})
	return s
}

func runLists(a *adminEnv) int {
	ls, err := a.c.AdminLists(context.Background())
	if err != nil {
		return a.failed(err)
	}
	if a.jsonOut {
		a.printJSON(ls)
		return exitOK
	}
	for _, l := range ls {
		names := "names published"
		if !l.BrowserNames {
			names = "names kept out"
		}
		fmt.Fprintf(a.stdout, "%-16s %8d entries  version %d  %s  %s\n", l.Name, l.Entries, l.Published, names, l.Description)
	}
	return exitOK
}

func runListCreate(a *adminEnv) int {
	if a.fs.NArg() != 1 {
		return cmdline.Fail(a.stderr, a.name, exitUsage, "want the new list's name")
	}
	name := a.fs.Arg(0)
	if err := a.c.CreateList(context.Background(), a.listSettings(name)); err != nil {
		return a.failed(err)
	}
	fmt.Fprintf(a.stdout, "list %s created; propose entries with --list %s, then publish it\n", name, name)
	return exitOK
}

func runListSet(a *adminEnv) int {
	if a.fs.NArg() != 1 {
		return cmdline.Fail(a.stderr, a.name, exitUsage, "want the list's name")
	}
	l, err := a.c.UpdateList(context.Background(), a.fs.Arg(0), a.listSettings(a.fs.Arg(0)))
	if err != nil {
		return a.failed(err)
	}
	return a.result(l, "list %s: description %q, browser names %v (the next publication carries a changed setting)", l.Name, l.Description, l.BrowserNames)
}
