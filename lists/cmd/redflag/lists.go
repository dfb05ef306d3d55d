package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/redflag/redflag/lists/data"
	"github.com/redflag/redflag/lists/snapshot"
)

// loadSnapshot opens the one list of a command: --snapshot, or the
// embedded default list.
func loadSnapshot(path string, pubs []string, stdin io.Reader) (*snapshot.Snapshot, error) {
	if path == "" && len(pubs) == 0 {
		return data.Default()
	}
	if path == "" {
		return nil, fmt.Errorf("--pub needs --snapshot")
	}
	return openSnapshot(path, pubs, stdin)
}

// openSnapshot reads and verifies the snapshot at path ("-": stdin) with
// pubs and the keys this build trusts; errors name the file.
func openSnapshot(path string, pubs []string, stdin io.Reader) (*snapshot.Snapshot, error) {
	trust, err := trustFor(pubs)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
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

// listSource is one --snapshot file and the --pub keys given after it.
type listSource struct {
	path string
	pubs []string
}

// listFlags gathers repeated --snapshot and --pub flags in command-line
// order. A --pub belongs to the --snapshot before it, and one given before
// any --snapshot to every snapshot, so each list is verified with its own
// publisher's keys and a single list takes its key on either side.
type listFlags struct {
	shared  []string
	sources []listSource
}

// snapshotFlag and listPubFlag are the two flag.Values feeding one
// listFlags; they must be nil-safe, flag calls String on zero values.
type (
	snapshotFlag struct{ l *listFlags }
	listPubFlag  struct{ l *listFlags }
)

func (f *snapshotFlag) String() string {
	if f == nil || f.l == nil {
		return ""
	}
	paths := make([]string, len(f.l.sources))
	for i, s := range f.l.sources {
		paths[i] = s.path
	}
	return strings.Join(paths, ",")
}

func (f *snapshotFlag) Set(v string) error {
	f.l.sources = append(f.l.sources, listSource{path: v})
	return nil
}

func (f *listPubFlag) String() string { return "" }

func (f *listPubFlag) Set(v string) error {
	if n := len(f.l.sources); n > 0 {
		f.l.sources[n-1].pubs = append(f.l.sources[n-1].pubs, v)
	} else {
		f.l.shared = append(f.l.shared, v)
	}
	return nil
}

// readsStdin reports whether a snapshot is read from stdin ("-").
func (l *listFlags) readsStdin() bool {
	for _, s := range l.sources {
		if s.path == "-" {
			return true
		}
	}
	return false
}

// open verifies and opens the lists to consult, in the order they are
// consulted: the embedded default list first when withDefault (or when no
// --snapshot is given), then each --snapshot in order.
func (l *listFlags) open(withDefault bool, stdin io.Reader) ([]*snapshot.Snapshot, error) {
	if len(l.sources) == 0 {
		if len(l.shared) > 0 {
			return nil, errors.New("--pub needs --snapshot")
		}
		withDefault = true
	}
	var lists []*snapshot.Snapshot
	var from []string // where each list came from, for errors
	if withDefault {
		s, err := data.Default()
		if err != nil {
			return nil, err
		}
		lists, from = append(lists, s), append(from, "the embedded default list")
	}
	stdinRead := false
	for _, src := range l.sources {
		if src.path == "-" && stdinRead {
			return nil, errors.New("--snapshot - given twice: stdin holds one snapshot")
		}
		stdinRead = stdinRead || src.path == "-"
		s, err := openSnapshot(src.path, append(append([]string(nil), l.shared...), src.pubs...), stdin)
		if err != nil {
			return nil, err
		}
		if err := distinctName(lists, from, s, src.path); err != nil {
			return nil, err
		}
		lists, from = append(lists, s), append(from, src.path)
	}
	return lists, nil
}

// distinctName refuses a second list of the same name: an answer names its
// list, and two versions or forks of one list would make that name ambiguous.
func distinctName(lists []*snapshot.Snapshot, from []string, s *snapshot.Snapshot, path string) error {
	for i, o := range lists {
		if o.Name == s.Name {
			return fmt.Errorf("%s and %s are both list %q: give each list once, an answer names its list (a list of your own takes its own name: redflag build --name)", from[i], path, s.Name)
		}
	}
	return nil
}
