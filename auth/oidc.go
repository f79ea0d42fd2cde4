package auth

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gorilla/sessions"
	"golang.org/x/oauth2"

	"github.com/sharedesk/sharedesk/consoledb"
)

// Config is the console's OpenID Connect client.
type Config struct {
	Issuer         string
	ClientID       string
	ClientSecret   string
	RedirectURL    string // the console's /auth/callback
	Scopes         []string
	RoleClaim      string            // ID-token claim holding groups, e.g. "groups"
	RoleMap        map[string]string // group -> role
	DefaultRole    string            // role for people in no mapped group; "" means no access
	AllowedDomains []string          // email domains allowed to sign in; empty allows any
	PostLogoutURL  string            // where the provider sends people after logout
	Secure         bool              // cookies Secure with the __Host- prefix
	HTTPClient     *http.Client      // for talking to the provider
	Now            func() time.Time
}

// Auth signs staff in and out.
type Auth struct {
	cfg        Config
	provider   *oidc.Provider
	oauth      oauth2.Config
	verifier   *oidc.IDTokenVerifier
	endSession string
	db         *consoledb.DB
	store      *DBStore
	log        *slog.Logger

	// SessionCookie and loginCookie are the cookie names.
	SessionCookie string
	loginCookie   string
}

// Bounds on identity claims kept in sessions and the audit log (OpenID Connect limits sub to 255
// ASCII characters; an address has at most 254).
const (
	maxSubject = 255
	maxEmail   = 254
	maxName    = 200
)

// loginLifetime is how long a sign-in attempt may take at the provider.
const loginLifetime = 10 * time.Minute

// New discovers the provider and returns the sign-in service.
func New(ctx context.Context, cfg Config, db *consoledb.DB, log *slog.Logger) (*Auth, error) {
	if cfg.Issuer == "" || cfg.ClientID == "" || cfg.RedirectURL == "" {
		return nil, errors.New("OIDC needs an issuer, a client id and a redirect URL")
	}
	if cfg.DefaultRole != "" && !ValidRole(cfg.DefaultRole) {
		return nil, fmt.Errorf("default role %q is not one of viewer, helpdesk, sharer, admin", cfg.DefaultRole)
	}
	if cfg.RoleClaim == "" {
		cfg.RoleClaim = "groups"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if len(cfg.Scopes) == 0 {
		cfg.Scopes = []string{oidc.ScopeOpenID, "profile", "email"}
	}
	if !slices.Contains(cfg.Scopes, oidc.ScopeOpenID) {
		cfg.Scopes = append([]string{oidc.ScopeOpenID}, cfg.Scopes...)
	}
	if cfg.HTTPClient != nil {
		ctx = oidc.ClientContext(ctx, cfg.HTTPClient)
	}
	p, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("discover OIDC provider %s: %w", cfg.Issuer, err)
	}
	var meta struct {
		EndSession string `json:"end_session_endpoint"`
	}
	_ = p.Claims(&meta) // go-oidc has no RP-initiated logout helper: read the endpoint ourselves
	a := &Auth{cfg: cfg, provider: p, endSession: meta.EndSession, db: db, log: log,
		oauth: oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			Endpoint:     p.Endpoint(),
			RedirectURL:  cfg.RedirectURL,
			Scopes:       cfg.Scopes,
		},
		verifier: p.Verifier(&oidc.Config{ClientID: cfg.ClientID, Now: cfg.Now}),
		store:    NewDBStore(db, cfg.Secure, cfg.Now)}
	a.SessionCookie, a.loginCookie = "sd-console", "sd-login"
	if cfg.Secure {
		a.SessionCookie, a.loginCookie = "__Host-sd-console", "__Host-sd-login"
	}
	return a, nil
}

// EndSessionOrigin is the origin of the provider's end-session endpoint ("" when it has none): the
// sign-out form redirects there, so the console's CSP form-action must allow it.
func (a *Auth) EndSessionOrigin() string {
	u, err := url.Parse(a.endSession)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// Store is the session store.
func (a *Auth) Store() *DBStore { return a.store }

// Staff is the person behind a console request.
type Staff struct {
	Subject string
	Email   string
	Name    string
	Role    string
	CSRF    string
}

// Can reports whether the person may do p.
func (s *Staff) Can(p Permission) bool { return s != nil && Can(s.Role, p) }

// Current returns the signed-in person (nil when nobody is) and the session.
func (a *Auth) Current(r *http.Request) (*Staff, *sessions.Session, error) {
	sess, err := a.store.New(r, a.SessionCookie)
	if err != nil {
		return nil, sess, err
	}
	sub, _ := sess.Values[keySubject].(string)
	role, _ := sess.Values[keyRole].(string)
	if sess.IsNew || sub == "" || !ValidRole(role) {
		return nil, sess, nil
	}
	str := func(k string) string { v, _ := sess.Values[k].(string); return v }
	return &Staff{Subject: sub, Email: str(keyEmail), Name: str(keyName), Role: role, CSRF: str(keyCSRF)}, sess, nil
}
