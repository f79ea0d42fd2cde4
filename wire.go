package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/sharedesk/sharedesk/applog"
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

// buildShare opens the share server's database and starts the service and its background work on it.
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
	srv, err := startShareService(ctx, f, db, log)
	if err != nil {
		db.Close()
		return nil, err
	}
	return srv, nil
}

// startShareService checks the remaining settings (in the order they have always been reported) and
// starts the service, the webhook deliveries and the sweeper.
func startShareService(ctx context.Context, f *shareFlags, db *store.DB, log *slog.Logger) (*shareServer, error) {
	keys, err := f.keys(ctx, db, log)
	if err != nil {
		return nil, err
	}
	blobs, err := f.blobs(ctx)
	if err != nil {
		return nil, err
	}
	cfg := share.Config{PublicURL: f.publicURL, DefaultMaxAccess: f.defAccess, MaxAccessLimit: f.maxAccess,
		DefaultExpiry: f.defExpiry, MaxExpiry: f.maxExpiry, MaxUploadSize: f.maxUpload,
		Composer: email.Composer{}, Logger: log}
	if cfg.Downloads, cfg.Uploads, err = f.transfers(); err != nil {
		return nil, err
	}
	proxies, err := proxyaddr.Parse(f.trustedProxies)
	if err != nil {
		return nil, err
	}
	if cfg.Sender, cfg.SMS, err = f.senders(db); err != nil {
		return nil, err
	}
	hooks, err := webhookSetup(f, db, log)
	if err != nil {
		return nil, err
	}
	var m *metrics.Metrics
	if f.metricsListen != "" {
		m = metrics.New()
		m.WatchDB("share", db.SQL())
	}
	cfg.OnEvents, cfg.OnBytes = observers(hooks, m)
	svc := share.New(db, blobs, keys, cfg)
	if err := svc.Start(ctx); err != nil {
		return nil, err
	}
	go hooks.Run(ctx)
	handler := shareHandler(f, svc, log, proxies, m)
	go purgeLoop(ctx, log, db, svc, share.SweepOptions{LinkRetention: f.linkRetention}, m)
	return &shareServer{
		handler: handler,
		svc:     svc,
		db:      db,
		url:     "http://" + f.listen,
		metrics: m,
		proxies: proxies,
	}, nil
}

// transfers checks how file bytes travel with S3: through the server, or straight to the bucket.
func (f *shareFlags) transfers() (downloads, uploads string, err error) {
	if downloads, err = transfer("s3-downloads", f.downloads, f.s3Bucket != ""); err != nil {
		return "", "", err
	}
	if uploads, err = transfer("s3-uploads", f.uploads, f.s3Bucket != ""); err != nil {
		return "", "", err
	}
	return downloads, uploads, nil
}

// senders are where emails and texts go: SMTP and the SMS webhook when set, else the outbox in db.
func (f *shareFlags) senders(db *store.DB) (mail, sms notify.Sender, err error) {
	if f.mailFrom != "" {
		if err := notify.CheckFrom(f.mailFrom); err != nil {
			return nil, nil, err
		}
	}
	mail, sms = notify.Outbox{Store: db}, notify.Outbox{Store: db}
	if f.smtpURL != "" {
		smtpURL, err := f.smtpURLWithPassword()
		if err != nil {
			return nil, nil, err
		}
		if mail, err = notify.NewSMTPFrom(smtpURL, f.mailFrom); err != nil {
			return nil, nil, err
		}
	}
	if f.smsURL != "" {
		if sms, err = f.smsWebhook(); err != nil {
			return nil, nil, err
		}
	}
	return mail, sms, nil
}

// smsWebhook is the SMS sender of --sms-webhook-url, signing with a secret long enough to resist guessing.
func (f *shareFlags) smsWebhook() (notify.Sender, error) {
	secret, err := os.ReadFile(f.smsSecretFile)
	if err != nil {
		return nil, fmt.Errorf("--sms-webhook-url needs --sms-webhook-secret-file: %w", err)
	}
	if n := len(bytes.TrimSpace(secret)); n < 16 {
		return nil, fmt.Errorf(
			"--sms-webhook-secret-file %s holds %d bytes: use a secret of at least 16 random bytes",
			f.smsSecretFile,
			n,
		)
	}
	return notify.Webhook{URL: f.smsURL, Secret: bytes.TrimSpace(secret)}, nil
}

// observers are what the service calls when events happen and bytes move: webhook deliveries wake up,
// and metrics (when on) count them.
func observers(hooks *webhooks.Dispatcher, m *metrics.Metrics) (
	onEvents func([]share.Event), onBytes func(up bool, n int64),
) {
	onEvents = func(evs []share.Event) {
		hooks.Wake()
		if m != nil {
			observeEvents(m, evs)
		}
	}
	if m != nil {
		onBytes = observeBytes(m)
	}
	return onEvents, onBytes
}

// shareHandler serves the API and the portal on one mux, behind the request limits.
func shareHandler(
	f *shareFlags,
	svc *share.Service,
	log *slog.Logger,
	proxies proxyaddr.Trusted,
	m *metrics.Metrics,
) http.Handler {
	apiServer := httpapi.New(svc, log, httpapi.Options{MaxJSONBody: f.maxJSON, PublicURL: f.publicURL})
	mux := http.NewServeMux()
	apiServer.Register(mux)
	portal.New(svc, log, portal.Options{PublicURL: f.publicURL, MaxUploadSize: f.maxUpload}).Register(mux)
	// Deadlines per request and a per-client cap, so slow or stalled bodies cannot tie up the server.
	lc := httplimit.ShareServer()
	lc.Verify = shareVerifier(svc)
	limits := httplimit.New(lc)
	// The client address behind trusted proxies is settled first, so the per-client cap, rate limits,
	// audit and logs all see it.
	return proxies.Handler(instrumentShare(m, mux, limits.Handler(apiServer.Middleware(mux))))
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
