package api

import (
	"context"
	"time"
)

// LinkEventsRequest asks for a page of one link's history (sharedesk extension, /v1/ext/link/events).
type LinkEventsRequest struct {
	BucketID string `json:"bucket_id,omitempty"`
	ID       string `json:"id"`
	Last     string `json:"last,omitempty"`  // the last of the previous page; empty for the first
	Size     int    `json:"size,omitempty"`  // default 100, at most 1000
	Order    string `json:"order,omitempty"` // "asc" (oldest first, the default) or "desc" (newest first)
}

// LinkEvent is one thing that happened to a link.
type LinkEvent struct {
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	At         time.Time `json:"at"`
	Actor      string    `json:"actor,omitempty"`
	Client     string    `json:"client_address,omitempty"`
	Method     string    `json:"method,omitempty"`
	ObjectID   string    `json:"object_id,omitempty"`
	ObjectName string    `json:"object_name,omitempty"`
	Detail     string    `json:"detail,omitempty"`
	Outcome    string    `json:"outcome,omitempty"`
}

// LinkEventsResult is a page of a link's history, in the order asked for. Last is empty on the last
// page.
type LinkEventsResult struct {
	Events []LinkEvent `json:"events"`
	Last   string      `json:"last,omitempty"`
}

// LinkEvents reads a page of a link's history, also after the link was revoked (sharedesk extension).
func (c *Client) LinkEvents(ctx context.Context, r LinkEventsRequest) (*LinkEventsResult, error) {
	return post[LinkEventsResult](ctx, c, "/v1/ext/link/events", r)
}
