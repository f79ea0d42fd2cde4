// Package store keeps the share service's data in SQLite (the default) or PostgreSQL. Both speak the
// same SQL through database/sql; the few differences (placeholders, case-insensitive LIKE, busy
// handling) live in the dialect.
package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sharedesk/sharedesk/dbutil"
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

	webhookURLs []string // see SetWebhookEndpoints
	warnings    []string // problems found at open that the server should report at start
	stmts       stmtCache
	keys        keyLocks // see lockedTx

	walPath  string       // SQLite only
	walLimit atomic.Int64 // bytes; see checkpointLoop
	walCheck atomic.Int64 // nanoseconds between size checks
}

// WALCheckEvery is how often the background checks the SQLite WAL against its limit.
const WALCheckEvery = time.Second

// OpenSQLite opens (creating if needed) the SQLite database at path and applies migrations.
func OpenSQLite(ctx context.Context, path string) (*DB, error) {
	return OpenSQLiteWAL(ctx, path, dbutil.DefaultWALLimit)
}

// OpenSQLiteWAL is OpenSQLite with another bound on the write-ahead log (tests use small ones).
func OpenSQLiteWAL(ctx context.Context, path string, walLimit int64) (*DB, error) {
	db, err := dbutil.OpenSQLiteWAL(path, walLimit)
	if err != nil {
		return nil, err
	}
	s := &DB{
		db:      db,
		d:       dialect{name: "sqlite"},
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
		walPath: path + "-wal",
	}
	s.walLimit.Store(walLimit)
	s.walCheck.Store(int64(WALCheckEvery))
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	go s.checkpointLoop()
	return s, nil
}

