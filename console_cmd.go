package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/auth"
	"github.com/sharedesk/sharedesk/consoledb"
	"github.com/sharedesk/sharedesk/devidp"
	"github.com/sharedesk/sharedesk/handlers"
	"github.com/sharedesk/sharedesk/static"
)

// consoleFlags are the console's settings.
type consoleFlags struct {
	listen, consoleURL, consoleDatabaseURL               string
	issuer, clientID, clientSecret, clientSecretFile     string
	redirectURL, scopes, roleClaim, roleMap, defaultRole string
	allowedDomains                                       string
}

func (f *consoleFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.listen, "listen", "127.0.0.1:8080", "address of the console")
	fs.StringVar(&f.consoleURL, "console-url", "", "external base URL of the console (default http://LISTEN)")
	fs.StringVar(&f.consoleDatabaseURL, "console-database-url", "", "postgres://… for the console's own tables (default: next to the share data)")
	fs.StringVar(&f.issuer, "oidc-issuer", "", "OpenID Connect issuer URL of your identity provider")
	fs.StringVar(&f.clientID, "oidc-client-id", "", "the console's client id at the provider")
	fs.StringVar(&f.clientSecret, "oidc-client-secret", "", "the console's client secret (prefer --oidc-client-secret-file)")
	fs.StringVar(&f.clientSecretFile, "oidc-client-secret-file", "", "file holding the client secret")
	fs.StringVar(&f.redirectURL, "oidc-redirect-url", "", "the console's callback URL registered at the provider (default CONSOLE_URL/auth/callback)")
	fs.StringVar(&f.scopes, "oidc-scopes", "openid,profile,email", "scopes to ask for, comma-separated")
	fs.StringVar(&f.roleClaim, "oidc-role-claim", "groups", "ID-token claim holding the person's groups")
	fs.StringVar(&f.roleMap, "role-map", "", "group=role pairs, e.g. share-admins=admin,helpdesk=helpdesk,staff=sharer")
	fs.StringVar(&f.defaultRole, "default-role", "", "role for people in no mapped group; empty means no access")
	fs.StringVar(&f.allowedDomains, "allowed-email-domains", "", "only these email domains may sign in, comma-separated")
}

// requireOIDC refuses to start without real provider settings: nothing outside demo may fall back to
// the development provider.
func (f *consoleFlags) requireOIDC() error {
	var missing []string
	if f.issuer == "" {
		missing = append(missing, "--oidc-issuer")
	}
	if f.clientID == "" {
		missing = append(missing, "--oidc-client-id")
	}
	if f.clientSecret == "" && f.clientSecretFile == "" {
		missing = append(missing, "--oidc-client-secret-file")
	}
	if f.roleMap == "" && f.defaultRole == "" {
		missing = append(missing, "--role-map (or --default-role)")
	}
	if len(missing) > 0 {
		return fmt.Errorf("the console needs your identity provider's settings: %s (try `sharedesk demo` for a local trial)", strings.Join(missing, ", "))
	}
	return nil
}

type consoleDeps struct {
	client   *api.Client
	dataDir  string
	shareDSN string // the share store's PostgreSQL URL, reused for console tables by default
	outbox   handlers.OutboxReader
	demo     bool
	limits   [2]int // max expiry days, max accesses
	http     *http.Client
	assets   fs.FS // the files under /static/; static.FS when nil
}

