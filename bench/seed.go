// Package bench measures the performance budgets the README lists (Performance) against a store of
// 1,000,000 links, on SQLite and on PostgreSQL.
package bench

import (
	"context"
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
	_, err := os.Stat(marker)
	seeded := err == nil
	secret, err := benchSecret(filepath.Join(dir, "secret.key"), !seeded)
	if err != nil {
		return nil, nil, err
	}
	schema := fmt.Sprintf("sharedesk_bench_%d", n)
	schemaURL := pgURL() + "&search_path=" + schema
	var db *store.DB
	switch kind {
	case "sqlite":
		db, err = openSQLiteCache(ctx, filepath.Join(dir, "sharedesk.db"), seeded)
	case "postgres":
		seeded, err = preparePostgresSchema(ctx, schema, seeded)
		if err == nil {
			db, err = store.OpenPostgres(ctx, schemaURL)
		}
	default:
		return nil, nil, fmt.Errorf("unknown BENCH_DB %q", kind)
	}
	if err != nil {
		return nil, nil, err
	}
	if seeded {
		return db, secret, nil
	}
	if err := seed(ctx, db, kind, schemaURL, secret, n); err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, secret, os.WriteFile(marker, nil, 0o600)
}

// benchSecret reads the store's secret key, writing the fixed bench secret first when the store is
// to be seeded afresh.
func benchSecret(path string, fresh bool) ([]byte, error) {
	if fresh {
		if err := os.WriteFile(path, []byte("bench secret bench secret bench secret!!"), 0o600); err != nil {
			return nil, err
		}
	}
	return os.ReadFile(path)
}

// openSQLiteCache opens the SQLite cache at path, removing what a previous seed left first unless
// the cache is seeded.
func openSQLiteCache(ctx context.Context, path string, seeded bool) (*store.DB, error) {
	if !seeded {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			// Best effort: a file that is not there is what is wanted, and any other trouble shows when
			// the store is opened.
			_ = os.Remove(path + suffix)
		}
	}
	return store.OpenSQLite(ctx, path)
}

// preparePostgresSchema makes schema empty unless it is there and seeded, and reports whether it is
// seeded still.
func preparePostgresSchema(ctx context.Context, schema string, seeded bool) (bool, error) {
	admin, err := pgx.Connect(ctx, pgURL())
	if err != nil {
		return false, fmt.Errorf("PostgreSQL for the bench (%s): %w", pgURL(), err)
	}
	defer admin.Close(ctx)
	var exists bool
	err = admin.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", schema).Scan(&exists)
	if err != nil {
		return false, err
	}
	if seeded && exists {
		return true, nil
	}
	_, err = admin.Exec(ctx, "DROP SCHEMA IF EXISTS "+schema+" CASCADE; CREATE SCHEMA "+schema)
	return false, err
}

// seed fills a fresh store with n links, says how long that took against its budget, and checks what
// it wrote. pgDSN is the store's PostgreSQL address, its schema included.
func seed(ctx context.Context, db *store.DB, kind, pgDSN string, secret []byte, n int) error {
	keys, err := share.NewKeys(secret)
	if err != nil {
		return err
	}
	b, err := db.EnsureDefaultBucket(ctx, share.Bucket{ID: share.NewID("pro_"), Name: "default", CreatedAt: time.Now()})
	if err != nil {
		return err
	}
	t0 := time.Now()
	if kind == "postgres" {
		err = seedPostgres(ctx, pgDSN, keys, b.ID, n, time.Now().UTC())
	} else {
		err = seedSQLite(ctx, db.SQL(), keys, b.ID, n, time.Now().UTC())
	}
	if err != nil {
		return err
	}
	took := time.Since(t0)
	fmt.Printf("%-8s seeded %d links in %s (budget 2 min: %.2f×)   load %s\n",
		kind, n, took.Round(100*time.Millisecond), took.Seconds()/120, loadAvg())
	return checkSeeded(ctx, db, n)
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
	flagsWrong := q(`SELECT COUNT(*) FROM links WHERE id IN (` + in + `) AND (
		opened <> CASE WHEN EXISTS (SELECT 1 FROM link_events e WHERE e.link_id = links.id
			AND e.type = 'opened') THEN 1 ELSE 0 END OR
		downloaded <> CASE WHEN EXISTS (SELECT 1 FROM link_events e WHERE e.link_id = links.id
			AND e.type IN ('file_downloaded', 'zip_downloaded')) THEN 1 ELSE 0 END)`)
	if err := tx.QueryRowContext(ctx, flagsWrong, ids...).Scan(&wrongFlags); err != nil {
		return err
	}
	if wrongFlags > 0 {
		return fmt.Errorf("seed: %d links of the sample have activity flags their events do not give", wrongFlags)
	}
	rewrite := q("UPDATE links SET authenticators = authenticators WHERE id IN (" + in + ")")
	if _, err := tx.ExecContext(ctx, rewrite, ids...); err != nil {
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
