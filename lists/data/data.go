// Package data is the list RedFlag ships: the entry files in this folder,
// each citing its public source, and the signed snapshot of them that make
// builds into embedded/ for the binaries and the extension to carry.
package data

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/keys"
	"github.com/redflag/redflag/lists/snapshot"
)

// The default list's identity. Versions are publication times in Unix
// milliseconds, so a publisher seeded from this list continues above it.
// When the entry files change, set Version to the new publication time
// and ContentSHA256 to what the test reports.
const (
	Name          = "default"
	Version       = 1795564800000 // 2026-11-25T00:00:00Z
	ContentSHA256 = "245473ba3cdb8f80b6bb422d0cb302b3fa03e89170b506da2e3fd1bf463eefd7"
)

// Description says what the default list is, for people who subscribe to
// it.
const Description = "The 17 domains the US Department of Justice seized on 2023-10-17 from North Korean IT workers posing as US IT companies"

// Created is the default list's creation time.
var Created = time.UnixMilli(Version).UTC()

//go:embed *.tsv
var sources embed.FS

//go:embed embedded keys
var built embed.FS

// ErrNotBuilt means this binary was compiled without running make, so it
// carries no default snapshot.
var ErrNotBuilt = errors.New("data: no embedded default list in this build (run make)")

// Entries reads every entry file. Shipped data must be clean: any bad line
// is an error.
func Entries() ([]entry.Entry, error) {
	names, _ := fs.Glob(sources, "*.tsv")
	sort.Strings(names)
	var all []entry.Entry
	for _, name := range names {
		f, err := sources.Open(name)
		if err != nil {
			return nil, err
		}
		es, bad, err := entry.ReadFile(f)
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("data: %s: %w", name, err)
		}
		if len(bad) > 0 {
			return nil, fmt.Errorf("data: %s: %w", name, bad[0])
		}
		all = append(all, es...)
	}
	return all, nil
}

// Options returns the snapshot options of the default list.
func Options() snapshot.Options {
	// Its names are public (the seizure was announced): published for the
	// browser's own blocking rules.
	return snapshot.Options{Name: Name, Version: Version, Created: Created, BrowserNames: true}
}

// SnapshotBytes returns the embedded default snapshot.
func SnapshotBytes() ([]byte, error) {
	b, err := built.ReadFile("embedded/default.snap")
	if err != nil {
		return nil, ErrNotBuilt
	}
	return b, nil
}

// TrustedKeys returns the keys this build trusts: the key that signed the
// embedded default list and every key committed in keys/.
func TrustedKeys() (*keys.Set, error) {
	set := keys.NewSet()
	var files []string
	if _, err := built.ReadFile("embedded/trusted.pub"); err == nil {
		files = append(files, "embedded/trusted.pub")
	}
	committed, _ := fs.Glob(built, "keys/*.pub")
	for _, name := range append(files, committed...) {
		b, _ := built.ReadFile(name)
		pubs, err := keys.ParsePublic(b)
		if err != nil {
			return nil, fmt.Errorf("data: %s: %w", path.Base(name), err)
		}
		for _, p := range pubs {
			set.Add(p)
		}
	}
	if set.Len() == 0 {
		return nil, ErrNotBuilt
	}
	return set, nil
}

// Default opens the embedded default snapshot, verified against
// TrustedKeys.
func Default() (*snapshot.Snapshot, error) {
	b, err := SnapshotBytes()
	if err != nil {
		return nil, err
	}
	trust, err := TrustedKeys()
	if err != nil {
		return nil, err
	}
	return snapshot.Open(b, trust)
}

// contentSHA256 hashes the entries as written back in canonical form, so
// comments and line order do not count.
func contentSHA256(es []entry.Entry) string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = strings.Join([]string{e.Pattern.String(), e.Kind.String(), e.Date, e.Authority, e.Reference, e.Note}, "\t")
		if e.LookAlikesOff {
			lines[i] += "\toff"
		}
	}
	sort.Strings(lines)
	sum := sha256.Sum256([]byte(strings.Join(lines, "\n")))
	return hex.EncodeToString(sum[:])
}
