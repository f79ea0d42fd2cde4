package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/applog"
	"github.com/sharedesk/sharedesk/auth"
	"github.com/sharedesk/sharedesk/consoledb"
	"github.com/sharedesk/sharedesk/handlers"
	"github.com/sharedesk/sharedesk/httplimit"
	"github.com/sharedesk/sharedesk/metrics"
	"github.com/sharedesk/sharedesk/notify"
	"github.com/sharedesk/sharedesk/portal"
	"github.com/sharedesk/sharedesk/proxyaddr"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/httpapi"
	"github.com/sharedesk/sharedesk/share/store"
	"github.com/sharedesk/sharedesk/static"
	"github.com/sharedesk/sharedesk/views/email"
	"github.com/sharedesk/sharedesk/webhooks"
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
	if f.consoleURL == "" {
		f.consoleURL = "http://" + f.listen
	}
	f.consoleURL = strings.TrimRight(f.consoleURL, "/")
	if f.redirectURL == "" {
		f.redirectURL = f.consoleURL + "/auth/callback"
	}
	secret := f.clientSecret
	if secret == "" {
		secret = os.Getenv("SHAREDESK_OIDC_CLIENT_SECRET")
	}
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
	a, err := auth.New(
		ctx,
		auth.Config{Issuer: f.issuer, ClientID: f.clientID, ClientSecret: secret, RedirectURL: f.redirectURL,
			Scopes: splitComma(f.scopes), RoleClaim: f.roleClaim, RoleMap: roleMap, DefaultRole: f.defaultRole,
			AllowedDomains: splitComma(
				f.allowedDomains,
			), PostLogoutURL: f.consoleURL + "/signed-out", Secure: secure, HTTPClient: d.http},
		db,
		log,
	)
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
	go func() {
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
	}()
	// The console gets the share server's deadlines and per-client cap too; past the cap only people
	// with a live console session get in.
	lc := httplimit.Console()
	if d.limits != nil {
		lc = *d.limits
	}
	lc.Verify = func(r *http.Request) bool { staff, _, err := a.Current(r); return err == nil && staff != nil }
	h := httplimit.New(lc).Handler(c.Handler())
	if d.metrics != nil {
		d.metrics.WatchDB("console", db.SQL())
		h = d.metrics.Instrument("console", nil, h)
	}
	return h, func() { db.Close() }, nil
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

// shareServer is a built share server: the API and the portal on one handler.
type shareServer struct {
	handler http.Handler
	svc     *share.Service
	db      *store.DB
	url     string
	metrics *metrics.Metrics  // nil without --metrics-listen
	proxies proxyaddr.Trusted // the console of serve sits behind the same proxies
}

// webhookSetup reads the webhook settings; with no --webhook-url there is nothing to deliver.
func webhookSetup(f *shareFlags, db *store.DB, log *slog.Logger) (*webhooks.Dispatcher, error) {
	if len(f.webhookURLs) == 0 {
		return nil, nil
	}
	secret := os.Getenv("SHAREDESK_WEBHOOK_SECRET")
	if f.webhookSecretFile != "" {
		raw, err := os.ReadFile(f.webhookSecretFile)
		if err != nil {
			return nil, fmt.Errorf("read --webhook-secret-file: %w", err)
		}
		secret = strings.TrimSpace(string(raw))
	}
	d, err := webhooks.New(db, webhooks.Config{URLs: f.webhookURLs, Secret: secret, Log: log})
	if err != nil {
		return nil, err
	}
	db.SetWebhookEndpoints(f.webhookURLs)
	return d, nil
}

