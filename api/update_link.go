package api

import (
	"context"
	"time"
)

// LinkUpdateRequest changes a link without sending a new URL (sharedesk extension, /v1/ext/link/update):
// its expiry (later or earlier), its access limit, and its email and SMS code recipients. Absent fields
// stay as they are; the link's token, and so its URL, never changes.
type LinkUpdateRequest struct {
	BucketID       string     `json:"bucket_id,omitempty"`
	ID             string     `json:"id"`
	ExpiresAt      *time.Time `json:"expires_at,omitempty"`
	MaxAccessCount *int       `json:"max_access_count,omitempty"`
	// AddAuthenticators and RemoveAuthenticators take email_otp and sms_otp authenticators only.
	AddAuthenticators    []Authenticator `json:"add_authenticators,omitempty"`
	RemoveAuthenticators []Authenticator `json:"remove_authenticators,omitempty"`
	// Actor names who makes the change for the link's history (a staff member's email, say).
	Actor string `json:"actor,omitempty"`
}

// LinkUpdateResult is the link as it is now, and which of expires_at, max_access_count and
// authenticators changed (empty when the link already was as asked).
type LinkUpdateResult struct {
	ShareLinkObject ShareLink `json:"share_link_object"`
	Changed         []string  `json:"changed"`
}

// LinkUpdate changes a link's expiry, access limit or recipients (sharedesk extension).
func (c *Client) LinkUpdate(ctx context.Context, r LinkUpdateRequest) (*LinkUpdateResult, error) {
	return post[LinkUpdateResult](ctx, c, "/v1/ext/link/update", r)
}
