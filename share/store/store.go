// Package store keeps the share service's data in SQLite (the default) or PostgreSQL. Both speak the
// same SQL through database/sql; the few differences (placeholders, case-insensitive LIKE, busy
// handling) live in the dialect.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

//go:embed migrations
var migrations embed.FS

type dialect struct {
	name     string
	postgres bool
}

// DB is the SQL store. It implements share.Store.
type DB struct {
	db        *sql.DB
	d         dialect
	stop      chan struct{}
	stopped   chan struct{}
	closeOnce sync.Once
}

// OpenSQLite opens (creating if needed) the SQLite database at path and applies migrations.
func OpenSQLite(ctx context.Context, path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	// WAL lets readers run beside the writer; synchronous=FULL because NORMAL can lose the last commits
	// on power loss; _txlock=immediate takes the write lock at BEGIN so concurrent writers wait on the
	// busy timeout instead of failing with SQLITE_BUSY half way through. A 32 MiB page cache per
	// connection and memory-mapped reads keep listings over a million links off the read() path.
	// Checkpoints run in the background (checkpointLoop), not inside whichever commit crosses the
	// WAL size threshold, so they do not land on a request's latency.
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)" +
		"&_pragma=foreign_keys(1)&_pragma=cache_size(-32768)&_pragma=mmap_size(2147483648)" +
		"&_pragma=wal_autocheckpoint(0)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(8)
	s := &DB{db: db, d: dialect{name: "sqlite"}, stop: make(chan struct{}), stopped: make(chan struct{})}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	go s.checkpointLoop()
	return s, nil
}

// checkpointLoop copies the WAL into the database file every 10 seconds without blocking writers (each
// checkpoint fsyncs the database file, which stalls commits for a moment, so not more often), and
// truncates it on Close.
func (s *DB) checkpointLoop() {
	defer close(s.stopped)
	t := time.NewTicker(10 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-s.stop:
			_, _ = s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
			return
		case <-t.C:
			_, _ = s.db.Exec("PRAGMA wal_checkpoint(PASSIVE)")
		}
	}
}

// OpenPostgres connects to the PostgreSQL database at url and applies migrations.
func OpenPostgres(ctx context.Context, dsn string) (*DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(20)
	s := &DB{db: db, d: dialect{name: "postgres", postgres: true}}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

func (s *DB) migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations/"+s.d.name)
	if err != nil {
		return err
	}
	gd := goose.DialectSQLite3
	if s.d.postgres {
		gd = goose.DialectPostgres
	}
	p, err := goose.NewProvider(gd, s.db, sub)
	if err != nil {
		return fmt.Errorf("migrations: %w", err)
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("apply migrations: %w", err)
	}
	return nil
}

// SQL returns the underlying handle, for benchmarks that seed data in bulk.
func (s *DB) SQL() *sql.DB { return s.db }

// Postgres reports whether the store is PostgreSQL.
func (s *DB) Postgres() bool { return s.d.postgres }

// Ping checks that the database answers.
func (s *DB) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Close stops background work and closes the database.
func (s *DB) Close() error {
	if s.stop != nil {
		s.closeOnce.Do(func() { close(s.stop); <-s.stopped })
	}
	return s.db.Close()
}

// q rewrites ? placeholders to $n for PostgreSQL. Queries here never contain a literal '?'.
func (s *DB) q(query string) string {
	if !s.d.postgres {
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

func (s *DB) exec(ctx context.Context, ex execer, query string, args ...any) (sql.Result, error) {
	return ex.ExecContext(ctx, s.q(query), args...)
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// isUnique reports whether err is a unique-constraint violation in either database.
func isUnique(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

// likePattern escapes a substring for LIKE … ESCAPE '\'.
func likePattern(sub string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(sub) + "%"
}

// like is the case-insensitive substring match: SQLite's LIKE already ignores ASCII case.
func (s *DB) like(col string) string {
	if s.d.postgres {
		return col + ` ILIKE ? ESCAPE '\'`
	}
	return col + ` LIKE ? ESCAPE '\'`
}
