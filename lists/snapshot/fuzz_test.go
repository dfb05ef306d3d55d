package snapshot

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// addFixtures seeds a fuzz target with every golden file of a kind.
func addFixtures(f *testing.F, pattern string) {
	files, _ := filepath.Glob(filepath.Join("testdata", pattern))
	for _, name := range files {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

// FuzzParse: no input panics Parse, and whatever it accepts re-encodes to
// the same bytes (the format has one encoding per content).
func FuzzParse(f *testing.F) {
	addFixtures(f, "*.snap")
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Parse(b)
		if err != nil {
			return
		}
		body := s.encodeBody()
		if !bytes.Equal(body, b[:len(b)-trailerLen]) {
			t.Fatalf("accepted input does not re-encode to itself")
		}
		s.Contains("example.com/")
	})
}

// FuzzOpen: no input panics Open, and nothing but a validly signed
// snapshot is accepted.
func FuzzOpen(f *testing.F) {
	addFixtures(f, "*.snap")
	// The validly signed version-3 files: the test's own and the golden
	// ones (format 1, an unknown section).
	signed := [][]byte{testSnapshot(f, 3).Bytes()}
	for _, name := range []string{"good_format1_v3.snap", "good_unknown_section.snap"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		signed = append(signed, b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Open(b, trust)
		if err == nil && s.Version == 3 && !slices.ContainsFunc(signed, func(g []byte) bool { return bytes.Equal(b, g) }) {
			t.Fatalf("accepted a modified version 3")
		}
	})
}

// FuzzApplyDelta: no input panics ApplyDelta, the base is never modified,
// and anything accepted is a validly signed snapshot.
func FuzzApplyDelta(f *testing.F) {
	addFixtures(f, "*.delta")
	base := testSnapshot(f, 3)
	before := bytes.Clone(base.Bytes())
	f.Fuzz(func(t *testing.T, b []byte) {
		got, err := ApplyDelta(base, b, trust)
		if !bytes.Equal(base.Bytes(), before) {
			t.Fatal("ApplyDelta modified its base")
		}
		if err != nil {
			return
		}
		if _, err := Open(got.Bytes(), trust); err != nil {
			t.Fatalf("accepted delta yields a snapshot that does not open: %v", err)
		}
	})
}

// FuzzDeltaRebuild goes past the signature: whatever parses as a delta,
// applied to a base, must fail cleanly or yield a consistent snapshot.
func FuzzDeltaRebuild(f *testing.F) {
	addFixtures(f, "*.delta")
	base := testSnapshot(f, 3)
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := parseDelta(b)
		if err != nil {
			return
		}
		to, err := d.rebuild(base)
		if err != nil {
			return
		}
		if err := to.checkOrder(); err != nil {
			t.Fatalf("rebuilt snapshot is inconsistent: %v", err)
		}
	})
}
