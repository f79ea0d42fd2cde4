// Package dbutil opens SQLite and PostgreSQL the same way for every part that keeps tables (the share
// store and the console's own tables), applies embedded migrations, and hides the few SQL differences.
package dbutil

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// OpenSQLite opens (creating if needed) the SQLite database at path.
//
// WAL lets readers run beside the writer; synchronous=FULL because NORMAL can lose the last commits on
// power loss; _txlock=immediate takes the write lock at BEGIN so concurrent writers wait on the busy
// timeout instead of failing half way through. A 32 MiB page cache per connection and memory-mapped
// reads keep listings over a million rows off the read() path. Automatic checkpoints are off: the
// owner runs them in the background so they do not land on a request's latency.
func OpenSQLite(path string) (*sql.DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)" +
		"&_pragma=foreign_keys(1)&_pragma=cache_size(-32768)&_pragma=mmap_size(2147483648)" +
		"&_pragma=wal_autocheckpoint(0)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(8)
	return db, nil
}

// OpenPostgres connects to PostgreSQL and checks that it answers.
func OpenPostgres(ctx context.Context, dsn string) (*sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(20)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	return db, nil
}

// Migrate applies the migrations in fsys, recording them in table (one per owner of tables).
func Migrate(ctx context.Context, db *sql.DB, postgres bool, fsys fs.FS, table string) error {
	d := goose.DialectSQLite3
	if postgres {
		d = goose.DialectPostgres
	}
	p, err := goose.NewProvider(d, db, fsys, goose.WithTableName(table))
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
