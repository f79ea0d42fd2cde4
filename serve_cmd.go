package main

import (
	"context"
	"io"
	"time"

	"github.com/sharedesk/sharedesk/api"
)

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("serve", stdout)
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
	token, tokenID, err := internalToken(ctx, srv, cf.listen)
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
		shareDSN: sf.databaseURL, maxExpiryDays: int(sf.maxExpiry / (24 * time.Hour)), maxAccess: sf.maxAccess,
		metrics: srv.metrics}, log)
	if err != nil {
		return err
	}
	defer closeConsole()
	ready := &readiness{
		check: apiCheck{client: client, urlSetting: "--share-listen", tokenSetting: "the built-in console token"},
		log:   log,
		every: 5 * time.Second,
	}
	return serveAll(ctx, log, append([]listener{{name: "share server", addr: sf.listen, handler: srv.handler},
		{
			name:    "console",
			addr:    cf.listen,
			handler: srv.proxies.Handler(withProbes(console, ready)),
		}}, metricsListener(sf.metricsListen, srv.metrics)...)...)
}
