// Package consoledb keeps the console's own tables: staff sessions, sign-in attempts and the audit
// log. The console never touches the share tables; it reaches the share service through package api.
package consoledb

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"io/fs"

	"github.com/sharedesk/sharedesk/dbutil"
)

//go:embed migrations
var migrations embed.FS

// ErrNotFound is returned when a row does not exist.
var ErrNotFound = errors.New("not found")

// DB is the console's store.
type DB struct {
	db       *sql.DB
	postgres bool
}

// Open opens the console tables in a SQLite file (path) or, when databaseURL is set, in PostgreSQL.
func Open(ctx context.Context, path, databaseURL string) (*DB, error) {
	var (
		db  *sql.DB
		err error
	)
	pg := databaseURL != ""
	if pg {
		db, err = dbutil.OpenPostgres(ctx, databaseURL)
	} else {
		db, err = dbutil.OpenSQLite(path)
	}
	if err != nil {
		return nil, err
	}
	name := "sqlite"
	if pg {
		name = "postgres"
	}
	sub, err := fs.Sub(migrations, "migrations/"+name)
	if err != nil {
		return nil, err
	}
	if err := dbutil.Migrate(ctx, db, pg, sub, "console_goose_db_version"); err != nil {
		db.Close()
		return nil, err
	}
	return &DB{db: db, postgres: pg}, nil
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

func (d *DB) q(query string) string { return dbutil.Rebind(d.postgres, query) }

// SQL returns the underlying handle, for the connection pool metrics.
func (d *DB) SQL() *sql.DB { return d.db }