func buildConsole(ctx context.Context, f *consoleFlags, d consoleDeps, log *slog.Logger) (http.Handler, func(), error) {
	if d.assets == nil {
		d.assets = static.FS
	}
	if err := static.Check(d.assets); err != nil {
		return nil, nil, err
	}
	if f.consoleURL == "" {
		f.consoleURL = "http://" + f.listen
	}
	f.consoleURL = strings.TrimRight(f.consoleURL, "/")
	if f.redirectURL == "" {
		f.redirectURL = f.consoleURL + "/auth/callback"
	}
	secret := f.clientSecret
	if f.clientSecretFile != "" {
		raw, err := os.ReadFile(f.clientSecretFile)
		if err != nil {
			return nil, nil, fmt.Errorf("read --oidc-client-secret-file: %w", err)
		}
		secret = strings.TrimSpace(string(raw))
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
	u, _ := url.Parse(f.consoleURL)
	secure := u != nil && (u.Scheme == "https" || isLoopbackHost(u.Hostname()))
	a, err := auth.New(ctx, auth.Config{Issuer: f.issuer, ClientID: f.clientID, ClientSecret: secret, RedirectURL: f.redirectURL,
		Scopes: splitComma(f.scopes), RoleClaim: f.roleClaim, RoleMap: roleMap, DefaultRole: f.defaultRole,
		AllowedDomains: splitComma(f.allowedDomains), PostLogoutURL: f.consoleURL + "/signed-out", Secure: secure, HTTPClient: d.http}, db, log)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	c := handlers.New(d.client, db, a, log, handlers.Options{Demo: d.demo, Outbox: d.outbox, Assets: d.assets, MaxExpiryDays: d.limits[0], MaxAccess: d.limits[1]})
	go func() {
		t := time.NewTicker(10 * time.Minute)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case now := <-t.C:
				_ = db.PurgeSessions(ctx, now.Add(-auth.IdleTimeout).UnixMicro(), now.Add(-auth.AbsoluteTimeout).UnixMicro())
			}
		}
	}()
	return c.Handler(), func() { db.Close() }, nil
}

func isLoopbackHost(h string) bool {
	return h == "localhost" || h == "127.0.0.1" || h == "::1"
}

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// internalToken gives the console of `serve` and `demo` a fresh service token for the embedded share
// server at every start, revoking the previous one: it lives only in this process's memory.
func internalToken(ctx context.Context, srv *shareServer) (string, string, error) {
	const name = "console (built in)"
	_ = srv.svc.RevokeToken(ctx, name) // none after a clean stop
	token, t, err := srv.svc.CreateToken(ctx, name)
	return token, t.ID, err
}

func cmdServe(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf shareFlags
	var cf consoleFlags
	sf.register(fs, "share-listen")
	cf.register(fs)
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := cf.requireOIDC(); err != nil {
		return err
	}
	log, err := newLogger(stderr, *logLevel)
	if err != nil {
		return err
	}
	srv, err := buildShare(ctx, &sf, log)
	if err != nil {
		return err
	}
	defer srv.db.Close()
	token, tokenID, err := internalToken(ctx, srv)
	if err != nil {
		return err
	}
	log.Info("built-in console token in use", "token_id", tokenID, "token", api.Fingerprint(token))
	// The token lives only in this process: revoke it on the way out, so it is not listed as active.
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := srv.svc.RevokeToken(rctx, tokenID); err != nil {
			log.Warn("built-in console token not revoked", "token_id", tokenID, "err", err)
		} else {
			log.Info("built-in console token revoked", "token_id", tokenID)
		}
	}()
	client := api.NewClient(srv.url, token)
	console, closeConsole, err := buildConsole(ctx, &cf, consoleDeps{client: client, dataDir: sf.dataDir,
		shareDSN: sf.databaseURL, limits: [2]int{int(sf.maxExpiry / (24 * time.Hour)), sf.maxAccess}}, log)
	if err != nil {
		return err
	}
	defer closeConsole()
	ready := &readiness{check: apiCheck{client: client, urlSetting: "--share-listen", tokenSetting: "the built-in console token"}, log: log, every: 5 * time.Second}
	return serveAll(ctx, log, listener{"share server", sf.listen, srv.handler}, listener{"console", cf.listen, withProbes(console, ready)})
}

