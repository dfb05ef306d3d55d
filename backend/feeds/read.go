package feeds

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/redflag/redflag/lists/entry"
	"github.com/redflag/redflag/lists/ingest"
)

// Formats a source may have: the importers' (lists/ingest) and TAXII.
var Formats = []string{"plain", "hosts", "adblock", "csv", "stix", "taxii"}

// TAXII is the format of TAXII 2.1 collection sources.
const TAXII = "taxii"

// CheckFormat accepts the names in Formats.
func CheckFormat(f string) error {
	for _, ok := range Formats {
		if f == ok {
			return nil
		}
	}
	return fmt.Errorf("format %q: want one of %v", f, Formats)
}

// ErrGarbled is wrapped when a feed parses but is mostly not entries: an
// error page served as 200, a file in another format.
var ErrGarbled = errors.New("feed garbled")

// Read parses a feed body (for TAXII, the collection's Bundle) with the
// importers. Provenance the feed lacks comes from defaults. Shared
// platforms are read like any name: Hold decides what a person sees. A
// line-based feed of which half the items (lines, or names of a hosts
// line) or more are not entries is garbled, and nothing of it is used.
func Read(body []byte, format string, defaults entry.Provenance) (*ingest.Result, error) {
	f := ingest.Format(format)
	if format == TAXII {
		f = ingest.STIX
	}
	if err := CheckFormat(format); err != nil {
		return nil, fmt.Errorf("feeds: %w", err)
	}
	res, err := ingest.Read(bytes.NewReader(body), f, defaults, ingest.Options{AllowPlatforms: true})
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrGarbled, err)
	}
	if f == ingest.STIX {
		return res, nil // bundles mix indicators of other kinds (addresses, hashes)
	}
	if n := len(res.Rejected); n > 0 && n >= len(res.Entries) {
		r := res.Rejected[0]
		return nil, fmt.Errorf("%w: %d of the %d items read as %s are not entries (line %d %q: %s)",
			ErrGarbled, n, n+len(res.Entries), format, r.Line, clip(r.Input, 80), r.Reason)
	}
	return res, nil
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
