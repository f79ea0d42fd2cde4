package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
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
	"github.com/sharedesk/sharedesk/notify"
	"github.com/sharedesk/sharedesk/portal"
	"github.com/sharedesk/sharedesk/proxyaddr"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/httpapi"
	"github.com/sharedesk/sharedesk/share/store"
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
	assets                   fs.FS // the files under /static/; static.FS when nil
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
	a, err := auth.New(ctx, auth.Config{Issuer: f.issuer, ClientID: f.clientID, ClientSecret: secret, RedirectURL: f.redirectURL,
		Scopes: splitComma(f.scopes), RoleClaim: f.roleClaim, RoleMap: roleMap, DefaultRole: f.defaultRole,
		AllowedDomains: splitComma(f.allowedDomains), PostLogoutURL: f.consoleURL + "/signed-out", Secure: secure, HTTPClient: d.http}, db, log)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	c := handlers.New(d.client, db, a, log, handlers.Options{Demo: d.demo, Outbox: d.outbox, Assets: d.assets, MaxExpiryDays: d.maxExpiryDays, MaxAccess: d.maxAccess})
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

// internalToken gives the console of `serve` and `demo` a fresh service token for the embedded share
// server at every start, revoking the previous one: it lives only in this process's memory.
func internalToken(ctx context.Context, srv *shareServer) (string, string, error) {
	const name = "console (built in)"
	_ = srv.svc.RevokeToken(ctx, name) // none after a clean stop
	token, t, err := srv.svc.CreateToken(ctx, name)
	return token, t.ID, err
}

// shareServer is a built share server: the API and the portal on one handler.
type shareServer struct {
	handler http.Handler
	svc     *share.Service
	db      *store.DB
	url     string
	proxies proxyaddr.Trusted // the console of serve sits behind the same proxies
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
	var sender notify.Sender = notify.Outbox{Store: db}
	if f.smtpURL != "" {
		if sender, err = notify.NewSMTPFrom(f.smtpURL, f.mailFrom); err != nil {
			return fail(err)
		}
	}
	var sms notify.Sender = notify.Outbox{Store: db}
	if f.smsURL != "" {
		secret, err := os.ReadFile(f.smsSecretFile)
		if err != nil || len(bytes.TrimSpace(secret)) < 16 {
			return fail(fmt.Errorf("--sms-webhook-url needs --sms-webhook-secret-file with a secret of at least 16 bytes: %v", err))
		}
		sms = notify.Webhook{URL: f.smsURL, Secret: bytes.TrimSpace(secret)}
	}
	svc := share.New(db, blobs, keys, share.Config{PublicURL: f.publicURL, DefaultMaxAccess: f.defAccess, MaxAccessLimit: f.maxAccess,
		DefaultExpiry: f.defExpiry, MaxExpiry: f.maxExpiry, MaxUploadSize: f.maxUpload, Sender: sender, SMS: sms,
		Logger: log, Downloads: downloads, Uploads: uploads})
	if err := svc.Start(ctx); err != nil {
		return fail(err)
	}
	apiServer := httpapi.New(svc, log, httpapi.Options{MaxJSONBody: f.maxJSON, PublicURL: f.publicURL})
	mux := http.NewServeMux()
	apiServer.Register(mux)
	portal.New(svc, log, portal.Options{PublicURL: f.publicURL, MaxUploadSize: f.maxUpload}).Register(mux)
	go purgeLoop(ctx, log, db, svc, share.SweepOptions{LinkRetention: f.linkRetention})
	// Deadlines per request and a per-client cap, so slow or stalled bodies cannot tie up the server.
	limits := httplimit.New(httplimit.ShareServer())
	// The client address behind trusted proxies is settled first, so the per-client cap, rate limits,
	// audit and logs all see it.
	handler := proxies.Handler(limits.Handler(apiServer.Middleware(mux)))
	return &shareServer{handler: handler, svc: svc, db: db, url: "http://" + f.listen, proxies: proxies}, nil
}

func newLogger(stderr io.Writer, levelName string) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(levelName)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	return applog.New(stderr, level), nil
}

type listener struct {
	name, addr string
	handler    http.Handler
}

// serveAll runs the servers until ctx ends or one fails, then lets requests in flight finish (30 s).
func serveAll(ctx context.Context, log *slog.Logger, ls ...listener) error {
	errc := make(chan error, len(ls))
	var servers []*http.Server
	for _, l := range ls {
		srv := &http.Server{Addr: l.addr, Handler: l.handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
			ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
		ln, err := net.Listen("tcp", l.addr)
		if err != nil {
			for _, s := range servers {
				s.Close()
			}
			return fmt.Errorf("%s: %w", l.name, err)
		}
		log.Info("listening", "server", l.name, "addr", ln.Addr().String(), "version", buildVersion())
		servers = append(servers, srv)
		go func() { errc <- srv.Serve(ln) }()
	}
	var err error
	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	log.Info("shutting down; waiting for requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, s := range servers {
		if serr := s.Shutdown(sctx); serr != nil && err == nil {
			err = fmt.Errorf("shutdown: %w", serr)
		}
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	log.Info("stopped")
	return err
}

// purgeLoop removes expired portal sessions, codes and old failure records every few minutes, and
// runs the sweeper (temp files, orphaned blobs, expired files and links) a minute after start and
// then hourly.
func purgeLoop(ctx context.Context, log *slog.Logger, db *store.DB, svc *share.Service, opt share.SweepOptions) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	sweep := time.NewTimer(time.Minute)
	defer sweep.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if err := db.PurgeExpired(ctx, now.UnixMicro(), now.Add(-24*time.Hour).UnixMicro()); err != nil && ctx.Err() == nil {
				log.Warn("purge expired sessions", "err", err)
			}
		case <-sweep.C:
			runSweep(ctx, log, svc, opt)
			sweep.Reset(time.Hour)
		}
	}
}

// runSweep runs one sweeper pass and logs what it removed.
func runSweep(ctx context.Context, log *slog.Logger, svc *share.Service, opt share.SweepOptions) share.SweepReport {
	rep, err := svc.Sweep(ctx, opt)
	log.Info("sweep", "skipped_another_instance_sweeping", rep.Skipped,
		"temp_files", rep.TempFiles, "orphan_blobs", rep.OrphanBlobs, "expired_files", rep.ExpiredFiles,
		"expired_links", rep.ExpiredLinks, "upload_urls", rep.UploadURLs, "freed_bytes", rep.FreedBytes)
	if err != nil && ctx.Err() == nil {
		log.Warn("sweep incomplete", "err", err)
	}
	return rep
}
