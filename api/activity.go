package api

import (
	"context"
	"time"
)

// EventsListRequest asks for events across every link, newest first (sharedesk extension,
// /v1/ext/events/list). Empty fields match everything.
type EventsListRequest struct {
	BucketID string     `json:"bucket_id,omitempty"`
	Types    []string   `json:"types,omitempty"` // event types, as in LinkEvent
	Actor    string     `json:"actor,omitempty"` // "recipient" for what recipients did
	Since    *time.Time `json:"since,omitempty"` // events at or after
	Last     string     `json:"last,omitempty"`  // the previous page's last; empty for the newest
	Size     int        `json:"size,omitempty"`  // default 20, at most 100
	Count    bool       `json:"count,omitempty"` // also count the matches, up to 10,000
}

// LinkActivity is an event with the link it happened to.
type LinkActivity struct {
	LinkID string `json:"link_id"`
	LinkEvent
}

// EventsListResult is a page of events across links, newest first. Last is empty on the last page;
// Count (when asked for) is at most 10,000, with CountMore when there are more.
type EventsListResult struct {
	Events    []LinkActivity `json:"events"`
	Last      string         `json:"last,omitempty"`
	Count     *int           `json:"count,omitempty"`
	CountMore bool           `json:"count_more,omitempty"`
}

// EventsList reads a page of events across links (sharedesk extension).
func (c *Client) EventsList(ctx context.Context, r EventsListRequest) (*EventsListResult, error) {
	return post[EventsListResult](ctx, c, "/v1/ext/events/list", r)
}
