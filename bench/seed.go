// Package bench measures the performance budgets of DESIGN.md against a store of 1,000,000 links, on
// SQLite and on PostgreSQL.
package bench

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sharedesk/sharedesk/dbutil"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/store"
)

// seedVersion names what the seed writes: a cache seeded by an older generator is seeded again.
// v2: authenticators with email and SMS contexts, people, and link events.
const seedVersion = "v2"

// Backends are the databases the bench measures; BENCH_DB=sqlite or postgres picks one.
func backends() []string {
	if k := os.Getenv("BENCH_DB"); k != "" {
		return strings.Split(k, ",")
	}
	return []string{"sqlite", "postgres"}
}

// pgURL is the PostgreSQL server of the bench (the one the tests use unless BENCH_DATABASE_URL says).
func pgURL() string {
	if u := os.Getenv("BENCH_DATABASE_URL"); u != "" {
		return u
	}
	if u := os.Getenv("SHAREDESK_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// OpenSeeded opens the cached benchmark store of the given kind, seeding it on first use: SQLite in
// dir/sqlite, PostgreSQL in the schema sharedesk_bench_<n> (its secret in dir/postgres). A cache is
// used only when its marker says it was seeded completely with n links.
func OpenSeeded(ctx context.Context, kind, dir string, n int) (*store.DB, []byte, error) {
	dir = filepath.Join(dir, kind)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, nil, err
	}
	marker := filepath.Join(dir, fmt.Sprintf("seeded-%s-%d", seedVersion, n))
	secretPath := filepath.Join(dir, "secret.key")
	schema := fmt.Sprintf("sharedesk_bench_%d", n)
	_, seeded := os.Stat(marker)
	if seeded != nil {
		if err := os.WriteFile(secretPath, []byte("bench secret bench secret bench secret!!"), 0o600); err != nil {
			return nil, nil, err
		}
	}
	secret, err := os.ReadFile(secretPath)
	if err != nil {
		return nil, nil, err
	}
	var db *store.DB
	switch kind {
	case "sqlite":
		path := filepath.Join(dir, "sharedesk.db")
		if seeded != nil {
			for _, suffix := range []string{"", "-wal", "-shm"} {
				os.Remove(path + suffix)
			}
		}
		db, err = store.OpenSQLite(ctx, path)
	case "postgres":
		admin, err := pgx.Connect(ctx, pgURL())
		if err != nil {
			return nil, nil, fmt.Errorf("PostgreSQL for the bench (%s): %w", pgURL(), err)
		}
		var exists bool
		err = admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema).Scan(&exists)
		if err == nil && (seeded != nil || !exists) {
			seeded = errors.New("not seeded")
			_, err = admin.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE; CREATE SCHEMA "+schema)
		}
		admin.Close(ctx)
		if err != nil {
			return nil, nil, err
		}
		db, err = store.OpenPostgres(ctx, pgURL()+"&search_path="+schema)
		if err != nil {
			return nil, nil, err
		}
	default:
		return nil, nil, fmt.Errorf("unknown BENCH_DB %q", kind)
	}
	if err != nil {
		return nil, nil, err
	}
	if seeded == nil {
		return db, secret, nil
	}
	keys, err := share.NewKeys(secret)
	if err != nil {
		return nil, nil, err
	}
	b, err := db.EnsureDefaultBucket(ctx, share.Bucket{ID: share.NewID("pro_"), Name: "default", CreatedAt: time.Now()})
	if err != nil {
		return nil, nil, err
	}
	t0 := time.Now()
	if kind == "postgres" {
		err = seedPostgres(ctx, pgURL()+"&search_path="+schema, keys, b.ID, n, time.Now().UTC())
	} else {
		err = seedSQLite(ctx, db.SQL(), keys, b.ID, n, time.Now().UTC())
	}
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	took := time.Since(t0)
	fmt.Printf("%-8s seeded %d links in %s (budget 2 min: %.2f×)   load %s\n", kind, n, took.Round(100*time.Millisecond), took.Seconds()/120, loadAvg())
	if err := checkSeeded(ctx, db, n); err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, secret, os.WriteFile(marker, nil, 0o600)
}

// checkSeeded compares what the seed wrote with the triggers set aside with what the database's own
// triggers derive for the same rows: links.people, for a sample of links whose authenticators are
// rewritten unchanged (which fires them) in a transaction that is rolled back, and the activity flags
// of the same sample against their events. A seed that disagreed would measure searches over data
// sharedesk never writes.
func checkSeeded(ctx context.Context, db *store.DB, n int) error {
	ids := make([]any, 0, 200)
	for i := range min(200, n) {
		ids = append(ids, fmt.Sprintf("psl_bench%027d", i*n/min(200, n)))
	}
	in := strings.TrimSuffix(strings.Repeat("?,", len(ids)), ",")
	q := func(s string) string { return dbutil.Rebind(db.Postgres(), s) }
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback() }()
	read := func() (map[string]string, error) {
		rows, err := tx.QueryContext(ctx, q("SELECT id, people FROM links WHERE id IN ("+in+")"), ids...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		out := map[string]string{}
		for rows.Next() {
			var id, people string
			if err := rows.Scan(&id, &people); err != nil {
				return nil, err
			}
			out[id] = people
		}
		return out, rows.Err()
	}
	seeded, err := read()
	if err != nil {
		return err
	}
	var wrongFlags int
	if err := tx.QueryRowContext(ctx, q(`SELECT COUNT(*) FROM links WHERE id IN (`+in+`) AND (
		opened <> CASE WHEN EXISTS (SELECT 1 FROM link_events e WHERE e.link_id = links.id AND e.type = 'opened') THEN 1 ELSE 0 END OR
		downloaded <> CASE WHEN EXISTS (SELECT 1 FROM link_events e WHERE e.link_id = links.id
			AND e.type IN ('file_downloaded', 'zip_downloaded')) THEN 1 ELSE 0 END)`), ids...).Scan(&wrongFlags); err != nil {
		return err
	}
	if wrongFlags > 0 {
		return fmt.Errorf("seed: %d links of the sample have activity flags their events do not give", wrongFlags)
	}
	if _, err := tx.ExecContext(ctx, q("UPDATE links SET authenticators = authenticators WHERE id IN ("+in+")"), ids...); err != nil {
		return err
	}
	derived, err := read()
	if err != nil {
		return err
	}
	for id, want := range derived {
		if seeded[id] != want {
			return fmt.Errorf("seed: people of %s is %q, the triggers make it %q", id, seeded[id], want)
		}
	}
	return nil
}

// loadAvg is the 1-, 5- and 15-minute load average of the machine, printed beside every figure: the
// machine is shared, and a figure means little without it.
func loadAvg() string {
	raw, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "?"
	}
	f := strings.Fields(string(raw))
	if len(f) < 3 {
		return "?"
	}
	return strings.Join(f[:3], " ")
}
