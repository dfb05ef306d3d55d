package app

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/redflag/redflag/backend/publish"
)

// retiredKey names, per list, the objects the index before the current one
// pointed at and the current one does not. They are deleted when the next
// index is written, not at once: an isolate may answer from the previous
// index for up to CACHE_SECONDS. It is not a published key: the public API
// never serves it and the write route refuses it.
func retiredKey(name string) string { return "lists/" + name + "/retired.json" }

type retired struct {
	Objects []string `json:"objects"`
}

func refs(raw []byte) map[string]bool {
	out := map[string]bool{}
	var ix publish.Index
	if json.Unmarshal(raw, &ix) != nil {
		return out
	}
	out[ix.Snapshot.Object] = true
	for _, d := range ix.Deltas {
		out[d.Object] = true
	}
	return out
}

// retire runs after list name's index went from prev (nil: none) to next:
// it deletes what the write before retired, unless an index still points
// at it, and records what next drops from prev. An object left behind by a
// failure costs only storage.
func (w writer) retire(ctx context.Context, name string, prev, next []byte) error {
	keep, held := refs(next), refs(prev)
	var dropped []string
	for k := range held {
		if !keep[k] {
			dropped = append(dropped, k)
		}
	}
	var old retired
	raw, err := w.b.Get(ctx, retiredKey(name))
	switch {
	case err == nil:
		if err := json.Unmarshal(raw, &old); err != nil {
			return fmt.Errorf("%s: %w", retiredKey(name), err)
		}
	case !errors.Is(err, publish.ErrNotFound):
		return err
	}
	for _, k := range old.Objects {
		if !keep[k] && !held[k] {
			if err := w.b.Delete(ctx, k); err != nil {
				return err
			}
		}
	}
	b, _ := json.Marshal(retired{Objects: append([]string{}, dropped...)})
	return w.b.Put(ctx, retiredKey(name), b)
}
