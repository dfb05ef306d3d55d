package snapshot

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/keys"
)

// randomEntries returns n host entries and some prefix entries, drawn from
// rng, with a handful of provenances.
func randomEntries(rng *rand.Rand, n int) []entry.Entry {
	provs := []entry.Provenance{doj, acme, {Kind: entry.Flagged, Authority: "CERT", Date: "2025-05-05", Reference: "https://cert.example/1"}}
	out := make([]entry.Entry, 0, n)
	seen := map[string]bool{}
	for len(out) < n {
		var p entry.Pattern
		if rng.IntN(10) == 0 {
			p = entry.Pattern{Host: "github.com", Path: fmt.Sprintf("/user%d/", rng.IntN(1<<30))}
		} else {
			p = entry.Pattern{Host: fmt.Sprintf("h%d.example", rng.IntN(1<<30))}
		}
		if seen[p.String()] {
			continue
		}
		seen[p.String()] = true
		out = append(out, entry.Entry{Pattern: p, Provenance: provs[rng.IntN(len(provs))]})
	}
	return out
}

func TestDeltaRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	base := randomEntries(rng, 2000)
	tests := []struct {
		name    string
		change  func([]entry.Entry) []entry.Entry
		noNames bool // the publisher stops publishing names
	}{
		{"no change", func(es []entry.Entry) []entry.Entry { return es }, false},
		{"names no longer published", func(es []entry.Entry) []entry.Entry { return es }, true},
		{"look-alikes turned off for some", func(es []entry.Entry) []entry.Entry {
			es = append([]entry.Entry(nil), es...)
			for i := range es[:100] {
				es[i].LookAlikesOff = true
			}
			return es
		}, false},
		{"grows past the filter's size", func(es []entry.Entry) []entry.Entry { return append(es, randomEntries(rng, 3000)...) }, false},
		{"add", func(es []entry.Entry) []entry.Entry { return append(es, randomEntries(rng, 50)...) }, false},
		{"remove", func(es []entry.Entry) []entry.Entry { return es[100:] }, false},
		{"remove all", func(es []entry.Entry) []entry.Entry { return nil }, false},
		{"new provenance", func(es []entry.Entry) []entry.Entry {
			es = append([]entry.Entry(nil), es...)
			es[0].Note = "updated after review"
			es[1].Kind = entry.Seized
			return es
		}, false},
		{"drop a provenance", func(es []entry.Entry) []entry.Entry {
			var out []entry.Entry
			for _, e := range es {
				if e.Provenance != acme {
					out = append(out, e)
				}
			}
			return out
		}, false},
		{"mixed", func(es []entry.Entry) []entry.Entry {
			es = append([]entry.Entry(nil), es[30:]...)
			return append(es, randomEntries(rng, 70)...)
		}, false},
	}
	from, err := Build(Options{Name: "test", Version: 10, Created: created, BrowserNames: true}, base, testPriv)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		to, err := Build(Options{Name: "test", Version: 11, Created: created.Add(3600e9), BrowserNames: !tt.noNames}, tt.change(base), testPriv)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		d, err := Diff(from, to, testPriv)
		if err != nil {
			t.Fatalf("%s: Diff: %v", tt.name, err)
		}
		got, err := ApplyDelta(from, d, trust)
		if err != nil {
			t.Fatalf("%s: ApplyDelta: %v", tt.name, err)
		}
		if !bytes.Equal(got.Bytes(), to.Bytes()) {
			t.Errorf("%s: applied delta differs from the target snapshot", tt.name)
		}
		if _, err := Open(got.Bytes(), trust); err != nil {
			t.Errorf("%s: applied snapshot does not open: %v", tt.name, err)
		}
		// And back: sections come back with a delta too.
		if len(to.Keys) > 0 {
			again, _ := Build(Options{Name: "test", Version: 12, Created: created, BrowserNames: true}, base, testPriv)
			d, err := Diff(got, again, testPriv)
			if err != nil {
				t.Fatalf("%s: Diff back: %v", tt.name, err)
			}
			if back, err := ApplyDelta(got, d, trust); err != nil || !bytes.Equal(back.Bytes(), again.Bytes()) {
				t.Errorf("%s: delta back: %v", tt.name, err)
			}
		}
	}
}

func TestDeltaRejects(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	es := randomEntries(rng, 500)
	v1, _ := Build(Options{Name: "test", Version: 1, Created: created}, es, testPriv)
	v2, _ := Build(Options{Name: "test", Version: 2, Created: created}, es[10:], testPriv)
	v3, _ := Build(Options{Name: "test", Version: 3, Created: created}, es[20:], testPriv)
	other, _ := Build(Options{Name: "other", Version: 1, Created: created}, es, testPriv)
	d12, _ := Diff(v1, v2, testPriv)
	otherPub, otherPriv := fixedKey(9)
	dOtherKey, _ := Diff(v1, v2, otherPriv)

	flip := func(b []byte, i int) []byte {
		c := bytes.Clone(b)
		c[i] ^= 1
		return c
	}
	tests := []struct {
		name  string
		base  *Snapshot
		delta []byte
		trust *keys.Set
		want  error
	}{
		{"wrong base version", v2, d12, trust, ErrWrongBase},
		{"wrong list", other, d12, trust, ErrWrongBase},
		{"truncated", v1, d12[:len(d12)-10], trust, ErrUnknownKey},
		{"tampered", v1, flip(d12, 40), trust, ErrBadSignature},
		{"untrusted delta key", v1, dOtherKey, trust, ErrUnknownKey},
		{"snapshot given as delta", v1, v2.Bytes(), trust, ErrMalformed},
		{"empty", v1, nil, trust, ErrTruncated},
	}
	for _, tt := range tests {
		_, err := ApplyDelta(tt.base, tt.delta, tt.trust)
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: err = %v, want %v", tt.name, err, tt.want)
		}
	}
	// A delta signed by a trusted key whose target was signed by a key
	// the client does not trust yields nothing.
	if _, err := ApplyDelta(v1, dOtherKey, keys.NewSet(otherPub)); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("target signed by untrusted key: err = %v", err)
	}
	if _, err := Diff(v2, v1, testPriv); !errors.Is(err, ErrNotNewer) {
		t.Errorf("backwards Diff: err = %v", err)
	}
	if _, err := Diff(v1, v1, testPriv); !errors.Is(err, ErrNotNewer) {
		t.Errorf("same-version Diff: err = %v", err)
	}
	_ = v3
}

func TestDeltaSize(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	es := randomEntries(rng, 20000)
	from, _ := Build(Options{Name: "test", Version: 1, Created: created}, es, testPriv)
	to, _ := Build(Options{Name: "test", Version: 2, Created: created}, append(es[50:], randomEntries(rng, 50)...), testPriv)
	d, err := Diff(from, to, testPriv)
	if err != nil {
		t.Fatal(err)
	}
	// 100 changes, each at most 10 bytes of keys and, for the look-alikes of
	// its name (about ten filter keys), at most 90 bytes of target record
	// and flipped filter bits, plus headers and three signatures.
	if len(d) > 100*100+400 {
		t.Errorf("delta for 100 changes is %d bytes", len(d))
	}
	info, err := ReadDeltaInfo(d)
	if err != nil || info.FromVersion != 1 || info.ToVersion != 2 || info.Name != "test" {
		t.Errorf("ReadDeltaInfo = %+v, %v", info, err)
	}
}
