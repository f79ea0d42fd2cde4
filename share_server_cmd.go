package main

import (
	"context"
	"io"
)

func cmdShareServer(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("share-server", stdout)
	var sf shareFlags
	sf.register(fs, "listen")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	if err := parse(fs, args); err != nil {
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
	return serveAll(ctx, log, listener{name: "share server", addr: sf.listen, handler: srv.handler})
}
