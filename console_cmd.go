package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/metrics"
	"github.com/sharedesk/sharedesk/proxyaddr"
)

func cmdConsole(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("console", stdout)
	var cf consoleFlags
	cf.register(fs)
	cf.registerStandalone(fs)
	dataDir := fs.String(
		"data-dir",
		"./sharedesk-data",
		"directory for the console's own SQLite tables (sessions, audit)",
	)
	apiURL := fs.String(
		"api-url",
		"",
		"base URL of the Share API: the share server, or https://share.aws.us.pangea.cloud",
	)
	tokenFile := fs.String("api-token-file", "", "file holding the service token (or set SHAREDESK_API_TOKEN)")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	metricsListen := fs.String(
		"metrics-listen",
		"",
		"address for Prometheus metrics at /metrics, e.g. 127.0.0.1:9090; its own listener, off when empty",
	)
	if err := parse(fs, args); err != nil {
		return err
	}
	proxies, err := proxyaddr.Parse(cf.trustedProxies)
	if err != nil {
		return err
	}
	if err := cf.requireOIDC(); err != nil {
		return err
	}
	if *apiURL == "" {
		return errors.New(
			"the console needs --api-url: the share server's address, or https://share.aws.us.pangea.cloud",
		)
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
	if err := check.run(ctx, true); err != nil {
		return fmt.Errorf("the console cannot use the share API: %w", err)
	}
	var m *metrics.Metrics
	if *metricsListen != "" {
		m = metrics.New()
	}
	console, closeConsole, err := buildConsole(
		ctx,
		&cf,
		consoleDeps{client: client, dataDir: *dataDir, metrics: m},
		log,
	)
	if err != nil {
		return err
	}
	defer closeConsole()
	probes := withProbes(console, &readiness{check: check, log: log, every: 5 * time.Second})
	return serveAll(ctx, log, append([]listener{{name: "console", addr: cf.listen, handler: proxies.Handler(probes)}},
		metricsListener(*metricsListen, m)...)...)
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
