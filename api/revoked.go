package api

import (
	"context"
	"time"
)

// RevokedLink is what stays of a revoked link for the retention period (sharedesk extension): its
// listing fields, and when and by whom it was revoked. It has no URL and can never be opened again.
type RevokedLink struct {
	ID             string          `json:"id"`
	BucketID       string          `json:"bucket_id"`
	Targets        []string        `json:"targets"`
	LinkType       string          `json:"link_type"`
	AccessCount    int             `json:"access_count"`
	MaxAccessCount int             `json:"max_access_count"`
	CreatedAt      time.Time       `json:"created_at"`
	ExpiresAt      time.Time       `json:"expires_at"`
	LastAccessedAt *time.Time      `json:"last_accessed_at,omitempty"`
	Authenticators []Authenticator `json:"authenticators"`
	Title          string          `json:"title,omitempty"`
	RecipientEmail string          `json:"recipient_email,omitempty"`
	SenderEmail    string          `json:"sender_email,omitempty"`
	SenderName     string          `json:"sender_name,omitempty"`
	RevokedAt      time.Time       `json:"revoked_at"`
	RevokedBy      string          `json:"revoked_by,omitempty"`  // the person named, else the token's name
	RevokedVia     string          `json:"revoked_via,omitempty"` // the name of the API token used
}

// RevokedListRequest asks for a page of revoked links, newest revocation first (/v1/ext/link/revoked/list).
type RevokedListRequest struct {
	BucketID string `json:"bucket_id,omitempty"`
	// Search terms: each must occur, case-insensitively, in the title or an address, phone number or
	// name of the link (recipient, sender, its codes' addresses, who revoked it).
	Search []string `json:"search,omitempty"`
	Last   string   `json:"last,omitempty"`
	Size   int      `json:"size,omitempty"` // default 20, at most 1000
}

// RevokedListResult is a page of revoked links; Last is empty on the last page.
type RevokedListResult struct {
	Count        int           `json:"count"`
	Last         string        `json:"last,omitempty"`
	RevokedLinks []RevokedLink `json:"revoked_links"`
}

// RevokedGetRequest asks for one revoked link (/v1/ext/link/revoked/get).
type RevokedGetRequest struct {
	BucketID string `json:"bucket_id,omitempty"`
	ID       string `json:"id"`
}

// RevokedGetResult is one revoked link.
type RevokedGetResult struct {
	RevokedLink RevokedLink `json:"revoked_link"`
}

// RevokedList lists revoked links (sharedesk extension).
func (c *Client) RevokedList(ctx context.Context, r RevokedListRequest) (*RevokedListResult, error) {
	return post[RevokedListResult](ctx, c, "/v1/ext/link/revoked/list", r)
}

// RevokedGet returns what stays of one revoked link (sharedesk extension); NotFound when the link was
// never revoked or its record is past the retention.
func (c *Client) RevokedGet(ctx context.Context, r RevokedGetRequest) (*RevokedGetResult, error) {
	return post[RevokedGetResult](ctx, c, "/v1/ext/link/revoked/get", r)
}