func cmdConsole(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("console", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cf consoleFlags
	cf.register(fs)
	dataDir := fs.String("data-dir", "./sharedesk-data", "directory for the console's own SQLite tables (sessions, audit)")
	apiURL := fs.String("api-url", "", "base URL of the Share API: the share server, or https://share.aws.us.pangea.cloud")
	tokenFile := fs.String("api-token-file", "", "file holding the service token (or set SHAREDESK_API_TOKEN)")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := cf.requireOIDC(); err != nil {
		return err
	}
	if *apiURL == "" {
		return errors.New("the console needs --api-url: the share server's address, or https://share.aws.us.pangea.cloud")
	}
	if err := validateAPIURL(*apiURL); err != nil {
		return err
	}
	log, err := newLogger(stderr, *logLevel)
	if err != nil {
		return err
	}
	client := api.NewClient(*apiURL, "")
	tokenSetting := "--api-token-file"
	if *tokenFile != "" {
		tf, err := api.OpenTokenFile(*tokenFile, func(fingerprint string) {
			log.Info("service token in use", "token", fingerprint, "file", *tokenFile)
		})
		if err != nil {
			return fmt.Errorf("--api-token-file: %w", err)
		}
		client.TokenFile = tf
		reloadOnHangup(ctx, tf, log)
	} else {
		client.Token = strings.TrimSpace(os.Getenv("SHAREDESK_API_TOKEN"))
		if client.Token == "" {
			return errors.New("the console needs a service token: --api-token-file FILE (or SHAREDESK_API_TOKEN)")
		}
		tokenSetting = "SHAREDESK_API_TOKEN"
		log.Info("service token in use", "token", api.Fingerprint(client.Token), "from", tokenSetting)
	}
	check := apiCheck{client: client, urlSetting: "--api-url", tokenSetting: tokenSetting}
	if err := check.run(ctx); err != nil {
		return fmt.Errorf("the console cannot use the share API: %w", err)
	}
	console, closeConsole, err := buildConsole(ctx, &cf, consoleDeps{client: client, dataDir: *dataDir}, log)
	if err != nil {
		return err
	}
	defer closeConsole()
	return serveAll(ctx, log, listener{"console", cf.listen, withProbes(console, &readiness{check: check, log: log, every: 5 * time.Second})})
}

// reloadOnHangup re-reads the token file on every SIGHUP until ctx ends (it is also re-read when it
// changes and after a 401). The signal is caught from the moment it returns.
func reloadOnHangup(ctx context.Context, tf *api.TokenFile, log *slog.Logger) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	go watchHangup(ctx, hup, tf, log)
}

func watchHangup(ctx context.Context, hup chan os.Signal, tf *api.TokenFile, log *slog.Logger) {
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			changed, err := tf.Reload()
			switch {
			case err != nil:
				log.Error("SIGHUP: service token not reloaded; the one in use stays", "err", err)
			case !changed:
				log.Info("SIGHUP: service token file re-read, token unchanged", "token", api.Fingerprint(tf.Token()))
			}
		}
	}
}

// demoUsers are the people of the development provider, one per role and one without access.
var demoUsers = []devidp.User{
	{ID: "demo-ada", Email: "ada@example.com", Name: "Ada Admin", Groups: []string{"share-admins"}},
	{ID: "demo-hal", Email: "hal@example.com", Name: "Hal Helpdesk", Groups: []string{"helpdesk"}},
	{ID: "demo-sam", Email: "sam@example.com", Name: "Sam Sharer", Groups: []string{"staff"}},
	{ID: "demo-val", Email: "val@example.com", Name: "Val Viewer", Groups: []string{"auditors"}},
	{ID: "demo-nia", Email: "nia@example.com", Name: "Nia No-access", Groups: []string{"contractors"}},
}

