// Command sharedesk is a self-hosted secure share-link service: a Pangea-compatible Share API, a
// recipient portal and an admin console. This file parses commands and flags and wires the parts.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/sharedesk/sharedesk/applog"
	"github.com/sharedesk/sharedesk/notify"
	"github.com/sharedesk/sharedesk/portal"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/blob"
	"github.com/sharedesk/sharedesk/share/httpapi"
	"github.com/sharedesk/sharedesk/share/store"
)

const usage = `sharedesk — secure share links with an admin console

Commands:
  sharedesk demo                    share server with sample data and a fresh API token, loopback only
  sharedesk share-server            the Share API (/v1/…) and recipient links
  sharedesk token create --name N   make an API token; the token alone is printed on the last line
  sharedesk token list              list API tokens (names and dates, never secrets)
  sharedesk token revoke ID|NAME    revoke a token at once

Every flag can also be set by an environment variable: --data-dir is SHAREDESK_DATA_DIR.
Run "sharedesk COMMAND -h" for a command's flags.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "sharedesk:", err)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	switch args[0] {
	case "share-server":
		return cmdShareServer(ctx, args[1:], stderr, false)
	case "demo":
		return cmdShareServer(ctx, args[1:], stderr, true)
	case "token":
		return cmdToken(ctx, args[1:], stdout, stderr)
	case "serve", "console":
		return fmt.Errorf("%q is not available yet in this version; use share-server", args[0])
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
}

// storageFlags are the flags every command that opens the database shares.
type storageFlags struct {
	dataDir, databaseURL, secretKeyFile string
}

func (f *storageFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.dataDir, "data-dir", "./sharedesk-data", "directory for the SQLite database, file bytes and the secret key")
	fs.StringVar(&f.databaseURL, "database-url", "", "postgres://… to use PostgreSQL instead of SQLite")
	fs.StringVar(&f.secretKeyFile, "secret-key-file", "", "file holding the master secret (default DATA_DIR/secret.key, created if missing); every instance sharing a database needs the same one")
}

func (f *storageFlags) open(ctx context.Context) (*store.DB, error) {
	if f.databaseURL != "" {
		return store.OpenPostgres(ctx, f.databaseURL)
	}
	return store.OpenSQLite(ctx, filepath.Join(f.dataDir, "sharedesk.db"))
}

// secret reads the master secret, creating a random one on first start.
func (f *storageFlags) secret() ([]byte, error) {
	path := f.secretKeyFile
	if path == "" {
		path = filepath.Join(f.dataDir, "secret.key")
	}
	raw, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && f.secretKeyFile == "" {
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		if err := os.WriteFile(path, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
			return nil, err
		}
		return key, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read secret key: %w", err)
	}
	raw = bytes.TrimSpace(raw)
	if key, err := hex.DecodeString(string(raw)); err == nil && len(key) >= 32 {
		return key, nil
	}
	if len(raw) < 32 {
		return nil, fmt.Errorf("secret key in %s is too short: use at least 32 random bytes (64 hex characters)", path)
	}
	return raw, nil
}

// parse parses args into fs, then fills every flag not given on the command line from SHAREDESK_<FLAG>.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	var errs []error
	fs.VisitAll(func(f *flag.Flag) {
		if given[f.Name] {
			return
		}
		env := "SHAREDESK_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(env); ok {
			if err := f.Value.Set(v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", env, err))
			}
		}
	})
	return errors.Join(errs...)
}

func cmdShareServer(ctx context.Context, args []string, stderr io.Writer, demo bool) error {
	name := "share-server"
	if demo {
		name = "demo"
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storageFlags
	sf.register(fs)
	listen := fs.String("listen", "127.0.0.1:8081", "address of the share server")
	publicURL := fs.String("public-url", "", "external base URL of the share server, used in link URLs (default http://LISTEN)")
	smtpURL := fs.String("smtp-url", "", "smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…; empty keeps messages in the outbox")
	maxUpload := fs.Int64("max-upload-size", 2<<30, "largest file accepted, in bytes")
	smsURL := fs.String("sms-webhook-url", "", "URL that receives SMS as signed JSON POSTs; empty keeps SMS in the outbox")
	smsSecretFile := fs.String("sms-webhook-secret-file", "", "file holding the HMAC secret that signs SMS webhook posts")
	maxJSON := fs.Int64("max-json-body", 1<<20, "largest JSON request body, in bytes")
	defAccess := fs.Int("default-max-access", 10, "max_access_count of a link that does not give one")
	maxAccess := fs.Int("max-access-limit", 1000, "highest max_access_count a link may ask for")
	defExpiry := fs.Duration("default-expiry", 7*24*time.Hour, "lifetime of a link that does not give expires_at")
	maxExpiry := fs.Duration("max-expiry", 90*24*time.Hour, "longest lifetime a link may ask for")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	if err := parse(fs, args); err != nil {
		return err
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fmt.Errorf("--log-level: %w", err)
	}
	log := applog.New(stderr, level)
	if demo {
		if err := requireLoopback(*listen); err != nil {
			return err
		}
		if sf.dataDir == "./sharedesk-data" && sf.databaseURL == "" {
			sf.dataDir = "./sharedesk-demo"
		}
	}
	if *publicURL == "" {
		*publicURL = "http://" + *listen
	}
	db, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	secret, err := sf.secret()
	if err != nil {
		return err
	}
	keys, err := share.NewKeys(secret)
	if err != nil {
		return err
	}
	blobs, err := blob.Open(filepath.Join(sf.dataDir, "blobs"))
	if err != nil {
		return err
	}
	var sender notify.Sender = notify.Outbox{Store: db}
	if *smtpURL != "" {
		if sender, err = notify.NewSMTP(*smtpURL); err != nil {
			return err
		}
	}
	var sms notify.Sender = notify.Outbox{Store: db}
	if *smsURL != "" {
		secret, err := os.ReadFile(*smsSecretFile)
		if err != nil || len(bytes.TrimSpace(secret)) < 16 {
			return fmt.Errorf("--sms-webhook-url needs --sms-webhook-secret-file with a secret of at least 16 bytes: %v", err)
		}
		sms = notify.Webhook{URL: *smsURL, Secret: bytes.TrimSpace(secret)}
	}
	svc := share.New(db, blobs, keys, share.Config{PublicURL: *publicURL, DefaultMaxAccess: *defAccess, MaxAccessLimit: *maxAccess,
		DefaultExpiry: *defExpiry, MaxExpiry: *maxExpiry, MaxUploadSize: *maxUpload, Sender: sender, SMS: sms, Logger: log})
	if err := svc.Start(ctx); err != nil {
		return err
	}
	api := httpapi.New(svc, log, httpapi.Options{MaxJSONBody: *maxJSON, PublicURL: *publicURL})
	mux := http.NewServeMux()
	api.Register(mux)
	portal.New(svc, log, portal.Options{PublicURL: *publicURL, MaxUploadSize: *maxUpload}).Register(mux)
	go purgeLoop(ctx, log, db)
	if demo {
		token, err := seedDemo(ctx, svc)
		if err != nil {
			return fmt.Errorf("demo data: %w", err)
		}
		fmt.Fprintf(stderr, "\nsharedesk demo is running.\n  Share API:  %s/v1/…\n  API token:  %s\n  Try:        curl -s -X POST -H 'Authorization: Bearer %s' %s/v1/share/link/list\n\n",
			*publicURL, token, token, *publicURL)
	}
	return serve(ctx, log, *listen, api.Middleware(mux))
}

func requireLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("--listen %q: %w", addr, err)
	}
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("demo only listens on loopback addresses (127.0.0.1, ::1), not %q", host)
	}
	return nil
}

// serve runs the HTTP server until ctx ends, then lets in-flight requests finish (up to 30 s).
func serve(ctx context.Context, log *slog.Logger, addr string, h http.Handler) error {
	srv := &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	log.Info("listening", "addr", ln.Addr().String())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down; waiting for requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	log.Info("stopped")
	return nil
}

func cmdToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("token needs a subcommand: create, list or revoke")
	}
	fs := flag.NewFlagSet("token "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storageFlags
	sf.register(fs)
	name := fs.String("name", "", "name of the new token (create)")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	db, err := sf.open(ctx)
	if err != nil {
		return err
	}
	defer db.Close()
	secret, err := sf.secret()
	if err != nil {
		return err
	}
	keys, err := share.NewKeys(secret)
	if err != nil {
		return err
	}
	svc := share.New(db, nil, keys, share.Config{})
	switch args[0] {
	case "create":
		token, t, err := svc.CreateToken(ctx, *name)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Created token %s (%s). It is shown once; store it now.\n%s\n", t.ID, t.Name, token)
	case "list":
		ts, err := svc.Tokens(ctx)
		if err != nil {
			return err
		}
		if len(ts) == 0 {
			fmt.Fprintln(stdout, "No tokens yet. Create one with: sharedesk token create --name NAME")
			return nil
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tCREATED\tSTATE")
		for _, t := range ts {
			state := "active"
			if !t.RevokedAt.IsZero() {
				state = "revoked " + t.RevokedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", t.ID, t.Name, t.CreatedAt.Format(time.RFC3339), state)
		}
		return tw.Flush()
	case "revoke":
		if fs.NArg() != 1 {
			return errors.New("usage: sharedesk token revoke ID|NAME")
		}
		if err := svc.RevokeToken(ctx, fs.Arg(0)); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Revoked %s; it stops working on its next request.\n", fs.Arg(0))
	default:
		return fmt.Errorf("unknown token subcommand %q (create, list, revoke)", args[0])
	}
	return nil
}

// purgeLoop removes expired portal sessions, codes and old failure records every few minutes.
func purgeLoop(ctx context.Context, log *slog.Logger, db *store.DB) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if err := db.PurgeExpired(ctx, now.UnixMicro(), now.Add(-24*time.Hour).UnixMicro()); err != nil && ctx.Err() == nil {
				log.Warn("purge expired sessions", "err", err)
			}
		}
	}
}
