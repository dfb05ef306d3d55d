package checker

import (
	"crypto/ed25519"
	"errors"
	"testing"
	"time"

	"github.com/redflag/redflag/lists/check"
	"github.com/redflag/redflag/lists/data"
	"github.com/redflag/redflag/lists/keys"
	"github.com/redflag/redflag/lists/snapshot"
	"github.com/redflag/redflag/lists/synthetic"
)

var priv = ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))

// build is the default list at version, its entries seized, signed by priv.
func build(t *testing.T, version uint64, patterns ...string) *snapshot.Snapshot {
	t.Helper()
	return buildList(t, data.Name, version, priv, synthetic.Provenances[0], patterns...)
}

func verdict(c *Checker, input string) string {
	return check.Check(c.Default().Snapshot(), input, check.Options{}).Verdict
}

func TestNewOpensTheDefaultList(t *testing.T) {
	c, err := New()
	if errors.Is(err, data.ErrNotBuilt) {
		t.Skip("no embedded default list: run make embedded")
	}
	if err != nil {
		t.Fatal(err)
	}
	in := c.Default().Info()
	if in.Name != data.Name || in.Version != data.Version || in.Entries != 17 || len(in.TrustedKeys) == 0 {
		t.Errorf("Info() = %+v", in)
	}
	if v := verdict(c, "https://www.silverstarchina.com/"); v != check.Seized {
		t.Errorf("silverstarchina.com: %s", v)
	}
}

// TestEmbeddedListVerifies is the signature check New leaves to build time:
// the embedded bytes verify against the embedded keys and parse to the same
// list New starts on.
func TestEmbeddedListVerifies(t *testing.T) {
	verified, err := data.Default()
	if errors.Is(err, data.ErrNotBuilt) {
		t.Skip("no embedded default list: run make embedded")
	}
	if err != nil {
		t.Fatalf("embedded default list does not verify: %v", err)
	}
	c, err := New()
	if err != nil {
		t.Fatal(err)
	}
	if c.Default().Snapshot().Stats() != verified.Stats() || string(c.Default().Snapshot().Bytes()) != string(verified.Bytes()) {
		t.Errorf("New started on %+v, the verified list is %+v", c.Default().Snapshot().Stats(), verified.Stats())
	}
}

func TestUpdates(t *testing.T) {
	pub := priv.Public().(ed25519.PublicKey)
	v1, v2 := build(t, 10, "a-front.com"), build(t, 20, "a-front.com", "b-front.com")
	delta, err := snapshot.Diff(v1, v2, priv)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Open(build(t, 5, "old.com").Bytes(), keys.NewSet())
	if err == nil {
		t.Fatal("opened a list signed by an untrusted key")
	}
	c, err = Open(build(t, 5, "old.com").Bytes(), keys.NewSet(pub))
	if err != nil {
		t.Fatal(err)
	}

	steps := []struct {
		name    string
		do      func() error
		wantErr error
		version uint64
	}{
		{"delta on the wrong base", func() error { return c.Default().ApplyDelta(delta) }, snapshot.ErrWrongBase, 5},
		{"v1", func() error { return c.Default().Load(v1.Bytes()) }, nil, 10},
		{"v1 again", func() error { return c.Default().Load(v1.Bytes()) }, snapshot.ErrNotNewer, 10},
		{"garbage", func() error { return c.Default().Load([]byte("RFSNAP garbage")) }, snapshot.ErrVersion, 10},
		{"delta", func() error { return c.Default().ApplyDelta(delta) }, nil, 20},
		{"delta again", func() error { return c.Default().ApplyDelta(delta) }, snapshot.ErrWrongBase, 20},
		{"v1 after v2", func() error { return c.Default().Load(v1.Bytes()) }, snapshot.ErrNotNewer, 20},
	}
	for _, s := range steps {
		err := s.do()
		if s.wantErr == nil && err != nil || s.wantErr != nil && !errors.Is(err, s.wantErr) {
			t.Errorf("%s: err = %v, want %v", s.name, err, s.wantErr)
		}
		if v := c.Default().Version(); v != s.version {
			t.Errorf("%s: version %d, want %d", s.name, v, s.version)
		}
	}
	if verdict(c, "b-front.com") != check.Seized || string(c.Default().Snapshot().Bytes()) != string(v2.Bytes()) {
		t.Error("after the delta the list is not v2")
	}
}

