package sources

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
)

// KeyFile names the key that seals sources' secret header values, in the
// data directory beside the signing key.
const KeyFile = "sources.key"

// sealer seals secret header values with AES-256-GCM, so that the
// database alone (a copy, a backup) does not give a feed's credentials
// away. Like tokens, a value is never shown again once stored.
type sealer struct{ aead cipher.AEAD }

// loadSealer reads the key at path, making it (mode 0600) if absent.
func loadSealer(path string) (*sealer, error) {
	key, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, fmt.Errorf("sources: secret key: %w", err)
		}
		if _, err := f.Write(key); err != nil {
			f.Close()
			return nil, fmt.Errorf("sources: secret key: %w", err)
		}
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("sources: secret key: %w", err)
		}
	} else if err != nil {
		return nil, fmt.Errorf("sources: secret key: %w", err)
	}
	if len(key) != 32 {
		return nil, fmt.Errorf("sources: secret key %s: %d bytes, want 32", path, len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &sealer{aead: aead}, nil
}

func (s *sealer) seal(plain string) []byte {
	nonce := make([]byte, s.aead.NonceSize())
	rand.Read(nonce)
	return s.aead.Seal(nonce, nonce, []byte(plain), nil)
}

func (s *sealer) open(sealed []byte) (string, error) {
	if len(sealed) == 0 {
		return "", nil
	}
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return "", errors.New("sources: sealed secret too short")
	}
	plain, err := s.aead.Open(nil, sealed[:n], sealed[n:], nil)
	if err != nil {
		return "", fmt.Errorf("sources: the secret header value cannot be opened with %s (was the key replaced?): %w", KeyFile, err)
	}
	return string(plain), nil
}
