package dbutil_test

import (
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sharedesk/sharedesk/dbutil"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// Database files must be private even when the directory they are created in is not.
func TestOpenSQLiteCreatesPrivateFiles(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "sharedesk.db")
	db, err := dbutil.OpenSQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"sharedesk.db", "sharedesk.db-wal", "sharedesk.db-shm"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("%s: got mode %o, want 600", name, got)
		}
	}
}

// pgSchema returns a URL whose search_path is a fresh schema, dropped when the test ends.
func pgSchema(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	c, err := pgx.Connect(ctx, sharetest.PostgresURL())
	if err != nil {
		t.Fatalf("PostgreSQL is required for the tests: %v", err)
	}
	defer c.Close(ctx)
	schema := "t_dbutil_" + time.Now().Format("150405") + "_" + filepath.Base(t.TempDir())
	if _, err := c.Exec(ctx, `CREATE SCHEMA "`+schema+`"`); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), sharetest.PostgresURL())
		if err == nil {
			_, _ = c.Exec(context.Background(), `DROP SCHEMA "`+schema+`" CASCADE`)
			c.Close(context.Background())
		}
	})
	return sharetest.PostgresURL() + "&search_path=" + schema
}

// Fifty concurrent clients must reuse pooled connections instead of opening and closing one per query.
func TestPostgresPoolKeepsIdleConnections(t *testing.T) {
	db, err := dbutil.OpenPostgres(context.Background(), pgSchema(t))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			for range 20 {
				var n int
				if err := db.QueryRow("SELECT 1").Scan(&n); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	st := db.Stats()
	if st.MaxIdleClosed > 0 {
		t.Errorf("connections closed for lack of idle room: got %d, want 0", st.MaxIdleClosed)
	}
	if st.MaxOpenConnections == 0 || st.MaxOpenConnections > 50 {
		t.Errorf("max open connections: got %d, want a bound below the number of clients", st.MaxOpenConnections)
	}
}

// A statement stuck behind a lock is cancelled after QueryTimeout and reported as unavailable.
func TestPostgresQueryDeadline(t *testing.T) {
	dsn := pgSchema(t)
	db, err := dbutil.OpenPostgres(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec("CREATE TABLE frozen (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	locker, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close(ctx)
	tx, err := locker.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, "LOCK TABLE frozen IN ACCESS EXCLUSIVE MODE"); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		run  func() error
	}{
		{"query", func() error { _, err := db.QueryContext(ctx, "SELECT x FROM frozen"); return err }},
		{"exec", func() error { _, err := db.ExecContext(ctx, "INSERT INTO frozen VALUES (1)"); return err }},
		{"query row", func() error { var n int; return db.QueryRowContext(ctx, "SELECT count(*) FROM frozen").Scan(&n) }},
	}
	var wg sync.WaitGroup
	for _, tc := range cases {
		wg.Go(func() {
			start := time.Now()
			err := tc.run()
			took := time.Since(start)
			if err == nil || !dbutil.IsUnavailable(err) {
				t.Errorf("%s: got err %v, want one IsUnavailable accepts", tc.name, err)
			}
			if took > dbutil.QueryTimeout+2*time.Second {
				t.Errorf("%s: took %v, want at most the query deadline %v", tc.name, took, dbutil.QueryTimeout)
			}
		})
	}
	wg.Wait()
}

// A server that starts before its database waits for it instead of exiting.
func TestRetryWaitsForDatabase(t *testing.T) {
	dsn := pgSchema(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens: connections are refused until the proxy below starts
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		t.Fatal(err)
	}
	late := "postgres://" + cfg.User + "@" + addr + "/" + cfg.Database + "?sslmode=disable&search_path=" + cfg.RuntimeParams["search_path"]

	go func() {
		time.Sleep(1500 * time.Millisecond)
		proxy(t, addr, net.JoinHostPort(cfg.Host, "5432"))
	}()
	var db *sql.DB
	attempts := 0
	start := time.Now()
	err = dbutil.Retry(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil)), "PostgreSQL", 20*time.Second, func(ctx context.Context) error {
		attempts++
		var err error
		db, err = dbutil.OpenPostgres(ctx, late)
		return err
	})
	if err != nil {
		t.Fatalf("got %v after %d attempts, want the database once it comes up", err, attempts)
	}
	defer db.Close()
	if attempts < 2 || time.Since(start) < time.Second {
		t.Errorf("got %d attempts in %v, want retries until the database came up", attempts, time.Since(start))
	}

	// A wrong password or database is not an outage: it fails at once.
	bad := "postgres://postgres@" + net.JoinHostPort(cfg.Host, "5432") + "/no_such_database_here?sslmode=disable"
	start = time.Now()
	err = dbutil.Retry(context.Background(), slog.New(slog.NewTextHandler(io.Discard, nil)), "PostgreSQL", 20*time.Second, func(ctx context.Context) error {
		db, err := dbutil.OpenPostgres(ctx, bad)
		if err == nil {
			db.Close()
		}
		return err
	})
	if err == nil || time.Since(start) > 3*time.Second {
		t.Errorf("unknown database: got %v after %v, want an error at once", err, time.Since(start))
	}
}

// proxy forwards connections from addr to target until the test ends.
func proxy(t *testing.T, addr, target string) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Error(err)
		return
	}
	t.Cleanup(func() { ln.Close() })
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			u, err := net.Dial("tcp", target)
			if err != nil {
				return
			}
			defer u.Close()
			go io.Copy(u, c)
			io.Copy(c, u)
		}()
	}
}
