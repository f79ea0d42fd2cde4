package share

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
)

// tokenStore keeps API tokens (hashed).
type tokenStore interface {
	InsertToken(ctx context.Context, t Token) error
	TokenByHash(ctx context.Context, hash string) (Token, error)
	Tokens(ctx context.Context) ([]Token, error)
	RevokeToken(ctx context.Context, idOrName string, at int64) (int, error)
}

// TokenPrefix marks sharedesk API tokens, so secret scanners and people recognise a leaked one.
const TokenPrefix = "shd_"

// CreateToken makes a new API token and returns its secret, which is shown once and never stored.
func (s *Service) CreateToken(ctx context.Context, name string) (string, Token, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", Token{}, fmt.Errorf("a token needs a name (--name)")
	}
	live, err := s.liveTokens(ctx, name)
	if err != nil {
		return "", Token{}, err
	}
	if len(live) > 0 {
		return "", Token{}, fmt.Errorf(
			"a live token is already named %q (%s): choose another name, or revoke it first",
			name,
			live[0].ID,
		)
	}
	secret := TokenPrefix + randomString()
	t := Token{ID: NewID("ptk_"), Name: name, Hash: hashToken(secret), CreatedAt: s.now()}
	if err := s.store.InsertToken(ctx, t); err != nil {
		return "", Token{}, err
	}
	return secret, t, nil
}

// Authenticate returns the live token whose secret is given. A refusal is logged with its reason,
// the token's id when it is known and the fingerprint of what was presented, never the secret.
func (s *Service) Authenticate(ctx context.Context, secret string) (Token, error) {
	unauthorized := Errf(CodeUnauthorized, "Not authorized to access this resource")
	refuse := func(reason string, attrs ...any) (Token, error) {
		attrs = append(attrs, "reason", reason)
		if secret != "" {
			attrs = append(attrs, "token", "sha256:"+hashToken(secret)[:12])
		}
		s.cfg.Logger.WarnContext(ctx, "api token refused", attrs...)
		return Token{}, unauthorized
	}
	if secret == "" {
		return refuse("missing")
	}
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) != len(TokenPrefix)+32 {
		return refuse("malformed")
	}
	h := hashToken(secret)
	t, err := s.store.TokenByHash(ctx, h)
	if isNotFound(err) {
		return refuse("unknown")
	}
	if err != nil {
		return Token{}, err
	}
	if subtle.ConstantTimeCompare([]byte(t.Hash), []byte(h)) != 1 {
		return refuse("unknown")
	}
	if !t.RevokedAt.IsZero() {
		return refuse("revoked", "token_id", t.ID, "token_name", t.Name)
	}
	return t, nil
}

// Fingerprint names a token in logs and listings: the start of its stored SHA-256, the same as
// api.Fingerprint of its secret.
func (t Token) Fingerprint() string {
	if len(t.Hash) < 12 {
		return ""
	}
	return "sha256:" + t.Hash[:12]
}

// Tokens lists the API tokens (never their secrets).
func (s *Service) Tokens(ctx context.Context) ([]Token, error) { return s.store.Tokens(ctx) }

// RevokeToken revokes the one live token with this id or name; it stops working on its next request.
// A name that several live tokens share (made before names were unique) is refused: revoke by id.
func (s *Service) RevokeToken(ctx context.Context, idOrName string) error {
	live, err := s.liveTokens(ctx, idOrName)
	if err != nil {
		return err
	}
	switch len(live) {
	case 0:
		return fmt.Errorf("no live token with id or name %q", idOrName)
	case 1:
	default:
		ids := make([]string, len(live))
		for i, t := range live {
			ids[i] = t.ID
		}
		return fmt.Errorf(
			"%d live tokens are named %q; revoke one by id: %s",
			len(live),
			idOrName,
			strings.Join(ids, ", "),
		)
	}
	n, err := s.store.RevokeToken(ctx, live[0].ID, Micros(s.now()))
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("no live token with id or name %q", idOrName)
	}
	return nil
}

// liveTokens are the tokens not revoked whose id or name is idOrName.
func (s *Service) liveTokens(ctx context.Context, idOrName string) ([]Token, error) {
	all, err := s.store.Tokens(ctx)
	if err != nil {
		return nil, err
	}
	var live []Token
	for _, t := range all {
		if t.RevokedAt.IsZero() && (t.ID == idOrName || t.Name == idOrName) {
			live = append(live, t)
		}
	}
	return live, nil
}
