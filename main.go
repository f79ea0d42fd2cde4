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

	"github.com/peterbourgon/ff/v3"
	"github.com/peterbourgon/ff/v3/fftoml"
	"github.com/sharedesk/sharedesk/applog"
	"github.com/sharedesk/sharedesk/dbutil"
	"github.com/sharedesk/sharedesk/httplimit"
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
  sharedesk backup --out FILE       consistent copy of a SQLite data directory, while the server runs
  sharedesk restore FILE            unpack a backup into an empty --data-dir and check every file
  sharedesk healthcheck URL         exit 0 when URL (a /healthz or /readyz) answers 2xx, else 1
  sharedesk gc                      one sweeper pass: old temp files, orphaned blobs, expired files and links
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
	case "backup":
		return cmdBackup(ctx, args[1:], stdout, stderr)
	case "restore":
		return cmdRestore(ctx, args[1:], stdout, stderr)
	case "healthcheck":
		return cmdHealthcheck(ctx, args[1:], stdout, stderr)
	case "gc":
		return cmdGC(ctx, args[1:], stdout, stderr)
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
	dataDir, databaseURL, secretKeyFile, previousKeyFiles string
	databaseWait                                          time.Duration
}

func (f *storageFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.dataDir, "data-dir", "./sharedesk-data", "directory for the SQLite database, file bytes and the secret key")
	fs.StringVar(&f.databaseURL, "database-url", "", "postgres://… to use PostgreSQL instead of SQLite")
	fs.StringVar(&f.secretKeyFile, "secret-key-file", "", "file holding the master secret (default DATA_DIR/secret.key, created on the first start); every instance sharing a database needs the same one")
	fs.StringVar(&f.previousKeyFiles, "previous-secret-key-file", "", "comma-separated files holding secret keys being rotated out: links sealed with them keep working and are re-sealed under the current key at start")
	fs.DurationVar(&f.databaseWait, "database-wait", 2*time.Minute, "how long to keep retrying an unreachable PostgreSQL at start before giving up")
}

func (f *storageFlags) open(ctx context.Context, log *slog.Logger) (*store.DB, error) {
	if f.databaseURL == "" {
		return store.OpenSQLite(ctx, filepath.Join(f.dataDir, "sharedesk.db"))
	}
	var db *store.DB
	err := dbutil.Retry(ctx, log, "PostgreSQL", f.databaseWait, func(ctx context.Context) error {
		var err error
		db, err = store.OpenPostgres(ctx, f.databaseURL)
		return err
	})
	return db, err
}

// keys reads the master secret (and any previous ones), creating a random one on the first start of
// an empty database, and checks it against the fingerprint the database recorded.
func (f *storageFlags) keys(ctx context.Context, db *store.DB, log *slog.Logger) (*share.Keys, error) {
	secret, err := f.secret(ctx, db)
	if err != nil {
		return nil, err
	}
	var previous [][]byte
	for _, p := range strings.Split(f.previousKeyFiles, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		key, err := readSecret(p)
		if err != nil {
			return nil, fmt.Errorf("--previous-secret-key-file: %w", err)
		}
		previous = append(previous, key)
	}
	keys, err := share.NewKeys(secret, previous...)
	if err != nil {
		return nil, err
	}
	if err := share.CheckKey(ctx, db, keys, func(msg string, args ...any) { log.Info(msg, args...) }); err != nil {
		return nil, err
	}
	return keys, nil
}

// secret reads the master secret. A missing default key file is created only for a database that
// has never held links: otherwise a lost key would be silently replaced and every link broken.
func (f *storageFlags) secret(ctx context.Context, db *store.DB) ([]byte, error) {
	path := f.secretKeyFile
	if path == "" {
		path = filepath.Join(f.dataDir, "secret.key")
	}
	_, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) && f.secretKeyFile == "" {
		_, fpErr := db.Setting(ctx, share.SettingKeyFingerprint)
		_, _, linkErr := db.SampleSealedToken(ctx)
		if !errors.Is(fpErr, share.ErrNotFound) || !errors.Is(linkErr, share.ErrNotFound) {
			return nil, fmt.Errorf("%w: the secret key file %s is missing, but this database was already used with a key. "+
				"Restore that file from a backup (a new key would break every existing link)", share.ErrKeyMismatch, path)
		}
		key := make([]byte, 32)
		_, _ = rand.Read(key)
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, err
		}
		if err := writePrivateFile(path, []byte(hex.EncodeToString(key)+"\n")); err != nil {
			return nil, err
		}
		return key, nil
	}
	return readSecret(path)
}

