package share

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
)

// TokenPrefix marks sharedesk API tokens, so secret scanners and people recognise a leaked one.
const TokenPrefix = "shd_"

// CreateToken makes a new API token and returns its secret, which is shown once and never stored.
func (s *Service) CreateToken(ctx context.Context, name string) (string, Token, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", Token{}, fmt.Errorf("a token needs a name (--name)")
	}
	secret := TokenPrefix + randomString()
	t := Token{ID: NewID("ptk_"), Name: name, Hash: hashToken(secret), CreatedAt: s.now()}
	if err := s.store.InsertToken(ctx, t); err != nil {
		return "", Token{}, err
	}
	return secret, t, nil
}

// Authenticate returns the live token whose secret is given.
func (s *Service) Authenticate(ctx context.Context, secret string) (Token, error) {
	unauthorized := Errf(CodeUnauthorized, "Not authorized to access this resource")
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) != len(TokenPrefix)+32 {
		return Token{}, unauthorized
	}
	h := hashToken(secret)
	t, err := s.store.TokenByHash(ctx, h)
	if isNotFound(err) {
		return Token{}, unauthorized
	}
	if err != nil {
		return Token{}, err
	}
	if subtle.ConstantTimeCompare([]byte(t.Hash), []byte(h)) != 1 {
		return Token{}, unauthorized
	}
	return t, nil
}

// Tokens lists the API tokens (never their secrets).
func (s *Service) Tokens(ctx context.Context) ([]Token, error) { return s.store.Tokens(ctx) }

// RevokeToken revokes the token with this id or name; it stops working on its next request.
func (s *Service) RevokeToken(ctx context.Context, idOrName string) error {
	n, err := s.store.RevokeToken(ctx, idOrName, Micros(s.now()))
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("no live token with id or name %q", idOrName)
	}
	return nil
}
