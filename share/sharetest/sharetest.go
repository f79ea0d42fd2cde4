// Package sharetest starts real parts for tests: a SQLite or PostgreSQL store (each test in its own
// file or schema), the share service, its HTTP API on a loopback port, and an SMTP server that keeps
// what it receives so a test can read the mail the way a recipient would.
package sharetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/applog"
	"github.com/sharedesk/sharedesk/httplimit"
	"github.com/sharedesk/sharedesk/notify"
	"github.com/sharedesk/sharedesk/portal"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/blob"
	"github.com/sharedesk/sharedesk/share/httpapi"
	"github.com/sharedesk/sharedesk/share/store"
	"github.com/sharedesk/sharedesk/views/email"
)

// Kinds are the databases every store test runs against.
var Kinds = []string{"sqlite", "postgres"}

// ForEachKind runs test once on each kind of database, as subtests side by side: each has its own
// files or schema, so they do not meet.
func ForEachKind(t *testing.T, test func(t *testing.T, kind string)) {
	t.Helper()
	for _, kind := range Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			test(t, kind)
		})
	}
}

// PostgresURL is the server the tests use; SHAREDESK_TEST_DATABASE_URL overrides it.
func PostgresURL() string {
	if u := os.Getenv("SHAREDESK_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// OpenStore opens an empty store of the given kind, removed when the test ends.
func OpenStore(t testing.TB, kind string) *store.DB {
	t.Helper()
	switch kind {
	case "sqlite":
		return openSQLite(t, t.TempDir())
	case "postgres":
		RequirePostgres(t)
		dsn := PostgresSchemaURL(t)
		db, err := store.OpenPostgres(context.Background(), dsn)
		if err != nil {
			t.Fatalf("open postgres: %v", err)
		}
		// Registered after the schema's drop, so it runs before it.
		t.Cleanup(func() { db.Close() })
		return db
	}
	t.Fatalf("unknown store kind %q", kind)
	return nil
}

// openSQLite opens the SQLite store in dir, closed when the test ends.
func openSQLite(t testing.TB, dir string) *store.DB {
	t.Helper()
	db, err := store.OpenSQLite(context.Background(), filepath.Join(dir, "sharedesk.db"))
	if err != nil {
		t.Fatalf("open sqlite: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// PostgresSchemaURL makes an empty schema, dropped when the test ends, and returns a database URL
// whose search_path is that schema (for stores other than the share store, e.g. the console's).
func PostgresSchemaURL(t testing.TB) string {
	t.Helper()
	ctx := context.Background()
	schema := "t_" + randomHex(8)
	admin, err := pgx.Connect(ctx, PostgresURL())
	if err != nil {
		t.Fatalf("connect to PostgreSQL at %s: %v", PostgresURL(), err)
	}
	defer admin.Close(ctx)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), PostgresURL())
		if err == nil {
			_, _ = c.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			c.Close(context.Background())
		}
	})
	return PostgresURL() + "&search_path=" + schema
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Clock is a settable time source.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// Advance moves the clock forward.
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// Env is a running share server with everything a test needs.
type Env struct {
	Kind   string
	Store  *store.DB
	Svc    *share.Service
	Server *httptest.Server
	URL    string
	Token  string
	Client *api.Client
	Mail   *Inbox
	Clock  *Clock
	Logs   *SyncBuffer
	SMS    *SMSInbox
	Blobs  *blob.Disk // the local disk store; nil when the env runs on S3
	// S3 is the object store server when the env runs on S3 (Options.S3 or SHAREDESK_TEST_BLOBS=s3).
	S3        *S3Server
	BlobStore blob.Store
	Keys      *share.Keys
	// HTTP is a plain client for requests Client cannot make (raw bodies, dest_url downloads). It
	// and Client check every exchange against the OpenAPI document and fail the test on a mismatch.
	HTTP   *http.Client
	APIDoc *APIDoc
}

// Options change an Env.
type Options struct {
	Config  func(*share.Config)
	NoSMTP  bool // keep messages in the outbox instead
	MaxJSON int64
	// DataDir holds the blobs (and, for SQLite, the database) instead of a fresh temp directory, for
	// tests that need a particular file system.
	DataDir string
	// Limits, when set, puts the share server's deadlines and per-client cap in front (as main does).
	Limits *httplimit.Config
	// S3 keeps the file bytes in this S3 server's bucket instead of local disk (also the default in
	// S3Mode). Several envs given the same server and database share their files, like instances.
	S3 *S3Server
	// Store, when set, is the database to use (another env's, for a second instance).
	Store *store.DB
	// Keys, when set, are the secret keys (instances of one deployment share them).
	Keys *share.Keys
	// Disk forces local disk even in S3Mode (for tests of the disk store itself; so does DataDir).
	Disk bool
}

// Start starts a share server on a loopback port over a fresh store of the given kind.
func Start(t testing.TB, kind string, opt Options) *Env {
	t.Helper()
	ctx := context.Background()
	e := &Env{Kind: kind, Clock: &Clock{now: time.Now().UTC()}, Logs: &SyncBuffer{}}
	// A test that names its data directory tests the local disk store (a small file system, say).
	if S3Mode() && !opt.Disk && opt.S3 == nil && opt.DataDir == "" {
		if kind != "postgres" {
			t.Skipf("%s=s3 runs the PostgreSQL variant only", BlobsEnv)
		}
		opt.S3 = StartS3(t)
	}
	dataDir := e.openStore(t, opt)
	log := applog.New(e.Logs, slog.LevelDebug)
	e.Keys = opt.Keys
	if e.Keys == nil {
		var err error
		if e.Keys, err = share.NewKeys([]byte(randomHex(32))); err != nil {
			t.Fatal(err)
		}
	}
	e.openBlobs(t, opt.S3, dataDir)
	e.Server = httptest.NewUnstartedServer(nil)
	e.URL = "http://" + e.Server.Listener.Addr().String()
	cfg := e.serviceConfig(t, opt, log)
	e.Svc = share.New(e.Store, e.BlobStore, e.Keys, cfg)
	if err := e.Svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	e.Server.Config.Handler = e.handler(opt, log, cfg.MaxUploadSize)
	e.Server.Start()
	t.Cleanup(e.Server.Close)
	e.connectClients(t, opt.Store != nil)
	return e
}

// openStore sets the env's store (opt.Store, or a fresh one of its kind) and returns the directory
// that holds its blobs.
func (e *Env) openStore(t testing.TB, opt Options) (dataDir string) {
	t.Helper()
	dataDir = opt.DataDir
	switch {
	case opt.Store != nil:
		e.Store = opt.Store
		if dataDir == "" {
			dataDir = t.TempDir()
		}
	case dataDir == "":
		dataDir = t.TempDir()
		e.Store = OpenStore(t, e.Kind)
	case e.Kind == "sqlite":
		e.Store = openSQLite(t, dataDir)
	default:
		e.Store = OpenStore(t, e.Kind)
	}
	return dataDir
}

// openBlobs keeps the file bytes in s3's bucket when there is one, on local disk in dataDir otherwise.
func (e *Env) openBlobs(t testing.TB, s3 *S3Server, dataDir string) {
	if s3 != nil {
		e.S3 = s3
		e.BlobStore = s3.Open(t, "")
		return
	}
	blobs, err := blob.Open(filepath.Join(dataDir, "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	e.Blobs, e.BlobStore = blobs, blobs
}

// serviceConfig is the share service's configuration for the env: small limits, the env's clock, and
// messages to the env's SMTP server and SMS receiver (or the outbox with opt.NoSMTP).
func (e *Env) serviceConfig(t testing.TB, opt Options, log *slog.Logger) share.Config {
	cfg := share.Config{PublicURL: e.URL, DefaultMaxAccess: 10, MaxAccessLimit: 1000, DefaultExpiry: 7 * 24 * time.Hour,
		MaxExpiry: 90 * 24 * time.Hour, MaxUploadSize: 64 << 20, Logger: log, Now: e.Clock.Now,
		Sender: notify.Outbox{Store: e.Store}, SMS: notify.Outbox{Store: e.Store}, Composer: email.Composer{},
		// Under the race detector one argon2 check can take seconds: bursts settle slowly.
		AttemptWait: 30 * time.Second}
	if !opt.NoSMTP {
		e.Mail = StartSMTP(t)
		sender, err := notify.NewSMTP("smtp://" + e.Mail.Addr + "?from=share@example.com")
		if err != nil {
			t.Fatal(err)
		}
		cfg.Sender = sender
		e.SMS = StartSMSReceiver(t, e.Clock.Now)
		cfg.SMS = notify.Webhook{URL: e.SMS.URL, Secret: e.SMS.Secret, Now: e.Clock.Now}
	}
	if e.S3 != nil && s3Direct() {
		cfg.Downloads, cfg.Uploads = share.TransferDirect, share.TransferDirect
	}
	if opt.Config != nil {
		opt.Config(&cfg)
	}
	return cfg
}

// handler serves the API and the portal as main does, behind opt.Limits when they are set.
func (e *Env) handler(opt Options, log *slog.Logger, maxUpload int64) http.Handler {
	srv := httpapi.New(e.Svc, log, httpapi.Options{PublicURL: e.URL, MaxJSONBody: opt.MaxJSON})
	mux := http.NewServeMux()
	srv.Register(mux)
	portal.New(e.Svc, log, portal.Options{PublicURL: e.URL, MaxUploadSize: maxUpload}).Register(mux)
	if opt.Limits == nil {
		return srv.Middleware(mux)
	}
	lc := *opt.Limits
	if lc.Verify == nil {
		lc.Verify = httplimit.VerifyShare(func(ctx context.Context, secret string) error {
			_, err := e.Svc.Authenticate(ctx, secret)
			return err
		}, func(ctx context.Context, secret string) error {
			_, err := e.Svc.Session(ctx, secret)
			return err
		})
	}
	lim := httplimit.New(lc)
	lim.Configure(e.Server.Config)
	return lim.Handler(srv.Middleware(mux))
}

// connectClients makes the env's admin token and the clients that use it, both checking every
// exchange against the OpenAPI document. A second instance of a running deployment (shared) needs a
// token name of its own: names are unique.
func (e *Env) connectClients(t testing.TB, shared bool) {
	tokenName := "test"
	if shared {
		tokenName += " " + randomHex(4)
	}
	// An admin token, as the console's service token is: the console's token pages need one.
	var err error
	e.Token, _, err = e.Svc.CreateAdminToken(context.Background(), tokenName)
	if err != nil {
		t.Fatal(err)
	}
	e.APIDoc, err = LoadAPIDoc(httpapi.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	e.HTTP = &http.Client{Transport: e.APIDoc.Transport(t, nil), Timeout: 5 * time.Minute}
	e.Client = api.NewClient(e.URL, e.Token)
	e.Client.HTTP = e.HTTP
}

// SyncBuffer is a goroutine-safe log sink.
type SyncBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

// String returns everything written so far.
func (b *SyncBuffer) String() string { b.mu.Lock(); defer b.mu.Unlock(); return string(b.buf) }

var _ io.Writer = (*SyncBuffer)(nil)

// Must returns v, failing the test on err: Must(client.Call(ctx, req))(t).
func Must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return v
	}
}

// Sprint is fmt.Sprint, here so helpers need not import fmt.
func Sprint(a ...any) string { return fmt.Sprint(a...) }
