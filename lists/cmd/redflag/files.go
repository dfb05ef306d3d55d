package main

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/redflag/redflag/lists/data"
	"github.com/redflag/redflag/lists/keys"
)

// writeOutput writes b to path atomically (temp file, then rename), or to
// stdout when path is "" or "-".
func writeOutput(path string, b []byte, stdout io.Writer) error {
	if path == "" || path == "-" {
		_, err := stdout.Write(b)
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// readInput reads a file, or stdin for "-".
func readInput(path string, stdin io.Reader) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(stdin)
	}
	return os.ReadFile(path)
}

// pubFlags collects repeated --pub flags.
type pubFlags []string

func (p *pubFlags) String() string     { return strings.Join(*p, ",") }
func (p *pubFlags) Set(v string) error { *p = append(*p, v); return nil }

// trustFor returns the keys to verify with: the build's embedded trusted
// keys plus every --pub file (a file or an "ed25519:..." text key).
func trustFor(pubs []string) (*keys.Set, error) {
	set, err := data.TrustedKeys()
	if err != nil {
		set = keys.NewSet()
	}
	for _, p := range pubs {
		var ks []ed25519.PublicKey
		if strings.HasPrefix(p, "ed25519:") {
			k, err := keys.ParseText(p)
			if err != nil {
				return nil, err
			}
			ks = append(ks, k)
		} else if ks, err = keys.ReadPublicFile(p); err != nil {
			return nil, err
		}
		for _, k := range ks {
			set.Add(k)
		}
	}
	if set.Len() == 0 {
		return nil, fmt.Errorf("no trusted keys: pass --pub (this build embeds none)")
	}
	return set, nil
}
