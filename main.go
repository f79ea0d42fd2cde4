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
	"runtime/debug"
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
	"github.com/sharedesk/sharedesk/static"
)

const usage = `sharedesk — secure share links with an admin console

Commands:
  sharedesk demo                    console + share server + development sign-in, sample data, loopback only
  sharedesk serve                   console + share server in one process (real OIDC settings required)
  sharedesk console                 console only, pointed at a share API (--api-url, --api-token-file)
  sharedesk share-server            the Share API (/v1/…) and the recipient portal
  sharedesk token create --name N   make an API token; the token alone is printed on the last line
  sharedesk token list              list API tokens (names and dates, never secrets)
  sharedesk token revoke ID|NAME    revoke a token at once
  sharedesk version                 the module version and VCS revision of this binary (also --version)

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
		return cmdShareServer(ctx, args[1:], stderr)
	case "demo":
		return cmdDemo(ctx, args[1:], stderr)
	case "serve":
		return cmdServe(ctx, args[1:], stderr)
	case "console":
		return cmdConsole(ctx, args[1:], stderr)
	case "token":
		return cmdToken(ctx, args[1:], stdout, stderr)
	case "version", "-version", "--version":
		fmt.Fprintln(stdout, buildVersion())
		return nil
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
	return fromEnv(fs)
}

// parseInterleaved is parse for commands with arguments, which may come before, between or after the
// flags (`token revoke NAME --data-dir D`); it returns the arguments.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			break
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
	return positional, fromEnv(fs)
}

func fromEnv(fs *flag.FlagSet) error {
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

// shareFlags are the share server's settings.
type shareFlags struct {
	storageFlags
	listen, publicURL, smtpURL, smsURL, smsSecretFile string
	mailFrom                                          string
	maxUpload, maxJSON                                int64
	defAccess, maxAccess                              int
	defExpiry, maxExpiry                              time.Duration
}

func (f *shareFlags) register(fs *flag.FlagSet, listenFlag string) {
	f.storageFlags.register(fs)
	fs.StringVar(&f.listen, listenFlag, "127.0.0.1:8081", "address of the share server (API and recipient portal)")
	fs.StringVar(&f.publicURL, "public-url", "", "external base URL of the share server, used in link URLs (default http://LISTEN)")
	fs.StringVar(&f.smtpURL, "smtp-url", "", "smtp://user:pass@host:587 (STARTTLS when offered) or smtps://…; empty keeps messages in the outbox")
	fs.StringVar(&f.mailFrom, "mail-from", "", `sender of emails, with an optional display name: "Acme Files <share@example.com>" (default: the smtp url's from, or noreply@HOST)`)
	fs.StringVar(&f.smsURL, "sms-webhook-url", "", "URL that receives SMS as signed JSON POSTs; empty keeps SMS in the outbox")
	fs.StringVar(&f.smsSecretFile, "sms-webhook-secret-file", "", "file holding the HMAC secret that signs SMS webhook posts")
	fs.Int64Var(&f.maxUpload, "max-upload-size", 2<<30, "largest file accepted, in bytes")
	fs.Int64Var(&f.maxJSON, "max-json-body", 1<<20, "largest JSON request body, in bytes")
	fs.IntVar(&f.defAccess, "default-max-access", 10, "max_access_count of a link that does not give one")
	fs.IntVar(&f.maxAccess, "max-access-limit", 1000, "highest max_access_count a link may ask for")
	fs.DurationVar(&f.defExpiry, "default-expiry", 7*24*time.Hour, "lifetime of a link that does not give expires_at")
	fs.DurationVar(&f.maxExpiry, "max-expiry", 90*24*time.Hour, "longest lifetime a link may ask for")
}

// shareServer is a built share server: the API and the portal on one handler.
type shareServer struct {
	handler http.Handler
	svc     *share.Service
	db      *store.DB
	url     string
}

func buildShare(ctx context.Context, f *shareFlags, log *slog.Logger) (*shareServer, error) {
	if f.publicURL == "" {
		f.publicURL = "http://" + f.listen
	}
	if err := static.Check(static.FS); err != nil {
		return nil, err
	}
	db, err := f.open(ctx)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*shareServer, error) { db.Close(); return nil, err }
	secret, err := f.secret()
	if err != nil {
		return fail(err)
	}
	keys, err := share.NewKeys(secret)
	if err != nil {
		return fail(err)
	}
	blobs, err := blob.Open(filepath.Join(f.dataDir, "blobs"))
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
		DefaultExpiry: f.defExpiry, MaxExpiry: f.maxExpiry, MaxUploadSize: f.maxUpload, Sender: sender, SMS: sms, Logger: log})
	if err := svc.Start(ctx); err != nil {
		return fail(err)
	}
	apiServer := httpapi.New(svc, log, httpapi.Options{MaxJSONBody: f.maxJSON, PublicURL: f.publicURL})
	mux := http.NewServeMux()
	apiServer.Register(mux)
	portal.New(svc, log, portal.Options{PublicURL: f.publicURL, MaxUploadSize: f.maxUpload}).Register(mux)
	go purgeLoop(ctx, log, db)
	return &shareServer{handler: apiServer.Middleware(mux), svc: svc, db: db, url: "http://" + f.listen}, nil
}

func newLogger(stderr io.Writer, levelName string) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(levelName)); err != nil {
		return nil, fmt.Errorf("--log-level: %w", err)
	}
	return applog.New(stderr, level), nil
}

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
	return serveAll(ctx, log, listener{"share server", sf.listen, srv.handler})
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

func cmdToken(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errors.New("token needs a subcommand: create, list or revoke")
	}
	fs := flag.NewFlagSet("token "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	var sf storageFlags
	sf.register(fs)
	name := fs.String("name", "", "name of the new token (create)")
	positional, err := parseInterleaved(fs, args[1:])
	if err != nil {
		return err
	}
	switch {
	case args[0] == "revoke" && len(positional) != 1:
		return errors.New("usage: sharedesk token revoke ID|NAME [--data-dir D] (one token at a time)")
	case args[0] != "revoke" && len(positional) > 0:
		return fmt.Errorf("token %s takes no arguments, only flags (got %q)", args[0], strings.Join(positional, " "))
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
		fmt.Fprintln(tw, "ID\tNAME\tFINGERPRINT\tCREATED\tSTATE")
		for _, t := range ts {
			state := "active"
			if !t.RevokedAt.IsZero() {
				state = "revoked " + t.RevokedAt.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Fingerprint(), t.CreatedAt.Format(time.RFC3339), state)
		}
		return tw.Flush()
	case "revoke":
		if err := svc.RevokeToken(ctx, positional[0]); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "Revoked %s; it stops working on its next request.\n", positional[0])
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

// buildVersion says what is running, from the build information the Go tool records: the module
// version (set by `go install …@version`, or derived from the VCS by `go build`), the revision and
// whether the tree had uncommitted changes.
func buildVersion() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "sharedesk (no build information)"
	}
	return formatVersion(bi)
}

func formatVersion(bi *debug.BuildInfo) string {
	version := bi.Main.Version
	if version == "" {
		version = "(devel)"
	}
	var rev, at string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	out := "sharedesk " + version
	switch {
	case rev != "":
		out += " revision " + rev
		if at != "" {
			out += " (" + at + ")"
		}
		if modified {
			out += " with uncommitted changes"
		}
	case version == "(devel)":
		out += " revision unknown (built without VCS information)"
	}
	return out + ", " + bi.GoVersion
}
