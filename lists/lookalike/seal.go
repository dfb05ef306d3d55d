package lookalike

import "crypto/sha512"

// MaxName bounds a sealed registrable domain (a DNS name's length).
const MaxName = 253

const sealContext = "redflag look-alike name"

// Seal encrypts a listed registrable domain under its fold, so that only a
// checker that already holds a resembling name (and so computed the fold)
// can read which listed name it resembles. FORMAT.md, "target record".
func Seal(registrable string, fold string) []byte {
	return xorStream([]byte(registrable), fold)
}

// Open decrypts a sealed name with the candidate fold. A wrong fold gives
// bytes whose fold is not the candidate: callers check that.
func Open(sealed []byte, fold string) string {
	return string(xorStream(append([]byte(nil), sealed...), fold))
}

func xorStream(b []byte, fold string) []byte {
	seed := make([]byte, 0, len(sealContext)+2+len(fold))
	seed = append(append(seed, sealContext...), 0, 0)
	seed = append(seed, fold...)
	for block := 0; block*sha512.Size < len(b); block++ {
		seed[len(sealContext)+1] = byte(block)
		ks := sha512.Sum512(seed)
		for i := 0; i < sha512.Size && block*sha512.Size+i < len(b); i++ {
			b[block*sha512.Size+i] ^= ks[i]
		}
	}
	return b
}