// TestLoadSignatureVerified: the host checked the signature; everything
// else is still refused here, and a refusal keeps the current list.
func TestLoadSignatureVerified(t *testing.T) {
	pub := priv.Public().(ed25519.PublicKey)
	c, err := Open(build(t, 5, "old.com").Bytes(), keys.NewSet(pub))
	if err != nil {
		t.Fatal(err)
	}
	_, otherPriv, _ := keys.Generate()
	byOther, err := snapshot.Build(snapshot.Options{Name: data.Name, Version: 30, Created: time.Unix(0, 0)}, nil, otherPriv)
	if err != nil {
		t.Fatal(err)
	}
	otherName, err := snapshot.Build(snapshot.Options{Name: "another-list", Version: 30, Created: time.Unix(0, 0)}, nil, priv)
	if err != nil {
		t.Fatal(err)
	}
	v1 := build(t, 10, "a-front.com")
	steps := []struct {
		name    string
		b       []byte
		wantErr error
		version uint64
	}{
		{"signed by an untrusted key", byOther.Bytes(), snapshot.ErrUnknownKey, 5},
		{"another list", otherName.Bytes(), snapshot.ErrWrongBase, 5},
		{"malformed", []byte("RFSNAP garbage"), snapshot.ErrVersion, 5},
		{"older", build(t, 4, "a-front.com").Bytes(), snapshot.ErrNotNewer, 5},
		{"v1", v1.Bytes(), nil, 10},
		{"v1 again", v1.Bytes(), snapshot.ErrNotNewer, 10},
	}
	for _, s := range steps {
		err := c.Default().LoadSignatureVerified(s.b)
		if s.wantErr == nil && err != nil || s.wantErr != nil && !errors.Is(err, s.wantErr) {
			t.Errorf("%s: err = %v, want %v", s.name, err, s.wantErr)
		}
		if v := c.Default().Version(); v != s.version {
			t.Errorf("%s: version %d, want %d", s.name, v, s.version)
		}
	}
	trusted, other := keys.IDOf(pub), keys.IDOf(otherPriv.Public().(ed25519.PublicKey))
	if got := c.Default().KeyFor(trusted[:]); !got.Equal(pub) {
		t.Errorf("KeyFor(trusted id) = %x", got)
	}
	for _, id := range [][]byte{other[:], nil, make([]byte, 9)} {
		if got := c.Default().KeyFor(id); got != nil {
			t.Errorf("KeyFor(%x) = %x, want nil", id, got)
		}
	}
}

func TestLoadCopiesItsInput(t *testing.T) {
	c, err := Open(build(t, 5, "old.com").Bytes(), keys.NewSet(priv.Public().(ed25519.PublicKey)))
	if err != nil {
		t.Fatal(err)
	}
	b := append([]byte(nil), build(t, 10, "a-front.com").Bytes()...)
	if err := c.Default().Load(b); err != nil {
		t.Fatal(err)
	}
	clear(b) // the module reuses its input region
	if verdict(c, "a-front.com") != check.Seized {
		t.Error("the loaded list changed with the caller's buffer")
	}
}

func TestAddTrustedKeys(t *testing.T) {
	c, err := Open(build(t, 5, "old.com").Bytes(), keys.NewSet(priv.Public().(ed25519.PublicKey)))
	if err != nil {
		t.Fatal(err)
	}
	other, _, _ := keys.Generate()
	if _, err := c.Default().AddTrustedKeys([]string{keys.FormatText(other), "ed25519:nope"}); err == nil {
		t.Error("a bad key was accepted")
	}
	if n := len(c.Default().Info().TrustedKeys); n != 1 {
		t.Errorf("%d keys after a refused batch, want 1 (all or none)", n)
	}
	ids, err := c.Default().AddTrustedKeys([]string{"", keys.FormatText(other), "  "})
	if err != nil || len(ids) != 1 || ids[0] != keys.IDOf(other) {
		t.Errorf("AddTrustedKeys = %v, %v", ids, err)
	}
}