func buildShare(ctx context.Context, f *shareFlags, log *slog.Logger) (*shareServer, error) {
	if f.publicURL == "" {
		f.publicURL = "http://" + f.listen
	}
	if err := static.Check(static.FS); err != nil {
		return nil, err
	}
	db, err := f.open(ctx, log)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*shareServer, error) { db.Close(); return nil, err }
	keys, err := f.keys(ctx, db, log)
	if err != nil {
		return fail(err)
	}
	blobs, err := f.blobs(ctx)
	if err != nil {
		return fail(err)
	}
	downloads, err := transfer("s3-downloads", f.downloads, f.s3Bucket != "")
	if err != nil {
		return fail(err)
	}
	uploads, err := transfer("s3-uploads", f.uploads, f.s3Bucket != "")
	if err != nil {
		return fail(err)
	}
	proxies, err := proxyaddr.Parse(f.trustedProxies)
	if err != nil {
		return fail(err)
	}
	if f.mailFrom != "" {
		if err := notify.CheckFrom(f.mailFrom); err != nil {
			return fail(err)
		}
	}
	var sender notify.Sender = notify.Outbox{Store: db}
	if f.smtpURL != "" {
		smtpURL, err := f.smtpURLWithPassword()
		if err != nil {
			return fail(err)
		}
		if sender, err = notify.NewSMTPFrom(smtpURL, f.mailFrom); err != nil {
			return fail(err)
		}
	}
	var sms notify.Sender = notify.Outbox{Store: db}
	if f.smsURL != "" {
		secret, err := os.ReadFile(f.smsSecretFile)
		if err != nil {
			return fail(fmt.Errorf("--sms-webhook-url needs --sms-webhook-secret-file: %w", err))
		}
		if n := len(bytes.TrimSpace(secret)); n < 16 {
			return fail(
				fmt.Errorf(
					"--sms-webhook-secret-file %s holds %d bytes: use a secret of at least 16 random bytes",
					f.smsSecretFile,
					n,
				),
			)
		}
		sms = notify.Webhook{URL: f.smsURL, Secret: bytes.TrimSpace(secret)}
	}
	hooks, err := webhookSetup(f, db, log)
	if err != nil {
		return fail(err)
	}
	var m *metrics.Metrics
	if f.metricsListen != "" {
		m = metrics.New()
		m.WatchDB("share", db.SQL())
	}
	cfg := share.Config{PublicURL: f.publicURL, DefaultMaxAccess: f.defAccess, MaxAccessLimit: f.maxAccess,
		DefaultExpiry: f.defExpiry, MaxExpiry: f.maxExpiry, MaxUploadSize: f.maxUpload,
		Sender: sender, SMS: sms, Composer: email.Composer{}, Logger: log,
		Downloads: downloads, Uploads: uploads,
		OnEvents: func(evs []share.Event) {
			hooks.Wake()
			if m != nil {
				observeEvents(m, evs)
			}
		}}
	if m != nil {
		cfg.OnBytes = observeBytes(m)
	}
	svc := share.New(db, blobs, keys, cfg)
	if err := svc.Start(ctx); err != nil {
		return fail(err)
	}
	go hooks.Run(ctx)
	apiServer := httpapi.New(svc, log, httpapi.Options{MaxJSONBody: f.maxJSON, PublicURL: f.publicURL})
	mux := http.NewServeMux()
	apiServer.Register(mux)
	portal.New(svc, log, portal.Options{PublicURL: f.publicURL, MaxUploadSize: f.maxUpload}).Register(mux)
	go purgeLoop(ctx, log, db, svc, share.SweepOptions{LinkRetention: f.linkRetention}, m)
	// Deadlines per request and a per-client cap, so slow or stalled bodies cannot tie up the server.
	lc := httplimit.ShareServer()
	lc.Verify = shareVerifier(svc)
	limits := httplimit.New(lc)
	// The client address behind trusted proxies is settled first, so the per-client cap, rate limits,
	// audit and logs all see it.
	handler := proxies.Handler(instrumentShare(m, mux, limits.Handler(apiServer.Middleware(mux))))
	return &shareServer{
		handler: handler,
		svc:     svc,
		db:      db,
		url:     "http://" + f.listen,
		metrics: m,
		proxies: proxies,
	}, nil
}

