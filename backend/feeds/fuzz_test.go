package feeds

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzRead: any body in any format is read or refused with an error;
// what is read is valid.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("../../lists/ingest/testdata/*.*")
	for _, name := range files {
		b, _ := os.ReadFile(name)
		for i := range Formats {
			f.Add(b, uint8(i))
		}
	}
	f.Fuzz(func(t *testing.T, body []byte, format uint8) {
		res, err := Read(body, Formats[int(format)%len(Formats)], provA)
		if err != nil {
			return
		}
		for _, e := range res.Entries {
			if err := e.Validate(); err != nil {
				t.Fatalf("invalid entry read: %v", err)
			}
		}
	})
}

// FuzzCollection: whatever objects a TAXII server sends, the collection
// keeps a valid bundle, survives its own encoding, and reads without a
// garbled error.
func FuzzCollection(f *testing.F) {
	f.Add([]byte(`[{"type":"indicator","id":"indicator--1","modified":"2026-01-01T00:00:00Z","pattern":"[domain-name:value = 'a.example']","pattern_type":"stix"}]`))
	f.Add([]byte(`[{"type":"indicator","id":"x","revoked":true},{"type":"domain-name","id":"d","value":"b.example"},{"id":""},7,"s"]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var objs []json.RawMessage
		if json.Unmarshal(data, &objs) != nil {
			return
		}
		c, _ := DecodeCollection(nil)
		if _, err := c.Merge(objs); err != nil {
			return
		}
		now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		bundle := c.Bundle(now)
		if !json.Valid(bundle) {
			t.Fatalf("invalid bundle %s", bundle)
		}
		if _, err := Read(bundle, TAXII, provA); err != nil {
			t.Fatalf("the collection's own bundle does not read: %v", err)
		}
		back, err := DecodeCollection(c.Encode())
		if err != nil || back.Len() != c.Len() || string(back.Bundle(now)) != string(bundle) {
			t.Fatalf("round trip: %v", err)
		}
	})
}
