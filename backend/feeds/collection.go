package feeds

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"
)

// Collection is what a source knows of a TAXII collection: the latest
// version of each object it was served, by id. A pull brings only objects
// added since the last one, so an entry leaves the feed when a newer
// version of its indicator is revoked or expires (valid_until), not by
// being absent.
type Collection struct {
	objs map[string]stixVersion
}

type stixVersion struct {
	raw        json.RawMessage
	modified   time.Time
	revoked    bool
	validUntil time.Time
}

// MaxCollectionBytes bounds what a source keeps of a collection.
const MaxCollectionBytes = 256 << 20

// DecodeCollection reads what Encode wrote; nil or empty is an empty
// collection.
func DecodeCollection(b []byte) (*Collection, error) {
	c := &Collection{objs: map[string]stixVersion{}}
	if len(b) == 0 {
		return c, nil
	}
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, fmt.Errorf("feeds: stored collection: %w", err)
	}
	data, err := io.ReadAll(io.LimitReader(zr, MaxCollectionBytes+1))
	if err != nil {
		return nil, fmt.Errorf("feeds: stored collection: %w", err)
	}
	var objs []json.RawMessage
	if err := json.Unmarshal(data, &objs); err != nil {
		return nil, fmt.Errorf("feeds: stored collection: %w", err)
	}
	if _, err := c.Merge(objs); err != nil {
		return nil, err
	}
	return c, nil
}

// Len returns the number of objects kept, revoked ones included.
func (c *Collection) Len() int { return len(c.objs) }

// Merge adds objects a pull brought: a version replaces the kept one
// unless it is older (by modified). It returns how many objects it could
// not use (no type or id).
func (c *Collection) Merge(objs []json.RawMessage) (skipped int, err error) {
	size := 0
	for _, v := range c.objs {
		size += len(v.raw)
	}
	for _, raw := range objs {
		var o struct {
			Type       string `json:"type"`
			ID         string `json:"id"`
			Modified   string `json:"modified"`
			Revoked    bool   `json:"revoked"`
			ValidUntil string `json:"valid_until"`
		}
		if json.Unmarshal(raw, &o) != nil || o.Type == "" || o.ID == "" {
			skipped++
			continue
		}
		v := stixVersion{raw: slices.Clone(raw), revoked: o.Revoked}
		v.modified, _ = time.Parse(time.RFC3339Nano, o.Modified)
		v.validUntil, _ = time.Parse(time.RFC3339Nano, o.ValidUntil)
		if old, ok := c.objs[o.ID]; ok {
			if v.modified.Before(old.modified) {
				continue
			}
			size -= len(old.raw)
		}
		size += len(v.raw)
		if size > MaxCollectionBytes {
			return skipped, fmt.Errorf("feeds: the collection's objects take more than %d bytes: %w", MaxCollectionBytes, ErrTooLarge)
		}
		c.objs[o.ID] = v
	}
	return skipped, nil
}

func (c *Collection) ids() []string {
	ids := make([]string, 0, len(c.objs))
	for id := range c.objs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// Encode writes every kept object, gzip-compressed JSON, by id.
func (c *Collection) Encode() []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte{'['})
	for i, id := range c.ids() {
		if i > 0 {
			zw.Write([]byte{','})
		}
		zw.Write(c.objs[id].raw)
	}
	zw.Write([]byte{']'})
	zw.Close()
	return b.Bytes()
}

// Bundle returns the objects in force at now (not revoked, not expired)
// as a STIX 2.1 bundle, for lists/ingest to read.
func (c *Collection) Bundle(now time.Time) []byte {
	var b bytes.Buffer
	b.WriteString(`{"type":"bundle","id":"bundle--00000000-0000-4000-8000-000000000000","objects":[`)
	first := true
	for _, id := range c.ids() {
		v := c.objs[id]
		if v.revoked || (!v.validUntil.IsZero() && !v.validUntil.After(now)) {
			continue
		}
		if !first {
			b.WriteByte(',')
		}
		first = false
		b.Write(v.raw)
	}
	b.WriteString(`]}`)
	return b.Bytes()
}
