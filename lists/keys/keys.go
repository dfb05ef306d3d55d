// Package keys handles the Ed25519 keys that sign snapshots and deltas:
// key ids, sets of trusted public keys, and the files and text forms keys
// travel in.
//
// Private keys are PKCS #8 PEM files with mode 0600; public keys are PKIX
// PEM files (several keys may share one file) or, where a line of text is
// handier (managed policy, JSON), "ed25519:" followed by the standard
// base64 of the 32-byte key. A key id is the first 8 bytes of the SHA-256 of
// the 32-byte public key.
//
// The DER inside the PEM blocks is the fixed RFC 8410 encoding of an
// Ed25519 key (what openssl and crypto/x509 write), encoded and matched
// here byte for byte: crypto/x509 would pull RSA, ECDSA, big integers and
// the network stack into the WebAssembly checker for two fixed prefixes.
package keys

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
)

// ID identifies a public key in snapshots and deltas.
type ID [8]byte

func (id ID) String() string { return hex.EncodeToString(id[:]) }

// IDOf returns the id of a public key.
func IDOf(pub ed25519.PublicKey) ID {
	sum := sha256.Sum256(pub)
	var id ID
	copy(id[:], sum[:8])
	return id
}

// Set is a set of trusted public keys, looked up by id.
type Set struct {
	keys map[ID]ed25519.PublicKey
}

// NewSet returns a set holding pubs.
func NewSet(pubs ...ed25519.PublicKey) *Set {
	s := &Set{keys: make(map[ID]ed25519.PublicKey, len(pubs))}
	for _, p := range pubs {
		s.Add(p)
	}
	return s
}

// Add trusts pub.
func (s *Set) Add(pub ed25519.PublicKey) ID {
	id := IDOf(pub)
	s.keys[id] = append(ed25519.PublicKey(nil), pub...)
	return id
}

// Lookup returns the trusted key with id.
func (s *Set) Lookup(id ID) (ed25519.PublicKey, bool) {
	if s == nil {
		return nil, false
	}
	k, ok := s.keys[id]
	return k, ok
}

// IDs returns the ids in the set, sorted.
func (s *Set) IDs() []ID {
	var ids []ID
	if s != nil {
		for id := range s.keys {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return string(ids[i][:]) < string(ids[j][:]) })
	return ids
}

// Len returns the number of keys.
func (s *Set) Len() int {
	if s == nil {
		return 0
	}
	return len(s.keys)
}

// Generate makes a new key pair.
func Generate() (ed25519.PublicKey, ed25519.PrivateKey, error) {
	return ed25519.GenerateKey(rand.Reader)
}

// FormatText returns the one-line text form of a public key.
func FormatText(pub ed25519.PublicKey) string {
	return "ed25519:" + base64.StdEncoding.EncodeToString(pub)
}

// ParseText reads the one-line text form of a public key.
func ParseText(s string) (ed25519.PublicKey, error) {
	b64, ok := strings.CutPrefix(strings.TrimSpace(s), "ed25519:")
	if !ok {
		return nil, fmt.Errorf("keys: %.40q: want \"ed25519:\" and a base64 key", s)
	}
	b, err := base64.StdEncoding.DecodeString(b64)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("keys: %.40q: not a base64 32-byte Ed25519 public key", s)
	}
	return ed25519.PublicKey(b), nil
}

// RFC 8410 DER prefixes: the PKCS #8 v1 private key holding the 32-byte
// seed, and the SubjectPublicKeyInfo holding the 32-byte public key.
var (
	pkcs8Prefix = []byte{0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20}
	pkixPrefix  = []byte{0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00}
)

// MarshalPrivate encodes a private key as PKCS #8 PEM.
func MarshalPrivate(priv ed25519.PrivateKey) []byte {
	der := append(append([]byte{}, pkcs8Prefix...), priv.Seed()...)
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// MarshalPublic encodes a public key as PKIX PEM.
func MarshalPublic(pub ed25519.PublicKey) []byte {
	der := append(append([]byte{}, pkixPrefix...), pub...)
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// ParsePrivate decodes a PKCS #8 PEM Ed25519 private key.
func ParsePrivate(b []byte) (ed25519.PrivateKey, error) {
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, errors.New("keys: not a PEM \"PRIVATE KEY\"")
	}
	seed, ok := bytes.CutPrefix(block.Bytes, pkcs8Prefix)
	if !ok || len(seed) != ed25519.SeedSize {
		return nil, errors.New("keys: private key is not an Ed25519 PKCS #8 key (RFC 8410)")
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

// ParsePublic decodes every PKIX PEM Ed25519 public key in b, or text-form
// keys one per line. It fails if b holds none or any other kind of key.
func ParsePublic(b []byte) ([]ed25519.PublicKey, error) {
	var out []ed25519.PublicKey
	rest := b
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "PUBLIC KEY" {
			return nil, fmt.Errorf("keys: PEM block %q, want \"PUBLIC KEY\"", block.Type)
		}
		pub, ok := bytes.CutPrefix(block.Bytes, pkixPrefix)
		if !ok || len(pub) != ed25519.PublicKeySize {
			return nil, errors.New("keys: public key is not an Ed25519 PKIX key (RFC 8410)")
		}
		out = append(out, ed25519.PublicKey(bytes.Clone(pub)))
	}
	if len(out) > 0 {
		return out, nil
	}
	for _, line := range strings.Split(string(b), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		pub, err := ParseText(line)
		if err != nil {
			return nil, err
		}
		out = append(out, pub)
	}
	if len(out) == 0 {
		return nil, errors.New("keys: no public key found")
	}
	return out, nil
}

// WritePrivateFile writes priv to path with mode 0600, refusing to replace
// an existing file (losing a signing key strands every installed client).
func WritePrivateFile(path string, priv ed25519.PrivateKey) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("keys: %w", err)
	}
	if _, err := f.Write(MarshalPrivate(priv)); err != nil {
		f.Close()
		return fmt.Errorf("keys: %w", err)
	}
	return f.Close()
}

// ReadPrivateFile reads a private key file. It refuses a file others can
// read, as ssh does.
func ReadPrivateFile(path string) (ed25519.PrivateKey, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("keys: %s has mode %v; a private key must be readable by its owner only (chmod 600)", path, st.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	k, err := ParsePrivate(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// ReadPublicFile reads the public keys in a file.
func ReadPublicFile(path string) ([]ed25519.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("keys: %w", err)
	}
	k, err := ParsePublic(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}
