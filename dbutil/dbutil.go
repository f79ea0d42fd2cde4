// Package dbutil opens SQLite and PostgreSQL the same way for every part that keeps tables (the share
// store and the console's own tables), applies embedded migrations, and hides the few SQL differences.
package dbutil

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// QueryTimeout is how long one PostgreSQL statement may take before it is cancelled. A frozen or
// locked database then answers "unavailable" within seconds instead of holding requests (and
// connections) for as long as the client waits.
const QueryTimeout = 5 * time.Second

// PostgreSQL pool: enough connections for two cores' worth of requests; idle connections are kept
// (the default of two idle made a busy server open hundreds of new connections a second) and
// recycled after a while so a failover or a server-side limit change is picked up.
const (
	pgMaxOpen     = 20
	pgMaxIdle     = 20
	pgMaxIdleTime = 5 * time.Minute
	pgMaxLifetime = 30 * time.Minute
)

// OpenSQLite opens (creating if needed) the SQLite database at path.
//
// WAL lets readers run beside the writer; synchronous=FULL because NORMAL can lose the last commits on
// power loss; _txlock=immediate takes the write lock at BEGIN so concurrent writers wait on the busy
// timeout instead of failing half way through. A 32 MiB page cache per connection and memory-mapped
// reads keep listings over a million rows off the read() path. The owner checkpoints in the background
// so checkpoints do not land on a request's latency; SQLite's own checkpoint at commit runs only when
// the WAL passes DefaultWALLimit (the background cannot get the write lock under sustained writes),
// and journal_size_limit truncates the WAL back to that size when it restarts, so it stays bounded.
func OpenSQLite(path string) (*sql.DB, error) { return OpenSQLiteWAL(path, DefaultWALLimit) }

// DefaultWALLimit bounds the SQLite write-ahead log, in bytes.
const DefaultWALLimit = 64 << 20

// OpenSQLiteWAL is OpenSQLite with another WAL bound.
func OpenSQLiteWAL(path string, walLimit int64) (*sql.DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	// SQLite creates the database with the process umask (often 0644) and gives its -wal and -shm
	// files the database file's mode: creating it 0600 first keeps all three private even in a
	// directory that is not.
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("create database file: %w", err)
	}
	f.Close()
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)" +
		"&_pragma=foreign_keys(1)&_pragma=cache_size(-32768)&_pragma=mmap_size(2147483648)" +
		fmt.Sprintf(
			"&_pragma=wal_autocheckpoint(%d)&_pragma=journal_size_limit(%d)&_txlock=immediate",
			max(walLimit/4096, 1),
			walLimit,
		)
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(8)
	return db, nil
}

// OpenPostgres connects to PostgreSQL and checks that it answers. Every statement gets QueryTimeout
// and connecting gets 5 seconds unless the URL says otherwise (connect_timeout).
func OpenPostgres(ctx context.Context, dsn string) (*sql.DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// pgx's message can quote the URL, password included.
		return nil, errors.New("--database-url is not a valid PostgreSQL URL")
	}
	if !strings.Contains(dsn, "connect_timeout") {
		cfg.ConnectTimeout = 5 * time.Second
	}
	cfg.Tracer = queryDeadline{timeout: QueryTimeout}
	db := stdlib.OpenDB(*cfg)
	db.SetMaxOpenConns(pgMaxOpen)
	db.SetMaxIdleConns(pgMaxIdle)
	db.SetConnMaxIdleTime(pgMaxIdleTime)
	db.SetConnMaxLifetime(pgMaxLifetime)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	return db, nil
}

// queryDeadline gives every statement pgx runs (queries, BEGIN and COMMIT included) its own deadline.
// It is a tracer because that is the one hook pgx offers that may replace a statement's context; the
// deadline ends when the statement's rows are closed.
type queryDeadline struct{ timeout time.Duration }

type cancelKey struct{}

func (q queryDeadline) TraceQueryStart(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryStartData) context.Context {
	ctx, cancel := context.WithTimeout(ctx, q.timeout)
	return context.WithValue(ctx, cancelKey{}, cancel)
}

func (q queryDeadline) TraceQueryEnd(ctx context.Context, _ *pgx.Conn, _ pgx.TraceQueryEndData) {
	if cancel, ok := ctx.Value(cancelKey{}).(context.CancelFunc); ok {
		cancel()
	}
}

// Migrate applies the migrations in fsys, recording them in table (one per owner of tables).
func Migrate(ctx context.Context, db *sql.DB, postgres bool, fsys fs.FS, table string) error {
	d := goose.DialectSQLite3
	opts := []goose.ProviderOption{goose.WithTableName(table)}
	if postgres {
		d = goose.DialectPostgres
		// Instances starting together take turns: the first applies the migrations, the others wait
		// for it (an advisory lock per schema and table) and then find nothing left to do.
		var id int64
		q := "SELECT hashtextextended(current_schema() || '/' || $1, 0)"
		if err := db.QueryRowContext(ctx, q, table).Scan(&id); err != nil {
			return fmt.Errorf("migrations: %w", err)
		}
		locker, err := lock.NewPostgresSessionLocker(lock.WithLockID(id), lock.WithLockTimeout(1, 600))
		if err != nil {
			return fmt.Errorf("migrations: %w", err)
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	p, err := goose.NewProvider(d, db, fsys, opts...)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

// Rebind rewrites ? placeholders to $n for PostgreSQL. Queries here never contain a literal '?'.
func Rebind(postgres bool, query string) string {
	if !postgres {
		return query
	}
	var b strings.Builder
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteString("$" + strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// IsUnique reports whether err is a unique-constraint violation in either database.
func IsUnique(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// WritePrivate creates path, which must not exist yet, with mode 0600 whatever the umask, writes r
// into it and syncs it: secret keys and restored databases are never readable by other users.
func WritePrivate(path string, r io.Reader) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
