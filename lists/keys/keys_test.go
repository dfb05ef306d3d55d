package keys

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
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

// The fixed RFC 8410 encodings must be exactly what crypto/x509 (and
// openssl) write and read, and other key types must be refused by name.
func TestDERMatchesX509(t *testing.T) {
	pub, priv, err := Generate()
	if err != nil {
		t.Fatal(err)
	}
	pkcs8, _ := x509.MarshalPKCS8PrivateKey(priv)
	pkix, _ := x509.MarshalPKIXPublicKey(pub)
	if want := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}); !bytes.Equal(MarshalPrivate(priv), want) {
		t.Errorf("MarshalPrivate differs from x509:\n%s\n%s", MarshalPrivate(priv), want)
	}
	if want := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pkix}); !bytes.Equal(MarshalPublic(pub), want) {
		t.Errorf("MarshalPublic differs from x509:\n%s\n%s", MarshalPublic(pub), want)
	}
	if got, err := ParsePrivate(MarshalPrivate(priv)); err != nil || !got.Equal(priv) {
		t.Errorf("ParsePrivate round trip: %v", err)
	}

	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecPriv, _ := x509.MarshalPKCS8PrivateKey(ec)
	ecPub, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	for _, tc := range []struct {
		name, pemType string
		der           []byte
		parse         func([]byte) error
		wantErr       string
	}{
		{"ECDSA private", "PRIVATE KEY", ecPriv, func(b []byte) error { _, err := ParsePrivate(b); return err }, "not an Ed25519 PKCS #8 key"},
		{"ECDSA public", "PUBLIC KEY", ecPub, func(b []byte) error { _, err := ParsePublic(b); return err }, "not an Ed25519 PKIX key"},
		{"truncated private", "PRIVATE KEY", pkcs8[:len(pkcs8)-1], func(b []byte) error { _, err := ParsePrivate(b); return err }, "not an Ed25519 PKCS #8 key"},
		{"trailing public", "PUBLIC KEY", append(append([]byte{}, pkix...), 0), func(b []byte) error { _, err := ParsePublic(b); return err }, "not an Ed25519 PKIX key"},
	} {
		err := tc.parse(pem.EncodeToMemory(&pem.Block{Type: tc.pemType, Bytes: tc.der}))
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.wantErr)
		}
	}
}
