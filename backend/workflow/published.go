package workflow

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"sort"

	"github.com/redflag/redflag/backend/public"
	"github.com/redflag/redflag/backend/publish"
	"github.com/redflag/redflag/lists/snapshot"
)

// published is what the public API serves, swapped whole on each
// publication so a reader never sees an index pointing at missing objects.
type published struct {
	indexes map[string]*publish.Index
	objects map[string][]byte
	lists   map[string]listObjects
}

type listObjects struct {
	index    *publish.Index
	snapshot []byte
	deltas   []publish.Delta
}

var _ public.Published = (*Service)(nil)

// refreshPublished loads every list's current version from the store.
func (s *Service) refreshPublished(ctx context.Context) error {
	p := &published{lists: map[string]listObjects{}}
	for name := range *s.lists.Load() {
		vs, err := s.st.Versions(ctx, name, 1)
		if err != nil {
			return err
		}
		if len(vs) == 0 {
			continue
		}
		v := vs[0]
		snap, err := s.st.Snapshot(ctx, name, v.Version)
		if err != nil {
			return err
		}
		deltas, err := s.st.Deltas(ctx, name, v.Version)
		if err != nil {
			return err
		}
		// Whether it carries names is in the snapshot (the setting may have
		// changed since); its description is the list's now.
		parsed, err := snapshot.Parse(snap)
		if err != nil {
			return fmt.Errorf("workflow: snapshot of %s@%d: %w", name, v.Version, err)
		}
		settings, err := s.listSettings(ctx, name)
		if err != nil {
			return err
		}
		ix := publish.Index{Name: name, Version: v.Version, Created: v.Created, Entries: v.Entries, KeyID: v.KeyID,
			Description: settings.Description, BrowserNames: parsed.HasBrowserNames(),
			Snapshot: publish.BlobOf(publish.SnapshotKey(name, v.Version), snap), Deltas: []publish.DeltaRef{}}
		if ix.Snapshot.SHA256 != v.SHA256 {
			return fmt.Errorf("workflow: snapshot of %s@%d does not match its recorded SHA-256", name, v.Version)
		}
		for _, d := range deltas {
			ix.Deltas = append(ix.Deltas, d.Ref)
		}
		p.lists[name] = listObjects{index: &ix, snapshot: snap, deltas: deltas}
	}
	s.pub.Store(s.assemble(p.lists))
	return nil
}

// setPublished serves a new version of one list.
func (s *Service) setPublished(name string, ix *publish.Index, snap []byte, deltas []publish.Delta) {
	old := s.pub.Load()
	lists := map[string]listObjects{}
	if old != nil {
		for k, v := range old.lists {
			lists[k] = v
		}
	}
	lists[name] = listObjects{index: ix, snapshot: snap, deltas: deltas}
	s.pub.Store(s.assemble(lists))
}

func (s *Service) assemble(lists map[string]listObjects) *published {
	p := &published{indexes: map[string]*publish.Index{}, objects: map[string][]byte{}, lists: lists}
	doc := publish.Lists{Lists: []publish.Index{}}
	for name, lo := range lists {
		p.indexes[name] = lo.index
		ixJSON, _ := json.Marshal(lo.index)
		p.objects[publish.IndexKey(name)] = ixJSON
		p.objects[lo.index.Snapshot.Object] = lo.snapshot
		for _, d := range lo.deltas {
			p.objects[d.Ref.Object] = d.Bytes
		}
		doc.Lists = append(doc.Lists, *lo.index)
	}
	sort.Slice(doc.Lists, func(i, j int) bool { return doc.Lists[i].Name < doc.Lists[j].Name })
	p.objects[publish.ListsKey], _ = json.Marshal(doc)
	p.objects[publish.KeysKey], _ = json.Marshal(s.Keys())
	return p
}

// Keys returns the trusted keys document: the signing key and any others
// configured.
func (s *Service) Keys() publish.Keys {
	pubs := append([]ed25519.PublicKey{s.cfg.Key.Public().(ed25519.PublicKey)}, s.cfg.Trusted...)
	seen := map[string]bool{}
	var uniq []ed25519.PublicKey
	for _, p := range pubs {
		if !seen[string(p)] {
			seen[string(p)] = true
			uniq = append(uniq, p)
		}
	}
	return publish.KeysOf(uniq...)
}

// Object returns a published object.
func (s *Service) Object(_ context.Context, key string) ([]byte, error) {
	b, ok := s.pub.Load().objects[key]
	if !ok {
		return nil, fmt.Errorf("object %q: %w", key, publish.ErrNotFound)
	}
	return b, nil
}

// Index returns a list's current index.
func (s *Service) Index(_ context.Context, name string) (*publish.Index, error) {
	ix, ok := s.pub.Load().indexes[name]
	if !ok {
		return nil, fmt.Errorf("list %q: %w", name, publish.ErrNotFound)
	}
	return ix, nil
}

// Ready reports whether the service serves published objects.
func (s *Service) Ready(context.Context) error {
	if s.pub.Load() == nil {
		return fmt.Errorf("nothing loaded yet")
	}
	return nil
}

// Objects returns every object currently served, by key, for mirroring
// to another server (the edge).
func (s *Service) Objects() map[string][]byte {
	return s.pub.Load().objects
}

// Indexes returns the current index of every published list.
func (s *Service) Indexes() []publish.Index {
	var out []publish.Index
	for _, ix := range s.pub.Load().indexes {
		out = append(out, *ix)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}
