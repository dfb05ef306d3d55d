package public

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"

	"github.com/redflag/redflag/backend/publish"
)

// Getter fetches a published object by key, returning publish.ErrNotFound
// when there is none: a map, a directory, an R2 bucket.
type Getter func(ctx context.Context, key string) ([]byte, error)

// FromObjects serves published objects from any key-value source that
// mirrors them (backend/API.md): the edge implements only get.
func FromObjects(get Getter) Published {
	return &objects{get: get, parsed: map[string]cachedIndex{}}
}

type objects struct {
	get    Getter
	mu     sync.Mutex
	parsed map[string]cachedIndex // by list name
}

type cachedIndex struct {
	raw string
	ix  *publish.Index
}

func (o *objects) Object(ctx context.Context, key string) ([]byte, error) { return o.get(ctx, key) }

// Index reads the list's index document, parsing it again only when its
// bytes changed.
func (o *objects) Index(ctx context.Context, name string) (*publish.Index, error) {
	b, err := o.get(ctx, publish.IndexKey(name))
	if err != nil {
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if c, ok := o.parsed[name]; ok && c.raw == string(b) {
		return c.ix, nil
	}
	var ix publish.Index
	if err := json.Unmarshal(b, &ix); err != nil {
		return nil, fmt.Errorf("public: index of %q: %w", name, err)
	}
	if ix.Name != name {
		return nil, fmt.Errorf("public: index of %q names list %q", name, ix.Name)
	}
	o.parsed[name] = cachedIndex{raw: string(b), ix: &ix}
	return &ix, nil
}

// Ready reports whether the list catalog can be read.
func (o *objects) Ready(ctx context.Context) error {
	_, err := o.get(ctx, publish.ListsKey)
	return err
}