// writePrivateFile creates path with mode 0600 whatever the umask, failing if it exists.
func writePrivateFile(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func readSecret(path string) ([]byte, error) {
	raw, err := os.ReadFile(path)
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

// parse parses args into fs with the precedence flags > environment (SHAREDESK_<FLAG>) > config file
// (--config FILE, TOML; keys are flag names). One file can serve every command: keys a command does not
// define are ignored. Secrets are read from files or the environment only, so the config file may not
// hold them.
func parse(fs *flag.FlagSet, args []string) error {
	if fs.Lookup("config") == nil {
		fs.String("config", "", "TOML file of settings (keys are flag names; flags and SHAREDESK_* variables win)")
	}
	err := ff.Parse(fs, args,
		ff.WithEnvVarPrefix("SHAREDESK"),
		ff.WithConfigFileFlag("config"),
		ff.WithConfigFileParser(configParser),
		ff.WithIgnoreUndefined(true),
	)
	if errors.Is(err, flag.ErrHelp) {
		return flag.ErrHelp
	}
	return err
}

// parseInterleaved is parse for commands with arguments, which may come before, between or after the
// flags (`token revoke NAME --data-dir D`); it returns the arguments.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := parse(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// configParser reads TOML settings, refusing secret values: they belong in a file named by a *-file flag
// or in the environment, where they are not copied around with the rest of the configuration.
func configParser(r io.Reader, set func(name, value string) error) error {
	return fftoml.Parser(r, func(name, value string) error {
		if isSecretFlag(name) {
			return fmt.Errorf("the config file may not hold %q: put the secret in a file (--%s-file) or in SHAREDESK_%s",
				name, name, strings.ToUpper(strings.ReplaceAll(name, "-", "_")))
		}
		return set(name, value)
	})
}

func isSecretFlag(name string) bool {
	return (strings.Contains(name, "secret") || strings.Contains(name, "token") || strings.Contains(name, "password")) &&
		!strings.HasSuffix(name, "-file")
}

// shareFlags are the share server's settings.
type shareFlags struct {
	storageFlags
	listen, publicURL, smtpURL, smsURL, smsSecretFile string
	mailFrom                                          string
	maxUpload, maxJSON                                int64
	defAccess, maxAccess                              int
	defExpiry, maxExpiry, linkRetention               time.Duration
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
	fs.DurationVar(&f.linkRetention, "expired-link-retention", 30*24*time.Hour, "how long expired links are kept before the sweeper deletes them")
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
	db, err := f.open(ctx, log)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*shareServer, error) { db.Close(); return nil, err }
	keys, err := f.keys(ctx, db, log)
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
	go purgeLoop(ctx, log, db, svc, share.SweepOptions{LinkRetention: f.linkRetention})
	// Deadlines per request and a per-client cap, so slow or stalled bodies cannot tie up the server.
	limits := httplimit.New(httplimit.ShareServer())
	return &shareServer{handler: limits.Handler(apiServer.Middleware(mux)), svc: svc, db: db, url: "http://" + f.listen}, nil
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
	log := applog.New(stderr, slog.LevelWarn)
	db, err := sf.open(ctx, log)
	if err != nil {
		return err
	}
	defer db.Close()
	keys, err := sf.keys(ctx, db, log)
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

// purgeLoop removes expired portal sessions, codes and old failure records every few minutes, and
// runs the sweeper (temp files, orphaned blobs, expired files and links) a minute after start and
// then hourly.
func purgeLoop(ctx context.Context, log *slog.Logger, db *store.DB, svc *share.Service, opt share.SweepOptions) {
	t := time.NewTicker(5 * time.Minute)
	defer t.Stop()
	sweep := time.NewTimer(time.Minute)
	defer sweep.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			if err := db.PurgeExpired(ctx, now.UnixMicro(), now.Add(-24*time.Hour).UnixMicro()); err != nil && ctx.Err() == nil {
				log.Warn("purge expired sessions", "err", err)
			}
		case <-sweep.C:
			runSweep(ctx, log, svc, opt)
			sweep.Reset(time.Hour)
		}
	}
}

// runSweep runs one sweeper pass and logs what it removed.
func runSweep(ctx context.Context, log *slog.Logger, svc *share.Service, opt share.SweepOptions) share.SweepReport {
	rep, err := svc.Sweep(ctx, opt)
	log.Info("sweep", "temp_files", rep.TempFiles, "orphan_blobs", rep.OrphanBlobs, "expired_files", rep.ExpiredFiles,
		"expired_links", rep.ExpiredLinks, "upload_urls", rep.UploadURLs, "freed_bytes", rep.FreedBytes)
	if err != nil && ctx.Err() == nil {
		log.Warn("sweep incomplete", "err", err)
	}
	return rep
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
