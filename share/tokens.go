package share

import (
	"context"
	"crypto/subtle"
	"fmt"
	"strings"
	"time"
	"unicode"
)

// tokenStore keeps API tokens (hashed).
type tokenStore interface {
	InsertToken(ctx context.Context, t Token) error
	TokenByHash(ctx context.Context, hash string) (Token, error)
	Tokens(ctx context.Context) ([]Token, error)
	RevokeToken(ctx context.Context, idOrName string, at int64) (int, error)
	// TokenUsed records a use at, unless one at or after since is recorded already.
	TokenUsed(ctx context.Context, id string, at, since int64) error
}

// tokenUseGranularity is how precisely a token's last use is kept: writing it on every request would
// add a write to every read of the API.
const tokenUseGranularity = time.Minute

// tokenUseWait bounds the bookkeeping write of a token's last use; see noteTokenUse.
const tokenUseWait = 500 * time.Millisecond

// TokenPrefix marks sharedesk API tokens, so secret scanners and people recognise a leaked one.
const TokenPrefix = "shd_"

// CreateToken makes a new API token and returns its secret, which is shown once and never stored.
func (s *Service) CreateToken(ctx context.Context, name string) (string, Token, error) {
	return s.createToken(ctx, name, false)
}

// CreateAdminToken makes a token that may also manage API tokens (the console's service token). Only
// the server's command line and the built-in console of serve and demo call it.
func (s *Service) CreateAdminToken(ctx context.Context, name string) (string, Token, error) {
	return s.createToken(ctx, name, true)
}

func (s *Service) createToken(ctx context.Context, name string, admin bool) (string, Token, error) {
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
			live[0].Name,
			live[0].ID,
		)
	}
	secret := TokenPrefix + randomString()
	t := Token{ID: NewID("ptk_"), Name: name, Hash: hashToken(secret), CreatedAt: s.now(), Admin: admin}
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
	s.noteTokenUse(ctx, &t)
	return t, nil
}

// noteTokenUse keeps a token's last use to the minute. A failure is logged, never a refusal: the
// token is good, and the request must not fail for its bookkeeping.
func (s *Service) noteTokenUse(ctx context.Context, t *Token) {
	now := s.now()
	if now.Sub(t.LastUsedAt) < tokenUseGranularity {
		return
	}
	since := Micros(now.Add(-tokenUseGranularity))
	// A short wait of its own: a database that is locked or slow must hold the request for its own
	// work alone, not a second time for this (on SQLite that would be a second busy timeout).
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), tokenUseWait)
	defer cancel()
	if err := s.store.TokenUsed(ctx, t.ID, Micros(now), since); err != nil {
		s.cfg.Logger.WarnContext(ctx, "token use not recorded", "token_id", t.ID, "err", err)
		return
	}
	t.LastUsedAt = now
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

// liveTokens are the tokens not revoked whose id or name (in any case) is idOrName.
func (s *Service) liveTokens(ctx context.Context, idOrName string) ([]Token, error) {
	all, err := s.store.Tokens(ctx)
	if err != nil {
		return nil, err
	}
	var live []Token
	for _, t := range all {
		// Names are compared without case: "Backup" and "backup" would be told apart by nobody reading
		// a list of tokens.
		if t.RevokedAt.IsZero() && (t.ID == idOrName || strings.EqualFold(t.Name, idOrName)) {
			live = append(live, t)
		}
	}
	return live, nil
}

// The API's own token management (sharedesk extension, /v1/ext/tokens/...): what an admin token may
// do through the API. It never makes or revokes an admin token; those are managed on the server.

// maxTokenName bounds a token's name given through the API.
const maxTokenName = 100

// CreatePlainToken makes an ordinary token through the API. A name a live token has is refused as a
// validation error at /name, so a client can say which field to change.
func (s *Service) CreatePlainToken(ctx context.Context, name string) (string, Token, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return "", Token{}, Invalid("FieldRequired", "/name", "must not be empty")
	case len([]rune(name)) > maxTokenName:
		return "", Token{}, Invalid(
			"AboveMaxLength", "/name", fmt.Sprintf("must have at most %d characters", maxTokenName))
	case strings.ContainsFunc(name, unicode.IsControl):
		return "", Token{}, Invalid("BadFormat", "/name", "must not contain control characters")
	case strings.HasPrefix(name, "ptk_"):
		// sharedesk token revoke takes an id or a name: a name that looks like an id would be ambiguous.
		return "", Token{}, Invalid("BadFormat", "/name", "must not start with ptk_, which token ids use")
	}
	live, err := s.liveTokens(ctx, name)
	if err != nil {
		return "", Token{}, err
	}
	if len(live) > 0 {
		return "", Token{}, Invalid("BadState", "/name", fmt.Sprintf("a live token is already named %q", live[0].Name))
	}
	return s.createToken(ctx, name, false)
}

// RevokePlainToken revokes one live ordinary token by id and returns it as revoked. Admin tokens
// (the console's own among them) are refused: revoking one through the API could lock the console
// out, and they are revoked on the server with sharedesk token revoke.
func (s *Service) RevokePlainToken(ctx context.Context, id string) (Token, error) {
	all, err := s.store.Tokens(ctx)
	if err != nil {
		return Token{}, err
	}
	for _, t := range all {
		if t.ID != id || !t.RevokedAt.IsZero() {
			continue
		}
		if t.Admin {
			return Token{}, Errf(CodeForbidden, "admin tokens are revoked on the server (sharedesk token revoke)")
		}
		at := s.now()
		n, err := s.store.RevokeToken(ctx, t.ID, Micros(at))
		if err != nil {
			return Token{}, err
		}
		if n == 1 {
			t.RevokedAt = FromMicros(Micros(at))
			return t, nil
		}
	}
	return Token{}, Errf(CodeNotFound, "no live token has this id")
}