// OpenPostgres connects to the PostgreSQL database at url and applies migrations.
func OpenPostgres(ctx context.Context, dsn string) (*DB, error) {
	db, err := dbutil.OpenPostgres(ctx, dsn)
	if err != nil {
		return nil, err
	}
	s := &DB{db: db, d: dialect{name: "postgres", postgres: true}}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := s.ensureTrigram(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// trigramIndex creates the pg_trgm extension if it can and then the substring indexes, exactly as
// migrations 00007 and 00010 do; it runs again at every start until the index exists, so installing the
// extension later (as a role allowed to) is enough to get the index.
const trigramIndex = `DO $$
DECLARE
    ns text;
BEGIN
    BEGIN
        CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public;
    EXCEPTION WHEN OTHERS THEN
        BEGIN
            CREATE EXTENSION IF NOT EXISTS pg_trgm;
        EXCEPTION WHEN OTHERS THEN
            RETURN;
        END;
    END;
    SELECT n.nspname INTO ns FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
        WHERE e.extname = 'pg_trgm';
    -- One index per column: each is smaller than one over all four, and the planner prices it so.
    EXECUTE format('CREATE INDEX IF NOT EXISTS links_title_trgm ON links USING gin (title %I.gin_trgm_ops)', ns);
    EXECUTE format('CREATE INDEX IF NOT EXISTS links_message_trgm ON links USING gin (message %I.gin_trgm_ops)', ns);
    EXECUTE format('CREATE INDEX IF NOT EXISTS links_recipient_trgm ON links '
        'USING gin (recipient_email %I.gin_trgm_ops)', ns);
    EXECUTE format('CREATE INDEX IF NOT EXISTS links_sender_trgm ON links '
        'USING gin (sender_email %I.gin_trgm_ops)', ns);
    EXECUTE format('CREATE INDEX IF NOT EXISTS links_people_trgm ON links USING gin (people %I.gin_trgm_ops)', ns);
END;
$$`

// ensureTrigram makes sure substring filters have their trigram index, or records a warning saying
// what is lost and how to fix it: the server still works (ILIKE without an index), only slower.
func (s *DB) ensureTrigram(ctx context.Context) error {
	has := func() (bool, error) {
		var n int
		err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pg_indexes WHERE schemaname = current_schema()
			AND indexname IN ('links_title_trgm', 'links_message_trgm', 'links_recipient_trgm',
				'links_sender_trgm', 'links_people_trgm')`).Scan(&n)
		return n == 5, err
	}
	ok, err := has()
	if err != nil || ok {
		return err
	}
	if _, err := s.db.ExecContext(ctx, trigramIndex); err != nil {
		return fmt.Errorf("trigram index: %w", err)
	}
	if ok, err = has(); err != nil || ok {
		return err
	}
	s.warnings = append(
		s.warnings,
		"PostgreSQL: the pg_trgm extension cannot be created by this role, so substring filters "+
			"(title__contains, recipient_email__contains, ext_person__contains, …) scan every link "+
			"instead of using a trigram index. "+
			"Fix: run CREATE EXTENSION pg_trgm in this database as a role allowed to "+
			"(pg_trgm is trusted on PostgreSQL 13+: "+
			"the database owner or any role with CREATE on it), then restart: the index is built at start.",
	)
	return nil
}

// Warnings are the problems found when the store was opened that do not stop it from working (the
// server logs them at start).
func (s *DB) Warnings() []string { return s.warnings }

func (s *DB) migrate(ctx context.Context) error {
	sub, err := fs.Sub(migrations, "migrations/"+s.d.name)
	if err != nil {
		return err
	}
	return dbutil.Migrate(ctx, s.db, s.d.postgres, sub, "goose_db_version")
}

// checkpointLoop copies the WAL into the database file every 10 seconds without blocking writers (each
// checkpoint fsyncs the database file, which stalls commits for a moment, so not more often), and
// truncates it on Close. A passive checkpoint cannot finish while readers use old pages, and never
// shrinks the file, so under sustained writes the WAL would grow without end: whenever it passes
// walLimit a TRUNCATE checkpoint (which waits for readers and blocks writers briefly) resets it.
func (s *DB) checkpointLoop() {
	defer close(s.stopped)
	t := time.NewTicker(time.Duration(s.walCheck.Load()))
	defer t.Stop()
	lastPassive := time.Now()
	for {
		select {
		case <-s.stop:
			_, _ = s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
			return
		case now := <-t.C:
			t.Reset(time.Duration(s.walCheck.Load()))
			if fi, err := os.Stat(s.walPath); err == nil && fi.Size() > s.walLimit.Load() {
				_, _ = s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
				lastPassive = now
			} else if now.Sub(lastPassive) >= 10*time.Second {
				_, _ = s.db.Exec("PRAGMA wal_checkpoint(PASSIVE)")
				lastPassive = now
			}
		}
	}
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
	s.stmts.close()
	return s.db.Close()
}

// stmtCacheMax bounds the prepared statements kept: listings build their SQL from the filter, so the
// set of queries is open-ended; past the bound, queries are prepared each time as before.
const stmtCacheMax = 512

// stmtCache keeps prepared read statements by SQL text. On SQLite, preparing (parsing and planning)
// costs about as much as running an indexed lookup, and every request made several; pgx already
// caches prepared statements per connection, so PostgreSQL does not use it.
type stmtCache struct {
	mu     sync.Mutex
	m      map[string]*sql.Stmt
	closed bool
}

func (c *stmtCache) get(ctx context.Context, db *sql.DB, query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok || c.closed || len(c.m) >= stmtCacheMax {
		return st
	}
	st, err := db.PrepareContext(ctx, query)
	if err != nil {
		return nil // the unprepared query reports the error
	}
	if c.m == nil {
		c.m = map[string]*sql.Stmt{}
	}
	c.m[query] = st
	return st
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		_ = st.Close()
	}
	c.m, c.closed = nil, true
}

// queryRow is QueryRowContext through the statement cache (query in ? form).
func (s *DB) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	if !s.d.postgres {
		if st := s.stmts.get(ctx, s.db, query); st != nil {
			return st.QueryRowContext(ctx, args...)
		}
	}
	return s.db.QueryRowContext(ctx, s.q(query), args...)
}

// query is QueryContext through the statement cache (query in ? form).
func (s *DB) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if !s.d.postgres {
		if st := s.stmts.get(ctx, s.db, query); st != nil {
			return st.QueryContext(ctx, args...)
		}
	}
	return s.db.QueryContext(ctx, s.q(query), args...)
}

// q rewrites ? placeholders to $n for PostgreSQL.
func (s *DB) q(query string) string { return dbutil.Rebind(s.d.postgres, query) }

func (s *DB) exec(ctx context.Context, ex execer, query string, args ...any) (sql.Result, error) {
	return ex.ExecContext(ctx, s.q(query), args...)
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *DB) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return dbutil.InTx(ctx, s.db, fn)
}

// lockedTx runs fn in a transaction that holds keys: first in this process (see keyLocks), before
// a connection is taken, then in the database (see lockKeys), in the same order.
func (s *DB) lockedTx(ctx context.Context, keys []string, fn func(tx *sql.Tx) error) error {
	unlock, err := s.keys.lock(ctx, keys...)
	if err != nil {
		return err
	}
	defer unlock()
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.lockKeys(ctx, tx, keys...); err != nil {
			return err
		}
		return fn(tx)
	})
}

func isUnique(err error) bool { return dbutil.IsUnique(err) }

// like is the case-insensitive substring match for a dbutil.LikePattern.
func (s *DB) like(col string) string { return dbutil.Like(s.d.postgres, col) }
