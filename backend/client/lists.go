package client

import (
	"context"
	"net/url"

	"github.com/redflag/redflag/backend/store"
	"github.com/redflag/redflag/backend/workflow"
)

// AdminLists returns every list with its settings and state.
func (c *Client) AdminLists(ctx context.Context) ([]workflow.ListInfo, error) {
	var out struct {
		Lists []workflow.ListInfo `json:"lists"`
	}
	_, err := c.Do(ctx, Request{Method: "GET", Path: "/v1/admin/lists"}, &out)
	return out.Lists, err
}

// CreateList makes a new, empty list.
func (c *Client) CreateList(ctx context.Context, l workflow.ListSettings) error {
	_, err := c.Do(ctx, Request{Method: "POST", Path: "/v1/admin/lists", Body: l}, nil)
	return err
}

// UpdateList changes a list's settings.
func (c *Client) UpdateList(ctx context.Context, name string, l workflow.ListSettings) (store.List, error) {
	var out store.List
	_, err := c.Do(ctx, Request{Method: "PATCH", Path: "/v1/admin/lists/" + url.PathEscape(name), Body: l}, &out)
	return out, err
}