func cmdDemo(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf shareFlags
	sf.register(fs, "share-listen")
	listen := fs.String("listen", "localhost:8080", "address of the console (loopback only)")
	idpListen := fs.String("idp-listen", "127.0.0.1:8082", "address of the development identity provider (loopback only)")
	logLevel := fs.String("log-level", "warn", "debug, info, warn or error")
	if err := parse(fs, args); err != nil {
		return err
	}
	for _, a := range []string{sf.listen, *listen, *idpListen} {
		if err := requireLoopback(a); err != nil {
			return err
		}
	}
	if sf.dataDir == "./sharedesk-data" && sf.databaseURL == "" {
		sf.dataDir = "./sharedesk-demo"
	}
	log, err := newLogger(stderr, *logLevel)
	if err != nil {
		return err
	}
	srv, err := buildShare(ctx, &sf, log)
	if err != nil {
		return err
	}
	defer srv.db.Close()
	apiToken, err := seedDemo(ctx, srv.svc)
	if err != nil {
		return fmt.Errorf("demo data: %w", err)
	}
	token, _, err := internalToken(ctx, srv)
	if err != nil {
		return err
	}
	consoleURL := "http://" + *listen
	issuer := "http://" + *idpListen
	clientSecret := randomHex(24) // new at every start; only this process knows it
	idp, err := devidp.New(issuer, []devidp.Client{{ID: "sharedesk-demo", Secret: clientSecret, RedirectURIs: []string{consoleURL + "/auth/callback"},
		PostLogoutURIs: []string{consoleURL + "/signed-out"}}}, demoUsers)
	if err != nil {
		return err
	}
	cf := consoleFlags{listen: *listen, consoleURL: consoleURL, issuer: issuer, clientID: "sharedesk-demo", roleClaim: "groups",
		roleMap: "share-admins=admin,helpdesk=helpdesk,staff=sharer,auditors=viewer", scopes: "openid,profile,email"}
	cf.clientSecret = clientSecret
	// The provider must answer discovery before the console starts, so serve it first.
	idpErr := make(chan error, 1)
	idpCtx, stopIdp := context.WithCancel(ctx)
	defer stopIdp()
	go func() { idpErr <- serveAll(idpCtx, log, listener{"development identity provider", *idpListen, idp}) }()
	if err := waitReady(ctx, issuer+"/.well-known/openid-configuration"); err != nil {
		return err
	}
	console, closeConsole, err := buildConsole(ctx, &cf, consoleDeps{client: api.NewClient(srv.url, token), dataDir: sf.dataDir, shareDSN: sf.databaseURL,
		outbox: srv.db, demo: true, limits: [2]int{int(sf.maxExpiry / (24 * time.Hour)), sf.maxAccess}}, log)
	if err != nil {
		return err
	}
	defer closeConsole()
	fmt.Fprintf(stderr, "\nsharedesk demo is running.\n\n  Console:    %s   (sign in as any of the people below)\n", consoleURL)
	for _, u := range demoUsers {
		role := "no access"
		switch {
		case len(u.Groups) > 0 && u.Groups[0] == "share-admins":
			role = "admin"
		case len(u.Groups) > 0 && u.Groups[0] == "helpdesk":
			role = "helpdesk"
		case len(u.Groups) > 0 && u.Groups[0] == "staff":
			role = "sharer"
		case len(u.Groups) > 0 && u.Groups[0] == "auditors":
			role = "viewer"
		}
		fmt.Fprintf(stderr, "              %-16s %-18s %s\n", u.Name, u.Email, role)
	}
	fmt.Fprintf(stderr, "  Sign-in:    %s (development provider, loopback only)\n  Share API:  %s/v1/…   token: %s\n  Outbox:     %s/outbox (emails and texts stay on this machine)\n\n",
		issuer, srv.url, apiToken, consoleURL)
	err = serveAll(ctx, log, listener{"share server", sf.listen, srv.handler}, listener{"console", *listen, console})
	stopIdp()
	<-idpErr
	return err
}

func waitReady(ctx context.Context, u string) error {
	for range 50 {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s did not answer", u)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
