package main

import (
	"context"
	"flag"
	"io"
	"strings"
)

// flagGiven reports whether name was given on the command line (not from the environment or a file).
func flagGiven(fs *flag.FlagSet, args []string, name string) bool {
	for _, a := range args {
		a = strings.TrimLeft(a, "-")
		if a == name || strings.HasPrefix(a, name+"=") {
			return fs.Lookup(name) != nil
		}
	}
	return false
}

func cmdShareServer(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("share-server", stdout)
	var sf shareFlags
	sf.register(fs, "listen")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	shareListen := fs.String("share-listen", "", "the same as --listen, under the name serve gives it, so one "+
		"config file or environment (SHAREDESK_SHARE_LISTEN) serves both; --listen on the command line wins")
	if err := parse(fs, args); err != nil {
		return err
	}
	// One configuration serves every command: share-listen (flag, SHAREDESK_SHARE_LISTEN or the config
	// file) is where the share server listens, also when it runs alone; listen belongs to the console.
	if *shareListen != "" && !flagGiven(fs, args, "listen") {
		sf.listen = *shareListen
	}
	srv, log, err := startShare(ctx, &sf, *logLevel, stderr)
	if err != nil {
		return err
	}
	defer srv.db.Close()
	return serveAll(ctx, log, append([]listener{{name: "share server", addr: sf.listen, handler: srv.handler}},
		metricsListener(sf.metricsListen, srv.metrics)...)...)
}
