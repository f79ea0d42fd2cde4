package main

import (
	"context"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/auth"
	"github.com/sharedesk/sharedesk/consoledb"
	"github.com/sharedesk/sharedesk/handlers"
	"github.com/sharedesk/sharedesk/httplimit"
	"github.com/sharedesk/sharedesk/metrics"
	"github.com/sharedesk/sharedesk/static"
)

type consoleDeps struct {
	client   *api.Client
	dataDir  string
	shareDSN string // the share store's PostgreSQL URL, reused for console tables by default
	outbox   handlers.OutboxReader
	demo     bool
	// The share server's limits, shown to sharers on the New link form.
	maxExpiryDays, maxAccess int
	http                     *http.Client
	assets                   fs.FS             // the files under /static/; static.FS when nil
	metrics                  *metrics.Metrics  // nil without --metrics-listen
	limits                   *httplimit.Config // httplimit.Console() when nil
}

func buildConsole(ctx context.Context, f *consoleFlags, d consoleDeps, log *slog.Logger) (http.Handler, func(), error) {
	if d.assets == nil {
		d.assets = static.FS
	}
	if err := static.Check(d.assets); err != nil {
		return nil, nil, err
	}
	f.defaultURLs()
	secret, err := f.oidcClientSecret()
	if err != nil {
		return nil, nil, err
	}
	roleMap, err := auth.ParseRoleMap(f.roleMap)
	if err != nil {
		return nil, nil, err
	}
	dsn := f.consoleDatabaseURL
	if dsn == "" {
		dsn = d.shareDSN
	}
	db, err := consoledb.Open(ctx, filepath.Join(d.dataDir, "console.db"), dsn)
	if err != nil {
		return nil, nil, err
	}
	a, err := auth.New(ctx, f.authConfig(secret, roleMap, d.http), db, log)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	c := handlers.New(
		d.client,
		db,
		a,
		log,
		handlers.Options{
			Demo:          d.demo,
			Outbox:        d.outbox,
			Assets:        d.assets,
			MaxExpiryDays: d.maxExpiryDays,
			MaxAccess:     d.maxAccess,
		},
	)
	go purgeSessionsLoop(ctx, db)
	h := consoleLimits(d.limits, a).Handler(c.Handler())
	if d.metrics != nil {
		d.metrics.WatchDB("console", db.SQL())
		h = d.metrics.Instrument("console", nil, h)
	}
	return h, func() { db.Close() }, nil
}

// defaultURLs fills in the console's external URL (from where it listens) and its callback URL.
func (f *consoleFlags) defaultURLs() {
	if f.consoleURL == "" {
		f.consoleURL = "http://" + f.listen
	}
	f.consoleURL = strings.TrimRight(f.consoleURL, "/")
	if f.redirectURL == "" {
		f.redirectURL = f.consoleURL + "/auth/callback"
	}
}

// oidcClientSecret reads the client secret: --oidc-client-secret-file wins over
// SHAREDESK_OIDC_CLIENT_SECRET; demo sets it directly.
func (f *consoleFlags) oidcClientSecret() (string, error) {
	secret := f.clientSecret
	if secret == "" {
		secret = os.Getenv("SHAREDESK_OIDC_CLIENT_SECRET")
	}
	if f.clientSecretFile != "" {
		raw, err := os.ReadFile(f.clientSecretFile)
		if err != nil {
			return "", fmt.Errorf("read --oidc-client-secret-file: %w", err)
		}
		secret = strings.TrimSpace(string(raw))
	}
	return secret, nil
}

// authConfig is the sign-in's configuration. Cookies are Secure unless the console is reached over
// plain HTTP on a non-loopback host.
func (f *consoleFlags) authConfig(secret string, roleMap map[string]string, client *http.Client) auth.Config {
	u, _ := url.Parse(f.consoleURL)
	secure := u != nil && (u.Scheme == "https" || isLoopbackHost(u.Hostname()))
	return auth.Config{Issuer: f.issuer, ClientID: f.clientID, ClientSecret: secret, RedirectURL: f.redirectURL,
		Scopes: splitComma(f.scopes), RoleClaim: f.roleClaim, RoleMap: roleMap, DefaultRole: f.defaultRole,
		AllowedDomains: splitComma(f.allowedDomains), PostLogoutURL: f.consoleURL + "/signed-out", Secure: secure,
		HTTPClient: client}
}

// purgeSessionsLoop deletes idle and expired sessions every ten minutes until ctx ends.
func purgeSessionsLoop(ctx context.Context, db *consoledb.DB) {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			_ = db.PurgeSessions(
				ctx,
				now.Add(-auth.IdleTimeout).UnixMicro(),
				now.Add(-auth.AbsoluteTimeout).UnixMicro(),
			)
		}
	}
}

// consoleLimits gives the console the share server's deadlines and per-client cap too; past the cap
// only people with a live console session get in. override replaces httplimit.Console() when set.
func consoleLimits(override *httplimit.Config, a *auth.Auth) *httplimit.Limiter {
	lc := httplimit.Console()
	if override != nil {
		lc = *override
	}
	lc.Verify = func(r *http.Request) bool { staff, _, err := a.Current(r); return err == nil && staff != nil }
	return httplimit.New(lc)
}

// builtInConsoleDeps are what the console of serve and demo takes from the share server in the same
// process: its data directory and database, its limits and its metrics.
func builtInConsoleDeps(sf *shareFlags, srv *shareServer, client *api.Client) consoleDeps {
	return consoleDeps{client: client, dataDir: sf.dataDir, shareDSN: sf.databaseURL,
		maxExpiryDays: int(sf.maxExpiry / (24 * time.Hour)), maxAccess: sf.maxAccess, metrics: srv.metrics}
}

// builtInReadiness reports the console of serve and demo ready while the share server beside it
// accepts the built-in token.
func builtInReadiness(client *api.Client, log *slog.Logger) *readiness {
	return &readiness{
		check: apiCheck{client: client, urlSetting: "--share-listen", tokenSetting: "the built-in console token"},
		log:   log,
		every: 5 * time.Second,
	}
}

func isLoopbackHost(h string) bool {
	return h == "localhost" || h == "127.0.0.1" || h == "::1"
}

// internalToken gives the console of `serve` and `demo` a fresh service token for the embedded share
// server at every start: it lives only in this process's memory. Its name is this instance's (host and
// console address), so instances sharing one database never revoke each other's tokens: only the
// token a previous run of this same instance left behind (after a crash) is revoked.
func internalToken(ctx context.Context, srv *shareServer, consoleAddr string) (string, string, error) {
	host, _ := os.Hostname()
	name := fmt.Sprintf("console (built in, %s %s)", host, consoleAddr)
	_ = srv.svc.RevokeToken(ctx, name) // none after a clean stop
	// An admin token: the console's API tokens page manages tokens through it.
	token, t, err := srv.svc.CreateAdminToken(ctx, name)
	return token, t.ID, err
}
