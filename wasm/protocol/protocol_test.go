package protocol

import (
	"encoding/binary"
	"errors"
	"slices"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/redflag/redflag/lists/check"
	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/lookalike"
	"github.com/redflag/redflag/lists/snapshot"
)

func TestInputsRoundTrip(t *testing.T) {
	tests := [][]string{
		{},
		{""},
		{"https://example.com/", "", "hr@jinyang.asia", "exämple.com", "\x00\xff", strings.Repeat("x", 70000)},
	}
	for _, in := range tests {
		got, err := Inputs(AppendInputs(nil, in), nil)
		if err != nil || !slices.Equal(got, in) && len(in) > 0 {
			t.Errorf("Inputs(AppendInputs(%q)) = %q, %v", in, got, err)
		}
	}
}

func TestInputsMalformed(t *testing.T) {
	u32 := func(vs ...uint32) []byte {
		var b []byte
		for _, v := range vs {
			b = binary.LittleEndian.AppendUint32(b, v)
		}
		return b
	}
	tests := map[string][]byte{
		"empty":            nil,
		"short count":      {1, 0},
		"count too large":  u32(MaxInputs + 1),
		"count over bytes": u32(3, 0),
		"length over data": append(u32(1, 5), "abc"...),
		"truncated length": append(u32(2, 1), 'a', 0),
		"trailing bytes":   append(u32(1, 1), 'a', 'b'),
		"huge length":      u32(1, 0xffffffff),
	}
	for name, b := range tests {
		if _, err := Inputs(b, nil); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err = %v, want ErrMalformed", name, err)
		}
	}
}

// decode reads records back the way checker.js does, counting offsets in
// UTF-16 units.
func decode(t *testing.T, r *Results) [][]string {
	t.Helper()
	text := utf16.Encode([]rune(string(r.Text)))
	var out [][]string
	k, pos := 0, uint32(0)
	next := func() string {
		end := r.Words[k]
		k++
		s := string(utf16.Decode(text[pos:end]))
		pos = end
		return s
	}
	for i := 0; i < r.Count; i++ {
		v := r.Words[k]
		k++
		rec := []string{[]string{"clean", "seized", "flagged", "invalid", "caution"}[v]}
		n := map[uint32]int{Clean: 2, Seized: 7, Flagged: 7, Invalid: 1, Caution: 10}[v]
		for j := 0; j < n; j++ {
			rec = append(rec, next())
		}
		out = append(out, rec)
	}
	if k != len(r.Words) || int(pos) != len(text) {
		t.Fatalf("decoded %d of %d words, %d of %d units", k, len(r.Words), pos, len(text))
	}
	return out
}

