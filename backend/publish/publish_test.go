package publish

import (
	"bytes"
	"crypto/ed25519"
	"testing"
	"time"

	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/keys"
	"github.com/redflag/redflag/lists/snapshot"
	"github.com/redflag/redflag/lists/synthetic"
)

func TestNextVersion(t *testing.T) {
	now := time.UnixMilli(1_800_000_000_000)
	tests := []struct{ last, want uint64 }{
		{0, 1_800_000_000_000},
		{1_799_999_999_999, 1_800_000_000_000},
		{1_800_000_000_000, 1_800_000_000_001}, // same millisecond
		{1_900_000_000_000, 1_900_000_000_001}, // clock stepped back
	}
	for _, tt := range tests {
		if got := NextVersion(tt.last, now); got != tt.want {
			t.Errorf("NextVersion(%d) = %d, want %d", tt.last, got, tt.want)
		}
	}
}

func TestBuildDeltas(t *testing.T) {
	_, priv, _ := ed25519.GenerateKey(bytes.NewReader(make([]byte, 64)))
	trust := keys.NewSet(priv.Public().(ed25519.PublicKey))
	es := synthetic.Entries(20000, 1)
	opt := func(v uint64) snapshot.Options {
		return snapshot.Options{Name: "acme", Version: v, Created: time.UnixMilli(int64(v))}
	}
	tiny, err := Build(opt(1000), es[:3], priv, nil)
	if err != nil {
		t.Fatal(err)
	}
	v1, err := Build(opt(2000), es[:19990], priv, [][]byte{tiny.Snapshot.Bytes()})
	if err != nil {
		t.Fatal(err)
	}
	if len(v1.Deltas) != 0 {
		t.Errorf("kept a delta from 3 to 19990 entries: %+v (snapshot %d bytes)", v1.Index.Deltas, v1.Index.Snapshot.Size)
	}
	v2, err := Build(opt(3000), append(es[5:19990:19990], es[19990:]...), priv, [][]byte{v1.Snapshot.Bytes(), tiny.Snapshot.Bytes()})
	if err != nil {
		t.Fatal(err)
	}
	if len(v2.Deltas) != 1 || v2.Index.Deltas[0].From != 2000 {
		t.Fatalf("deltas %+v", v2.Index.Deltas)
	}
	old, _ := snapshot.Open(v1.Snapshot.Bytes(), trust)
	got, err := snapshot.ApplyDelta(old, v2.Deltas[0].Bytes, trust)
	if err != nil || !bytes.Equal(got.Bytes(), v2.Snapshot.Bytes()) {
		t.Fatalf("delta does not rebuild v2: %v", err)
	}
	ix := v2.Index
	if ix.Snapshot.Object != "lists/acme/snapshots/3000.snap" || ix.Deltas[0].Object != "lists/acme/deltas/2000-3000.delta" ||
		ix.Entries != 19995 || ix.Snapshot.Size != len(v2.Snapshot.Bytes()) || len(ix.Snapshot.ETag) != 34 {
		t.Errorf("index %+v", ix)
	}
	if _, ok := ix.Delta(2000); !ok {
		t.Error("Delta(2000) not found")
	}
	if _, ok := ix.Delta(1000); ok {
		t.Error("Delta(1000) found")
	}
	// A previous snapshot that is not older is refused.
	if _, err := Build(opt(1500), es[:10], priv, [][]byte{v1.Snapshot.Bytes()}); err == nil {
		t.Error("built a delta from a newer version")
	}
	if _, err := Build(opt(4000), []entry.Entry{{Pattern: entry.Pattern{Host: "x.example"}}}, priv, nil); err == nil {
		t.Error("built an entry without provenance")
	}
}
