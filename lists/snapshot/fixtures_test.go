package snapshot

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/keys"
)

var update = flag.Bool("update", false, "rewrite the fixtures in testdata/")

// fixtures returns every golden file by name. They are made from fixed keys
// and dates, so a change in the bytes means the format changed.
func fixtures(t *testing.T) map[string][]byte {
	v3 := testSnapshot(t, 3)
	es := mustEntries(t, map[string]entry.Provenance{
		"silverstarchina.com":      doj,
		"cloudfox.cloud":           doj,
		"jinyang.asia":             doj,
		"github.com/some-user/":    acme,
		"linkedin.com/in/some-id/": acme,
	})
	v4, err := Build(Options{Name: "test", Version: 4, Created: created, BrowserNames: true}, es, testPriv)
	if err != nil {
		t.Fatal(err)
	}
	v2 := testSnapshot(t, 2)
	d34, err := Diff(v3, v4, testPriv)
	if err != nil {
		t.Fatal(err)
	}
	_, otherPriv := fixedKey(2)
	otherKey, _ := Build(Options{Name: "test", Version: 5, Created: created}, es, otherPriv)
	good := v3.Bytes()
	mod := func(b []byte, f func([]byte)) []byte {
		c := bytes.Clone(b)
		f(c)
		return c
	}
	// resigned re-encodes a changed copy of v3, signed: what a publisher
	// with a bug, or a newer one, could produce.
	resigned := func(change func(s *Snapshot)) []byte {
		s, err := Parse(bytes.Clone(good))
		if err != nil {
			t.Fatal(err)
		}
		la := *s.LookAlikes
		s.LookAlikes = &la
		change(s)
		return s.encode(testPriv)
	}
	return map[string][]byte{
		"good_v3.snap":            good,
		"good_v4.snap":            v4.Bytes(),
		"good_v3_to_v4.delta":     d34,
		"fail_truncated.snap":     good[:len(good)/2],
		"fail_bad_signature.snap": mod(good, func(b []byte) { b[len(b)-1] ^= 1 }),
		"fail_tampered.snap":      mod(good, func(b []byte) { b[16] ^= 1 }), // created time
		"fail_unknown_key.snap":   otherKey.Bytes(),
		"fail_old_version.snap":   v2.Bytes(),
		"fail_future_format.snap": mod(good, func(b []byte) { b[6] = 3 }),
		"good_unknown_section.snap": resigned(func(s *Snapshot) {
			s.unknown = []rawSection{{tag: 9, payload: []byte("a later part")}}
		}),
		"fail_required_section.snap": resigned(func(s *Snapshot) {
			s.unknown = []rawSection{{tag: 9, flags: flagRequired, payload: []byte("a later part")}}
		}),
		"fail_lookalike_filter_size.snap": resigned(func(s *Snapshot) { s.LookAlikes.N = 1000 }),
		"fail_lookalike_provenance.snap":  resigned(func(s *Snapshot) { s.LookAlikes.provs = []uint32{0, 9} }),
		"fail_names_order.snap": resigned(func(s *Snapshot) {
			s.Names = append([]string{"zz.example"}, s.Names...)
		}),
		"fail_bad_magic.snap":      mod(good, func(b []byte) { copy(b, "RFSNAQ") }),
		"fail_oversized.snap":      mod(good, func(b []byte) { binary.LittleEndian.PutUint32(b[28:], MaxKeys+1) }),
		"fail_truncated.delta":     d34[:len(d34)-1],
		"fail_bad_signature.delta": mod(d34, func(b []byte) { b[len(b)-1] ^= 1 }),
		"fail_wrong_base.delta": func() []byte {
			d, _ := Diff(v2, v4, testPriv)
			return d
		}(),
	}
}

func TestFixtures(t *testing.T) {
	all := fixtures(t)
	for name, want := range all {
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s: the encoder no longer writes these bytes; if the format changed on purpose, bump the format version and run go test -update", name)
		}
	}
}

