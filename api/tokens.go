package api

import (
	"context"
	"time"
)

// APIToken is an API token as the token endpoints show it: never its secret (sharedesk extension).
//
// The name stutters on purpose: "API token" is what the README and the console's tokens page call it,
// and api.Token would read as the bearer secret that Client.Token and TokenFile.Token hold.
type APIToken struct { //nolint:revive // the product's term; api.Token would read as the bearer secret
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	Fingerprint string     `json:"fingerprint"` // sha256: and 12 hex digits, as token list and the logs show it
	Admin       bool       `json:"admin"`
	CreatedAt   time.Time  `json:"created_at"`
	LastUsedAt  *time.Time `json:"last_used_at,omitempty"` // to the minute; absent when never used
	RevokedAt   *time.Time `json:"revoked_at,omitempty"`
}

// TokensRequest is the body of /v1/ext/tokens/list.
type TokensRequest struct{}

// TokensResult lists every API token, revoked ones included, oldest first.
type TokensResult struct {
	Tokens []APIToken `json:"tokens"`
}

// TokenCreateRequest is the body of /v1/ext/tokens/create.
type TokenCreateRequest struct {
	Name string `json:"name"`
}

// TokenCreateResult is the new token and its secret, which is shown this once and never again.
type TokenCreateResult struct {
	Token  APIToken `json:"token"`
	Secret string   `json:"secret"`
}

// TokenRevokeRequest is the body of /v1/ext/tokens/revoke.
type TokenRevokeRequest struct {
	ID string `json:"id"`
}

// TokenResult is one token.
type TokenResult struct {
	Token APIToken `json:"token"`
}

// Tokens lists the API tokens (sharedesk extension; admin tokens only).
func (c *Client) Tokens(ctx context.Context) (*TokensResult, error) {
	return post[TokensResult](ctx, c, "/v1/ext/tokens/list", TokensRequest{})
}

// TokenCreate makes an ordinary API token (sharedesk extension; admin tokens only).
func (c *Client) TokenCreate(ctx context.Context, r TokenCreateRequest) (*TokenCreateResult, error) {
	return post[TokenCreateResult](ctx, c, "/v1/ext/tokens/create", r)
}

// TokenRevoke revokes an ordinary API token by id (sharedesk extension; admin tokens only).
func (c *Client) TokenRevoke(ctx context.Context, r TokenRevokeRequest) (*TokenResult, error) {
	return post[TokenResult](ctx, c, "/v1/ext/tokens/revoke", r)
}
