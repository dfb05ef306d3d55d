//go:build !(js && wasm)

// Command worker runs only on Cloudflare Workers (GOOS=js GOARCH=wasm,
// make edge); this stub keeps ./... building natively.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "the edge Worker is built with GOOS=js GOARCH=wasm (make edge) and runs under wrangler")
	os.Exit(2)
}
