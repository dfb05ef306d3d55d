package app

import (
	"context"
	"strings"
	"sync"
	"time"
)

// Cached keeps what an isolate read from b in memory, so a poll answered
// 304 reads nothing from the bucket (an R2 read is billed per operation,
// and every browser polls about 48 times a day). The documents that
// change (index, catalog, keys) are reused for ttl; snapshots and deltas,
// whose keys name their versions and so never change, are kept until
// maxBytes of them are held, then all dropped. A write through the cache
// updates it; another isolate's copy is at most ttl old.
func Cached(b Bucket, ttl time.Duration, maxBytes int64, now func() time.Time) Bucket {
	return &cache{b: b, ttl: ttl, max: maxBytes, now: now, docs: map[string]doc{}, blobs: map[string][]byte{}}
}

type cache struct {
	b   Bucket
	ttl time.Duration
	max int64
	now func() time.Time

	mu    sync.Mutex
	docs  map[string]doc
	blobs map[string][]byte
	size  int64
}

type doc struct {
	b       []byte
	fetched time.Time
}

func immutable(key string) bool {
	return strings.HasSuffix(key, ".snap") || strings.HasSuffix(key, ".delta")
}

func (c *cache) Get(ctx context.Context, key string) ([]byte, error) {
	c.mu.Lock()
	if immutable(key) {
		if b, ok := c.blobs[key]; ok {
			c.mu.Unlock()
			return b, nil
		}
	} else if d, ok := c.docs[key]; ok && c.now().Sub(d.fetched) < c.ttl {
		c.mu.Unlock()
		return d.b, nil
	}
	c.mu.Unlock()
	b, err := c.b.Get(ctx, key)
	if err != nil {
		return nil, err
	}
	c.keep(key, b)
	return b, nil
}

func (c *cache) keep(key string, b []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !immutable(key) {
		c.docs[key] = doc{b, c.now()}
		return
	}
	if _, ok := c.blobs[key]; ok || int64(len(b)) > c.max {
		return
	}
	if c.size+int64(len(b)) > c.max {
		c.blobs, c.size = map[string][]byte{}, 0
	}
	c.blobs[key] = b
	c.size += int64(len(b))
}

func (c *cache) Has(ctx context.Context, key string) (bool, error) { return c.b.Has(ctx, key) }

func (c *cache) Put(ctx context.Context, key string, b []byte) error {
	if err := c.b.Put(ctx, key, b); err != nil {
		return err
	}
	c.keep(key, b)
	return nil
}

func (c *cache) Delete(ctx context.Context, key string) error {
	if err := c.b.Delete(ctx, key); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.docs, key)
	if b, ok := c.blobs[key]; ok {
		delete(c.blobs, key)
		c.size -= int64(len(b))
	}
	return nil
}
