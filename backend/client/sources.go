package client

import (
	"context"
	"net/url"

	"github.com/redflag/redflag/backend/admin"
	"github.com/redflag/redflag/backend/sources"
	"github.com/redflag/redflag/backend/store"
)

func sourcePath(list, name, rest string) string {
	return listPath(list, "/sources/"+url.PathEscape(name)+rest)
}

// Sources returns a list's feed sources.
func (c *Client) Sources(ctx context.Context, list string) ([]store.Source, error) {
	var out struct {
		Sources []store.Source `json:"sources"`
	}
	_, err := c.Do(ctx, Request{Method: "GET", Path: listPath(list, "/sources")}, &out)
	return out.Sources, err
}

// Source returns a source with its latest pulls.
func (c *Client) Source(ctx context.Context, list, name string) (admin.SourceAnswer, error) {
	var out admin.SourceAnswer
	_, err := c.Do(ctx, Request{Method: "GET", Path: sourcePath(list, name, "")}, &out)
	return out, err
}

// AddSource adds a feed source to a list.
func (c *Client) AddSource(ctx context.Context, list string, in sources.Settings, idempotencyKey string) (admin.SourceAnswer, error) {
	var out admin.SourceAnswer
	_, err := c.Do(ctx, Request{Method: "POST", Path: listPath(list, "/sources"), Body: in, IdempotencyKey: idempotencyKey}, &out)
	return out, err
}

// UpdateSource changes a source's settings.
func (c *Client) UpdateSource(ctx context.Context, list, name string, in sources.Settings) (store.Source, error) {
	var out store.Source
	_, err := c.Do(ctx, Request{Method: "PATCH", Path: sourcePath(list, name, ""), Body: in}, &out)
	return out, err
}

// PullSource pulls a source now.
func (c *Client) PullSource(ctx context.Context, list, name string) (store.Pull, error) {
	var out store.Pull
	_, err := c.Do(ctx, Request{Method: "POST", Path: sourcePath(list, name, "/pull")}, &out)
	return out, err
}