// shareVerifier lets a client address past the per-client cap only with a live API token or portal
// session.
func shareVerifier(svc *share.Service) func(*http.Request) bool {
	return httplimit.VerifyShare(func(ctx context.Context, secret string) error {
		_, err := svc.Authenticate(ctx, secret)
		return err
	}, func(ctx context.Context, secret string) error {
		_, err := svc.Session(ctx, secret)
		return err
	})
}

func newLogger(stderr io.Writer, levelName string) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(levelName)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	return applog.New(stderr, level), nil
}

// purgeLoop removes expired portal sessions, codes and old failure records every few minutes, and
// runs the sweeper (temp files, orphaned blobs, expired files and links) a minute after start and
// then hourly.
func purgeLoop(
	ctx context.Context,
	log *slog.Logger,
	db *store.DB,
	svc *share.Service,
	opt share.SweepOptions,
	m *metrics.Metrics,
) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	sweep := time.NewTimer(time.Minute)
	defer sweep.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if err := db.PurgeExpired(ctx, now.UnixMicro(), now.Add(-24*time.Hour).UnixMicro()); err != nil &&
				ctx.Err() == nil {
				log.Warn("purge expired sessions", "err", err)
			}
		case <-sweep.C:
			rep, err := runSweep(ctx, log, svc, opt)
			if _, werr := db.PurgeWebhooks(ctx, time.Now().Add(-opt.LinkRetention)); werr != nil && ctx.Err() == nil {
				log.Warn("purge delivered webhooks", "err", werr)
			}
			if m != nil {
				observeSweep(m, rep, err)
			}
			sweep.Reset(time.Hour)
		}
	}
}

// runSweep runs one sweeper pass and logs what it removed.
func runSweep(
	ctx context.Context,
	log *slog.Logger,
	svc *share.Service,
	opt share.SweepOptions,
) (share.SweepReport, error) {
	rep, err := svc.Sweep(ctx, opt)
	log.Info(
		"sweep",
		"skipped_another_instance_sweeping",
		rep.Skipped,
		"temp_files",
		rep.TempFiles,
		"orphan_blobs",
		rep.OrphanBlobs,
		"expired_files",
		rep.ExpiredFiles,
		"expired_links",
		rep.ExpiredLinks,
		"revoked_links",
		rep.RevokedLinks,
		"link_events",
		rep.Events,
		"upload_urls",
		rep.UploadURLs,
		"freed_bytes",
		rep.FreedBytes,
	)
	if err != nil && ctx.Err() == nil {
		log.Warn("sweep incomplete", "err", err)
	}
	return rep, err
}

// smtpURLWithPassword adds the SMTP password from --smtp-password-file or SHAREDESK_SMTP_PASSWORD. A
// password written into --smtp-url is taken only from the environment (SHAREDESK_SMTP_URL): on the
// command line other users of the machine can read it, and config files get copied around.
func (f *shareFlags) smtpURLWithPassword() (string, error) {
	u, err := url.Parse(f.smtpURL)
	if err != nil {
		return "", fmt.Errorf("--smtp-url: %w", err)
	}
	if _, has := u.User.Password(); has && os.Getenv("SHAREDESK_SMTP_URL") != f.smtpURL {
		return "", errors.New("--smtp-url holds a password: give it in --smtp-password-file or " +
			"SHAREDESK_SMTP_PASSWORD (or the whole URL in SHAREDESK_SMTP_URL), not on the command line or in the " +
			"config file")
	}
	password := os.Getenv("SHAREDESK_SMTP_PASSWORD")
	if f.smtpPasswordFile != "" {
		raw, err := os.ReadFile(f.smtpPasswordFile)
		if err != nil {
			return "", fmt.Errorf("--smtp-password-file: %w", err)
		}
		password = strings.TrimSpace(string(raw))
	}
	if password != "" {
		if u.User == nil {
			return "", errors.New("--smtp-password-file needs a user name in --smtp-url (smtp://user@host:587)")
		}
		u.User = url.UserPassword(u.User.Username(), password)
	}
	return u.String(), nil
}
