package keys

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFilesRoundTrip(t *testing.T) {
	pub, priv, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "signing.key")
	if err := WritePrivateFile(path, priv); err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	if st.Mode().Perm() != 0o600 {
		t.Errorf("mode = %v, want 0600", st.Mode().Perm())
	}
	if err := WritePrivateFile(path, priv); err == nil {
		t.Error("WritePrivateFile replaced an existing key")
	}
	back, err := ReadPrivateFile(path)
	if err != nil || !back.Equal(priv) {
		t.Fatalf("ReadPrivateFile = %v", err)
	}
	os.Chmod(path, 0o644)
	if _, err := ReadPrivateFile(path); err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("world-readable key: err = %v", err)
	}

	pubPath := filepath.Join(dir, "trusted.pub")
	pub2, _, _ := Generate()
	os.WriteFile(pubPath, append(MarshalPublic(pub), MarshalPublic(pub2)...), 0o644)
	pubs, err := ReadPublicFile(pubPath)
	if err != nil || len(pubs) != 2 || !pubs[0].Equal(pub) || !pubs[1].Equal(pub2) {
		t.Fatalf("ReadPublicFile = %d keys, %v", len(pubs), err)
	}
}

func TestText(t *testing.T) {
	pub, _, _ := Generate()
	txt := FormatText(pub)
	back, err := ParseText(txt)
	if err != nil || !back.Equal(pub) {
		t.Fatalf("ParseText(%q) = %v", txt, err)
	}
	pubs, err := ParsePublic([]byte("# trusted\n" + txt + "\n"))
	if err != nil || len(pubs) != 1 {
		t.Fatalf("ParsePublic(text) = %v", err)
	}
	for _, bad := range []string{"", "ed25519:", "ed25519:!!!", "rsa:AAAA", "ed25519:" + strings.Repeat("A", 40)} {
		if _, err := ParseText(bad); err == nil {
			t.Errorf("ParseText(%q) accepted", bad)
		}
	}
	if _, err := ParsePrivate([]byte(txt)); err == nil {
		t.Error("ParsePrivate accepted a public key")
	}
}

func TestSet(t *testing.T) {
	a, _, _ := Generate()
	b, _, _ := Generate()
	s := NewSet(a)
	if _, ok := s.Lookup(IDOf(b)); ok {
		t.Error("untrusted key found")
	}
	s.Add(b)
	if k, ok := s.Lookup(IDOf(b)); !ok || !bytes.Equal(k, b) {
		t.Error("added key not found")
	}
	if s.Len() != 2 || len(s.IDs()) != 2 {
		t.Errorf("Len = %d", s.Len())
	}
	var none *Set
	if _, ok := none.Lookup(IDOf(a)); ok || none.Len() != 0 {
		t.Error("nil set trusts something")
	}
}
