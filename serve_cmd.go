package main

import (
	"context"
	"io"
	"log/slog"
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
	srv, log, err := startShare(ctx, &sf, *logLevel, stderr)
	if err != nil {
		return err
	}
	defer srv.db.Close()
	token, tokenID, err := internalToken(ctx, srv, cf.listen)
	if err != nil {
		return err
	}
	log.Info("built-in console token in use", "token_id", tokenID, "token", api.Fingerprint(token))
	defer revokeBuiltInToken(ctx, log, srv, tokenID)
	client := api.NewClient(srv.url, token)
	console, closeConsole, err := buildConsole(ctx, &cf, builtInConsoleDeps(&sf, srv, client), log)
	if err != nil {
		return err
	}
	defer closeConsole()
	return serveAll(ctx, log, append([]listener{{name: "share server", addr: sf.listen, handler: srv.handler},
		{
			name:    "console",
			addr:    cf.listen,
			handler: srv.proxies.Handler(withProbes(console, builtInReadiness(client, log))),
		}}, metricsListener(sf.metricsListen, srv.metrics)...)...)
}

// startShare makes the logger and builds the share server from its settings; the caller closes srv.db.
func startShare(ctx context.Context, sf *shareFlags, logLevel string, stderr io.Writer) (
	*shareServer, *slog.Logger, error,
) {
	log, err := newLogger(stderr, logLevel)
	if err != nil {
		return nil, nil, err
	}
	srv, err := buildShare(ctx, sf, log)
	return srv, log, err
}

// revokeBuiltInToken revokes the console's token on the way out: it lives only in this process, so it
// must not stay listed as active.
func revokeBuiltInToken(ctx context.Context, log *slog.Logger, srv *shareServer, tokenID string) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	if err := srv.svc.RevokeToken(rctx, tokenID); err != nil {
		log.Warn("built-in console token not revoked", "token_id", tokenID, "err", err)
	} else {
		log.Info("built-in console token revoked", "token_id", tokenID)
	}
}
