package httpapi

import (
	"context"
	"fmt"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
)

// The token endpoints (sharedesk extension, /v1/ext/tokens/...) let an admin token manage ordinary
// tokens: the console's API tokens page. A token able to mint tokens is an admin credential, so only
// tokens made with `sharedesk token create --admin` (and the built-in console's) may call them; they
// never make or revoke an admin token.

// requireAdminToken refuses requests whose token is not an admin token.
func requireAdminToken(ctx context.Context) error {
	if t, ok := ctx.Value(tokenKey{}).(share.Token); ok && t.Admin {
		return nil
	}
	return share.Errf(share.CodeForbidden, "only admin tokens may manage API tokens (sharedesk token create --admin)")
}

func apiToken(t share.Token) api.APIToken {
	out := api.APIToken{ID: t.ID, Name: t.Name, Fingerprint: t.Fingerprint(), Admin: t.Admin, CreatedAt: t.CreatedAt}
	if !t.LastUsedAt.IsZero() {
		at := t.LastUsedAt.UTC().Truncate(time.Minute)
		out.LastUsedAt = &at
	}
	if !t.RevokedAt.IsZero() {
		at := t.RevokedAt
		out.RevokedAt = &at
	}
	return out
}

// tokensList handles POST /v1/ext/tokens/list: every token, revoked ones included, never a secret.
func (s *Server) tokensList(ctx context.Context, _ *api.TokensRequest) (any, string, error) {
	if err := requireAdminToken(ctx); err != nil {
		return nil, "", err
	}
	ts, err := s.svc.Tokens(ctx)
	if err != nil {
		return nil, "", err
	}
	out := api.TokensResult{Tokens: make([]api.APIToken, len(ts))}
	for i, t := range ts {
		out.Tokens[i] = apiToken(t)
	}
	return out, fmt.Sprintf("%d token(s)", len(ts)), nil
}

// tokensCreate handles POST /v1/ext/tokens/create: an ordinary token and its secret, this once.
func (s *Server) tokensCreate(ctx context.Context, req *api.TokenCreateRequest) (any, string, error) {
	if err := requireAdminToken(ctx); err != nil {
		return nil, "", err
	}
	secret, t, err := s.svc.CreatePlainToken(ctx, req.Name)
	if err != nil {
		return nil, "", err
	}
	s.log.InfoContext(ctx, "api token created", "token_id", t.ID, "token", t.Fingerprint())
	return api.TokenCreateResult{Token: apiToken(t), Secret: secret}, "Token created", nil
}

// tokensRevoke handles POST /v1/ext/tokens/revoke: an ordinary token stops working at its next request.
func (s *Server) tokensRevoke(ctx context.Context, req *api.TokenRevokeRequest) (any, string, error) {
	if err := requireAdminToken(ctx); err != nil {
		return nil, "", err
	}
	t, err := s.svc.RevokePlainToken(ctx, req.ID)
	if err != nil {
		return nil, "", err
	}
	s.log.InfoContext(ctx, "api token revoked", "token_id", t.ID, "token", t.Fingerprint())
	return api.TokenResult{Token: apiToken(t)}, "Token revoked", nil
}
