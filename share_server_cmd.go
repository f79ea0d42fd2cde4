package main

import (
	"context"
	"flag"
	"io"
)

func cmdShareServer(ctx context.Context, args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("share-server", flag.ContinueOnError)
	fs.SetOutput(stderr)
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
	return serveAll(ctx, log, append([]listener{{"share server", sf.listen, srv.handler}}, metricsListener(sf.metricsListen, srv.metrics)...)...)
}
