package snapshot

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/redflag/redflag/lists/canon"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/keys"
)

var (
	testPub, testPriv = fixedKey(1)
	trust             = keys.NewSet(testPub)
	created           = time.Date(2026, 11, 25, 0, 0, 0, 0, time.UTC)
	doj               = entry.Provenance{Kind: entry.Seized, Authority: "US Department of Justice", Date: "2023-10-17", Reference: "https://example.org/pr"}
	acme              = entry.Provenance{Kind: entry.Flagged, Authority: "Acme security team", Date: "2026-01-02", Reference: "https://acme.example/advisory/7", Note: "fake recruiter"}
)

// fixedKey derives a deterministic test key, so fixtures are reproducible.
func fixedKey(seed byte) (ed25519.PublicKey, ed25519.PrivateKey) {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	return priv.Public().(ed25519.PublicKey), priv
}

func mustEntries(t testing.TB, patterns map[string]entry.Provenance) []entry.Entry {
	t.Helper()
	var out []entry.Entry
	for p, prov := range patterns {
		pat, err := entry.ParsePattern(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, entry.Entry{Pattern: pat, Provenance: prov})
	}
	return out
}

func testSnapshot(t testing.TB, version uint64) *Snapshot {
	t.Helper()
	s, err := Build(Options{Name: "test", Version: version, Created: created, BrowserNames: true}, mustEntries(t, map[string]entry.Provenance{
		"silverstarchina.com":      doj,
		"cloudfox.cloud":           doj,
		"github.com/some-user/":    acme,
		"linkedin.com/in/some-id/": acme,
		"195.127.0.11":             acme,
	}), testPriv)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestBuildOpenLookup(t *testing.T) {
	built := testSnapshot(t, 7)
	s, err := Open(built.Bytes(), trust)
	if err != nil {
		t.Fatal(err)
	}
	if s.Name != "test" || s.Version != 7 || !s.Created.Equal(created) || s.Entries != 5 || len(s.Keys) != 7 || len(s.Markers) != 2 {
		t.Fatalf("decoded %+v", s.Stats())
	}
	tests := []struct {
		url   string
		match string // "" for clean
		prov  entry.Provenance
	}{
		{"http://silverstarchina.com/", "silverstarchina.com/", doj},
		{"HTTP://WWW.SilverStarChina.COM./careers?x=1#top", "silverstarchina.com/", doj},
		{"https://a.b.c.jobs.silverstarchina.com/x", "silverstarchina.com/", doj},
		{"https://cloudfox.cloud:8443/", "cloudfox.cloud/", doj},
		{"https://github.com/some-user", "github.com/some-user", acme},
		{"https://github.com/some-user/", "github.com/some-user/", acme},
		{"https://github.com/some-user/repo/blob/main/x.go?raw=1", "github.com/some-user/", acme},
		{"https://www.linkedin.com/in/some-id/details/experience/", "linkedin.com/in/some-id/", acme},
		{"http://3279880203/login", "195.127.0.11/", acme},
		{"https://github.com/", "", entry.Provenance{}},
		{"https://github.com/other-user", "", entry.Provenance{}},
		{"https://github.com/some-user-2/", "", entry.Provenance{}},
		{"https://cloudfox.com/", "", entry.Provenance{}},
		{"https://silverstar.com/", "", entry.Provenance{}},
		{"https://notsilverstarchina.com/", "", entry.Provenance{}},
		{"https://linkedin.com/in/", "", entry.Provenance{}},
	}
	for _, tt := range tests {
		u, err := canon.Parse(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		m, ok := s.Lookup(u)
		if ok != (tt.match != "") || m.Expression != tt.match || m.Provenance != tt.prov {
			t.Errorf("Lookup(%q) = %q %+v %v, want %q %+v", tt.url, m.Expression, m.Provenance, ok, tt.match, tt.prov)
		}
	}
}

func TestBuildIsDeterministic(t *testing.T) {
	a, b := testSnapshot(t, 1), testSnapshot(t, 1)
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two builds of the same entries differ")
	}
}

func TestBuildRejects(t *testing.T) {
	dup := mustEntries(t, map[string]entry.Provenance{"example.com": doj})
	dup = append(dup, dup[0])
	if _, err := Build(Options{Name: "test"}, dup, testPriv); err == nil {
		t.Error("duplicate entries accepted")
	}
	bad := mustEntries(t, map[string]entry.Provenance{"example.com": {Kind: entry.Seized}})
	if _, err := Build(Options{Name: "test"}, bad, testPriv); err == nil {
		t.Error("entry without provenance accepted")
	}
	if _, err := Build(Options{Name: "Bad Name"}, nil, testPriv); err == nil {
		t.Error("bad list name accepted")
	}
	// Provenances are validated once each: a later entry sharing a valid
	// provenance must still have a pattern, and a later new provenance is
	// still checked.
	two := mustEntries(t, map[string]entry.Provenance{"a.example": doj, "b.example": doj})
	emptyPattern := append(slices.Clone(two), entry.Entry{Provenance: doj})
	if _, err := Build(Options{Name: "test"}, emptyPattern, testPriv); err == nil || !strings.Contains(err.Error(), "entry 3") {
		t.Errorf("empty pattern after a shared provenance: %v, want an error naming entry 3", err)
	}
	badLater := mustEntries(t, map[string]entry.Provenance{"a.example": doj, "b.example": {Kind: entry.Flagged, Authority: "x", Date: "2026-13-01", Reference: "https://x.example/"}})
	if _, err := Build(Options{Name: "test"}, badLater, testPriv); err == nil || !strings.Contains(err.Error(), "date") {
		t.Errorf("bad provenance after a good one: %v, want a date error", err)
	}
}

func TestEmptySnapshot(t *testing.T) {
	s, err := Build(Options{Name: "empty", Version: 1, Created: created}, nil, testPriv)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Open(s.Bytes(), trust)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := canon.Parse("http://example.com/")
	if _, ok := back.Lookup(u); ok {
		t.Error("empty snapshot matched")
	}
}

func TestOpenRejects(t *testing.T) {
	good := testSnapshot(t, 3).Bytes()
	otherPub, _ := fixedKey(2)
	flip := func(i int) []byte {
		b := bytes.Clone(good)
		b[i] ^= 0x40
		return b
	}
	tests := []struct {
		name  string
		b     []byte
		trust *keys.Set
		want  error
	}{
		{"empty", nil, trust, ErrTruncated},
		{"magic only", []byte("RFSNAP"), trust, ErrTruncated},
		{"not a snapshot", []byte("GIF89a......................................................................................"), trust, ErrMalformed},
		{"delta magic", append([]byte("RFDLTA"), good[6:]...), trust, ErrMalformed},
		{"future format", append(append([]byte("RFSNAP"), 3, 0), good[8:]...), trust, ErrVersion},
		{"truncated", good[:len(good)-1], trust, ErrTruncated},
		{"truncated body", append(bytes.Clone(good[:100]), good[len(good)-trailerLen:]...), trust, ErrTruncated},
		{"tampered version", flip(9), trust, ErrBadSignature},
		{"tampered key", flip(len(good) - trailerLen - 9), trust, ErrBadSignature},
		{"tampered signature", flip(len(good) - 1), trust, ErrBadSignature},
		{"untrusted key", good, keys.NewSet(otherPub), ErrUnknownKey},
		{"no trusted keys", good, nil, ErrUnknownKey},
	}
	for _, tt := range tests {
		_, err := Open(tt.b, tt.trust)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestParseAnyPrefixNeverPanics(t *testing.T) {
	good := testSnapshot(t, 3).Bytes()
	for n := 0; n < len(good); n++ {
		if _, err := Parse(good[:n]); err == nil {
			t.Fatalf("Parse(first %d of %d bytes) succeeded", n, len(good))
		}
	}
}

func TestIndexWidth(t *testing.T) {
	for n, want := range map[int]int{0: 1, 1: 1, 256: 1, 257: 2, 65536: 2, 65537: 3} {
		if got := indexWidthFor(n); got != want {
			t.Errorf("indexWidthFor(%d) = %d, want %d", n, got, want)
		}
	}
}

func TestManyProvenances(t *testing.T) {
	var es []entry.Entry
	for i := 0; i < 300; i++ {
		p := acme
		p.Note = fmt.Sprintf("case %d", i)
		es = append(es, entry.Entry{Pattern: entry.Pattern{Host: fmt.Sprintf("host%d.example", i)}, Provenance: p})
	}
	s, err := Build(Options{Name: "many", Version: 1, Created: created}, es, testPriv)
	if err != nil {
		t.Fatal(err)
	}
	back, err := Open(s.Bytes(), trust)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 300; i += 37 {
		p, ok := back.Contains(fmt.Sprintf("host%d.example/", i))
		if !ok || p.Note != fmt.Sprintf("case %d", i) {
			t.Errorf("host%d: %+v %v", i, p, ok)
		}
	}
}
