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

// consoleCommandFlags are the console command's settings: the console's own, and the share API it uses.
type consoleCommandFlags struct {
	console                                             consoleFlags
	dataDir, apiURL, tokenFile, logLevel, metricsListen string
}

// cmdConsole runs the console alone, in front of a share server or Pangea's hosted Share API.
func cmdConsole(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f, err := parseConsoleFlags(args, stdout)
	if err != nil {
		return err
	}
	proxies, err := proxyaddr.Parse(f.console.trustedProxies)
	if err != nil {
		return err
	}
	if err := f.check(); err != nil {
		return err
	}
	log, err := newLogger(stderr, f.logLevel)
	if err != nil {
		return err
	}
	client := api.NewClient(f.apiURL, "")
	tokenSetting, err := useServiceToken(ctx, client, f.tokenFile, log)
	if err != nil {
		return err
	}
	check := apiCheck{client: client, urlSetting: "--api-url", tokenSetting: tokenSetting}
	if err := check.run(ctx, true); err != nil {
		return fmt.Errorf("the console cannot use the share API: %w", err)
	}
	var m *metrics.Metrics
	if f.metricsListen != "" {
		m = metrics.New()
	}
	console, closeConsole, err := buildConsole(
		ctx,
		&f.console,
		consoleDeps{client: client, dataDir: f.dataDir, metrics: m},
		log,
	)
	if err != nil {
		return err
	}
	defer closeConsole()
	probes := withProbes(console, &readiness{check: check, log: log, every: 5 * time.Second})
	return serveAll(ctx, log, append([]listener{{name: "console", addr: f.console.listen,
		handler: proxies.Handler(probes)}}, metricsListener(f.metricsListen, m)...)...)
}

func parseConsoleFlags(args []string, stdout io.Writer) (*consoleCommandFlags, error) {
	fs := newFlagSet("console", stdout)
	var f consoleCommandFlags
	f.console.register(fs)
	f.console.registerStandalone(fs)
	fs.StringVar(
		&f.dataDir,
		"data-dir",
		"./sharedesk-data",
		"directory for the console's own SQLite tables (sessions, audit)",
	)
	fs.StringVar(
		&f.apiURL,
		"api-url",
		"",
		"base URL of the Share API: the share server, or https://share.aws.us.pangea.cloud",
	)
	fs.StringVar(&f.tokenFile, "api-token-file", "", "file holding the service token (or set SHAREDESK_API_TOKEN)")
	fs.StringVar(&f.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.StringVar(
		&f.metricsListen,
		"metrics-listen",
		"",
		"address for Prometheus metrics at /metrics, e.g. 127.0.0.1:9090; its own listener, off when empty",
	)
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	return &f, nil
}

// check refuses to start without the provider's settings or a usable --api-url.
func (f *consoleCommandFlags) check() error {
	if err := f.console.requireOIDC(); err != nil {
		return err
	}
	if f.apiURL == "" {
		return errors.New(
			"the console needs --api-url: the share server's address, or https://share.aws.us.pangea.cloud",
		)
	}
	return validateAPIURL(f.apiURL)
}

// useServiceToken gives client the service token from tokenFile (re-read on SIGHUP) or from
// SHAREDESK_API_TOKEN, and returns which of the two settings it came from, for error messages.
func useServiceToken(ctx context.Context, client *api.Client, tokenFile string, log *slog.Logger) (string, error) {
	if tokenFile == "" {
		client.Token = strings.TrimSpace(os.Getenv("SHAREDESK_API_TOKEN"))
		if client.Token == "" {
			return "", errors.New("the console needs a service token: --api-token-file FILE (or SHAREDESK_API_TOKEN)")
		}
		log.Info("service token in use", "token", api.Fingerprint(client.Token), "from", "SHAREDESK_API_TOKEN")
		return "SHAREDESK_API_TOKEN", nil
	}
	tf, err := api.OpenTokenFile(tokenFile, func(fingerprint string) {
		log.Info("service token in use", "token", fingerprint, "file", tokenFile)
	})
	if err != nil {
		return "", fmt.Errorf("--api-token-file: %w", err)
	}
	client.TokenFile = tf
	reloadOnHangup(ctx, tf, log)
	return "--api-token-file", nil
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
