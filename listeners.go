package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"
)

type listener struct {
	name, addr string
	handler    http.Handler
	ln         net.Listener // already bound (see bind); serveAll binds addr when nil
}

// bind takes every listener's address at once, so a taken port is one clear error before anything
// starts or anything says it is running.
func bind(ls ...*listener) error {
	for i, l := range ls {
		ln, err := net.Listen("tcp", l.addr)
		if err != nil {
			for _, prev := range ls[:i] {
				prev.ln.Close()
			}
			return fmt.Errorf(
				"the %s cannot listen on %s (is another sharedesk already running?): %w",
				l.name,
				l.addr,
				err,
			)
		}
		l.ln = ln
	}
	return nil
}

// serveAll runs the servers until ctx ends or one fails, then lets requests in flight finish (30 s).
func serveAll(ctx context.Context, log *slog.Logger, ls ...listener) error {
	errc := make(chan error, len(ls))
	var servers []*http.Server
	for _, l := range ls {
		srv := &http.Server{
			Addr:              l.addr,
			Handler:           l.handler,
			ReadHeaderTimeout: 10 * time.Second,
			IdleTimeout:       2 * time.Minute,
			ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
		}
		ln := l.ln
		if ln == nil {
			var err error
			if ln, err = net.Listen("tcp", l.addr); err != nil {
				for _, s := range servers {
					s.Close()
				}
				return fmt.Errorf("%s: %w", l.name, err)
			}
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