func TestResults(t *testing.T) {
	prov := entry.Provenance{Kind: entry.Flagged, Authority: "Bundesamt für Sicherheit", Date: "2026-11-01", Reference: "https://cert.example/", Note: "𝔘 ⚠️ note"}
	in := []check.Result{
		{Verdict: check.Clean, Canonical: "http://example.com/", Registrable: "example.com"},
		{Verdict: check.Invalid, Error: "invalid URL \"ü\xff\": no host"}, // invalid UTF-8 becomes U+FFFD
		{Verdict: check.Flagged, Canonical: "http://a.evil.com/", Registrable: "evil.com", Match: "evil.com/", Entry: &prov},
		{Verdict: check.Seized, Canonical: "http://x.com/", Registrable: "x.com", Match: "x.com/", Entry: &entry.Provenance{Kind: entry.Seized, Date: "2023-10-17", Authority: "DOJ", Reference: "https://doj.example/"}},
		{Verdict: check.Clean, Canonical: "http://1.2.3.4/", Registrable: ""},
		{Verdict: check.Caution, Canonical: "http://cloudfox.io/", Registrable: "cloudfox.io", Resembles: "cloudfox.cloud",
			How: "the same name under .io instead of .cloud", Similarity: []lookalike.Class{lookalike.Suffix, lookalike.Hyphen}, Entry: &entry.Provenance{Kind: entry.Seized, Date: "2023-10-17", Authority: "DOJ", Reference: "https://doj.example/"}},
	}
	var r Results
	for round := 0; round < 2; round++ { // the second round reuses the buffers
		r.Reset()
		for _, res := range in {
			r.Add(res)
		}
		got := decode(t, &r)
		want := [][]string{
			{"clean", "http://example.com/", "example.com"},
			{"invalid", "invalid URL \"ü\uFFFD\": no host"},
			{"flagged", "http://a.evil.com/", "evil.com", "evil.com/", "2026-11-01", "Bundesamt für Sicherheit", "https://cert.example/", "𝔘 ⚠️ note"},
			{"seized", "http://x.com/", "x.com", "x.com/", "2023-10-17", "DOJ", "https://doj.example/", ""},
			{"clean", "http://1.2.3.4/", ""},
			{"caution", "http://cloudfox.io/", "cloudfox.io", "cloudfox.cloud", "the same name under .io instead of .cloud", "suffix,hyphen", "seized", "2023-10-17", "DOJ", "https://doj.example/", ""},
		}
		if !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("round %d:\n got %q\nwant %q", round, got, want)
		}
	}
}

func TestVerdictOnly(t *testing.T) {
	var r Results
	prov := entry.Provenance{Kind: entry.Flagged, Authority: "CERT", Date: "2026-11-01", Reference: "https://cert.example/"}
	r.AddVerdict(check.Answer{}, nil)
	r.AddVerdict(check.Answer{Listed: true, Match: snapshot.Match{Expression: "evil.com/", Provenance: prov}}, nil)
	r.AddVerdict(check.Answer{}, errors.New("invalid URL \"\": empty"))
	r.AddVerdict(check.Answer{Caution: &snapshot.Caution{Resembles: "evil.com", How: lookalike.How{Text: "a hyphen added", Classes: []lookalike.Class{lookalike.Hyphen}}, Provenance: prov}}, nil)
	want := []uint32{Clean, Flagged, 9, 19, 23, 44, 44, Invalid, 65, Caution, 73, 87, 93, 100, 110, 114, 135, 135}
	if !slices.Equal(r.Words, want) || string(r.Text) != "evil.com/2026-11-01CERThttps://cert.example/invalid URL \"\": emptyevil.coma hyphen addedhyphenflagged2026-11-01CERThttps://cert.example/" {
		t.Errorf("words %v, text %q", r.Words, r.Text)
	}
}

func TestHeader(t *testing.T) {
	h := Header{Count: 3, WordsAt: 1024, WordCount: 9, TextAt: 4096, TextBytes: 77, Status: 1, ListVersion: 1795564800000}
	b := AppendHeader(nil, h)
	if len(b) != HeaderSize {
		t.Fatalf("header is %d bytes, want %d", len(b), HeaderSize)
	}
	got, err := ReadHeader(b)
	if err != nil || got != h {
		t.Errorf("ReadHeader = %+v, %v; want %+v", got, err, h)
	}
	if _, err := ReadHeader(b[:HeaderSize-1]); err == nil {
		t.Error("short header accepted")
	}
}

// FuzzInputs: any bytes decode to inputs or an error, never a panic, and
// what decodes re-encodes to the same bytes.
func FuzzInputs(f *testing.F) {
	f.Add(AppendInputs(nil, []string{"https://example.com/", "", "ü"}))
	f.Add([]byte{1, 0, 0, 0, 255, 255, 255, 255})
	f.Fuzz(func(t *testing.T, b []byte) {
		in, err := Inputs(b, nil)
		if err != nil {
			return
		}
		if again := AppendInputs(nil, in); string(again) != string(b) {
			t.Errorf("re-encoding %q gave %q", b, again)
		}
	})
}