func read(t *testing.T, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSnapshotFixtures(t *testing.T) {
	tests := []struct {
		file string
		want error // nil for good
	}{
		{"good_v3.snap", nil},
		{"good_v4.snap", nil},
		{"good_unknown_section.snap", nil},
		{"good_format1_v3.snap", nil},
		{"good_format1_v4.snap", nil},
		{"fail_required_section.snap", ErrVersion},
		{"fail_lookalike_filter_size.snap", ErrMalformed},
		{"fail_lookalike_provenance.snap", ErrMalformed},
		{"fail_names_order.snap", ErrMalformed},
		{"fail_truncated.snap", ErrTruncated},
		{"fail_bad_signature.snap", ErrBadSignature},
		{"fail_tampered.snap", ErrBadSignature},
		{"fail_unknown_key.snap", ErrUnknownKey},
		{"fail_future_format.snap", ErrVersion},
		{"fail_bad_magic.snap", ErrMalformed},
		{"fail_oversized.snap", ErrTooLarge},
	}
	for _, tt := range tests {
		_, err := Open(read(t, tt.file), trust)
		if !errors.Is(err, tt.want) {
			t.Errorf("Open(%s) = %v, want %v", tt.file, err, tt.want)
		}
	}
	// A client holding version 3 refuses a replayed version 2.
	if _, err := OpenNewer(read(t, "fail_old_version.snap"), trust, "test", 3); !errors.Is(err, ErrNotNewer) {
		t.Errorf("OpenNewer(old version) = %v, want ErrNotNewer", err)
	}
	if _, err := OpenNewer(read(t, "good_v4.snap"), trust, "test", 3); err != nil {
		t.Errorf("OpenNewer(v4 over v3) = %v", err)
	}
	if _, err := OpenNewer(read(t, "good_v4.snap"), trust, "other", 3); !errors.Is(err, ErrWrongBase) {
		t.Errorf("OpenNewer(other list) = %v, want ErrWrongBase", err)
	}
}

func TestDeltaFixtures(t *testing.T) {
	v3, err := Open(read(t, "good_v3.snap"), trust)
	if err != nil {
		t.Fatal(err)
	}
	v4, err := ApplyDelta(v3, read(t, "good_v3_to_v4.delta"), trust)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(v4.Bytes(), read(t, "good_v4.snap")) {
		t.Error("good_v3_to_v4.delta applied to good_v3.snap is not good_v4.snap")
	}
	tests := []struct {
		file string
		want error
	}{
		{"fail_truncated.delta", ErrUnknownKey},
		{"fail_bad_signature.delta", ErrBadSignature},
		{"fail_wrong_base.delta", ErrWrongBase},
	}
	for _, tt := range tests {
		if _, err := ApplyDelta(v3, read(t, tt.file), trust); !errors.Is(err, tt.want) {
			t.Errorf("ApplyDelta(%s) = %v, want %v", tt.file, err, tt.want)
		}
	}
	_ = keys.ID{}
}

// Format 1 (before sections) stays readable: a stored list from an earlier
// release keeps answering, its format-1 deltas still apply, and a
// publisher moves it to format 2 with an ordinary delta.
func TestFormat1Compat(t *testing.T) {
	v3, err := Open(read(t, "good_format1_v3.snap"), trust)
	if err != nil {
		t.Fatal(err)
	}
	if v3.format != 1 || v3.LookAlikes != nil || v3.Names != nil {
		t.Fatalf("format-1 snapshot read as format %d with sections", v3.format)
	}
	if _, ok := v3.Contains("silverstarchina.com/"); !ok {
		t.Error("format-1 snapshot lost an entry")
	}
	v4, err := ApplyDelta(v3, read(t, "good_format1_v3_to_v4.delta"), trust)
	if err != nil || !bytes.Equal(v4.Bytes(), read(t, "good_format1_v4.snap")) {
		t.Fatalf("format-1 delta: %v", err)
	}
	next, err := Open(read(t, "good_v4.snap"), trust)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Diff(v3, next, testPriv)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ApplyDelta(v3, d, trust)
	if err != nil || !bytes.Equal(got.Bytes(), next.Bytes()) {
		t.Fatalf("format 1 to 2 by delta: %v", err)
	}
}

// An unknown optional section survives a delta that leaves it alone, and
// a delta that patches one is refused with ErrVersion (fetch the snapshot).
func TestUnknownSectionInDeltas(t *testing.T) {
	withUnknown, err := Open(read(t, "good_unknown_section.snap"), trust)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(withUnknown.encode(testPriv), withUnknown.Bytes()) {
		t.Fatal("an unknown section does not re-encode to its bytes")
	}
	next, err := Parse(bytes.Clone(withUnknown.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	next.Version = 9
	next.raw = next.encode(testPriv)
	d, err := Diff(withUnknown, next, testPriv)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ApplyDelta(withUnknown, d, trust); err != nil || !bytes.Equal(got.Bytes(), next.Bytes()) {
		t.Fatalf("delta keeping an unknown section: %v", err)
	}
	next.unknown = []rawSection{{tag: 9, payload: []byte("changed")}}
	next.raw = next.encode(testPriv)
	if _, err := Diff(withUnknown, next, testPriv); !errors.Is(err, ErrVersion) {
		t.Fatalf("Diff patching an unknown section: %v, want ErrVersion", err)
	}
}
