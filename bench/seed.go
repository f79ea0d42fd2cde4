// Package bench measures the performance budgets of DESIGN.md against a store of 1,000,000 links, on
// SQLite and on PostgreSQL.
package bench

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/store"
)

var (
	words     = []string{"Invoice", "Contract", "Report", "Payroll", "Design", "Audit", "Budget", "Roadmap", "Minutes", "Offer", "Quote", "Policy", "Release", "Survey", "Summary", "Proposal"}
	companies = []string{"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne", "Soylent", "Vandelay"}
	types     = []string{share.LinkDownload, share.LinkDownload, share.LinkDownload, share.LinkEditor, share.LinkUpload}
)

// linkColumns are the links columns the seed fills, in the order of row.values.
var linkColumns = []string{"id", "bucket_id", "token_hash", "token_sealed", "link_type", "targets", "access_count",
	"max_access_count", "created_at", "expires_at", "last_accessed_at", "authenticators", "title", "message",
	"recipient_email", "sender_email", "sender_name", "tags"}

// generator makes the seed's links: deterministic for a given n (tokens aside), so figures are
// comparable between runs and between databases.
type generator struct {
	r        *rand.Rand
	keys     *share.Keys
	bucketID string
	objects  []string
	auths    string
	now      time.Time
}

type row struct {
	values      []any
	id, target  string
	tag         string
	createdUsec int64
}

func newGenerator(keys *share.Keys, bucketID string, now time.Time) *generator {
	auths, _ := json.Marshal([]share.Authenticator{{Type: share.AuthEmailOTP, Context: "someone@example.com"}})
	g := &generator{r: rand.New(rand.NewPCG(1, 2)), keys: keys, bucketID: bucketID, objects: make([]string, 1000), auths: string(auths), now: now}
	for i := range g.objects {
		g.objects[i] = fmt.Sprintf("pos_bench%027d", i)
	}
	return g
}

func (g *generator) link(i int) row {
	r := g.r
	year := int64(365 * 24 * time.Hour / time.Microsecond)
	id := fmt.Sprintf("psl_bench%027d", i)
	_, hash, sealed := g.keys.NewLinkToken(id)
	created := g.now.UnixMicro() - year + int64(i)*(year/int64(1_000_000)) // in id order, like real inserts
	expires := created + int64(1+r.IntN(90))*int64(24*time.Hour/time.Microsecond)
	maxAccess := 1 + r.IntN(20)
	access := r.IntN(maxAccess + 1)
	var lastAccess int64
	if access > 0 {
		lastAccess = created + int64(r.IntN(3600))*1_000_000
	}
	target := g.objects[r.IntN(len(g.objects))]
	title := fmt.Sprintf("%s %s %06d", words[r.IntN(len(words))], companies[r.IntN(len(companies))], r.IntN(1_000_000))
	tag := fmt.Sprintf("tag%02d", r.IntN(20))
	recipient := fmt.Sprintf("user%04d@example.com", r.IntN(5000))
	linkType := types[r.IntN(len(types))]
	return row{id: id, target: target, tag: tag, createdUsec: created, values: []any{id, g.bucketID, hash, sealed, linkType,
		`["` + target + `"]`, int64(access), int64(maxAccess), created, expires, lastAccess, g.auths, title,
		"Please find the files attached.", recipient, "staff@example.com", "Staff", `["` + tag + `"]`}}
}

// seedSQLite fills a fresh SQLite store with n links (and 1,000 target objects). Secondary indexes,
// the trigram index and the triggers are dropped while the rows go in and rebuilt afterwards from
// their own definitions (sqlite_master), so the schema ends exactly as the migrations made it: one
// sorted index build is far cheaper than a million scattered index updates.
func seedSQLite(ctx context.Context, db *sql.DB, keys *share.Keys, bucketID string, n int, now time.Time) error {
	t0 := time.Now()
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	// A cache file that a crash would leave half-written is re-seeded (the marker is written last), so
	// durability is not needed here.
	for _, p := range []string{"PRAGMA synchronous = OFF", "PRAGMA foreign_keys = OFF", "PRAGMA cache_size = -262144"} {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			return err
		}
	}
	type ddl struct{ typ, name, sql string }
	var saved []ddl
	rows, err := conn.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND
		((type = 'index' AND tbl_name IN ('links', 'link_targets', 'link_tags')) OR (type = 'trigger' AND tbl_name = 'links'))`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var d ddl
		if err := rows.Scan(&d.typ, &d.name, &d.sql); err != nil {
			rows.Close()
			return err
		}
		saved = append(saved, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, d := range saved {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("DROP %s %q", strings.ToUpper(d.typ), d.name)); err != nil {
			return err
		}
	}
	g := newGenerator(keys, bucketID, now)
	if err := sqliteTx(ctx, conn, func(tx *sql.Tx) error {
		for i, id := range g.objects {
			if _, err := tx.ExecContext(ctx, `INSERT INTO objects (id, bucket_id, parent_id, name, type, created_at, updated_at) VALUES (?, ?, '', ?, 'folder', ?, ?)`,
				id, bucketID, fmt.Sprintf("Folder %04d", i), now.UnixMicro(), now.UnixMicro()); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		return err
	}
	// Multi-row INSERTs: one statement per 500 links keeps the per-statement cost of the driver off
	// the path (18 × 500 parameters, well under SQLite's limit).
	const per = 500
	linkSQL := "INSERT INTO links (" + strings.Join(linkColumns, ", ") + ") VALUES " +
		strings.TrimSuffix(strings.Repeat("("+strings.TrimSuffix(strings.Repeat("?,", len(linkColumns)), ",")+"),", per), ",")
	pairSQL := func(table, col string) string {
		return "INSERT INTO " + table + " (link_id, " + col + ") VALUES " + strings.TrimSuffix(strings.Repeat("(?,?),", per), ",")
	}
	targetSQL, tagSQL := pairSQL("link_targets", "object_id"), pairSQL("link_tags", "tag")
	for start := 0; start < n; start += 50_000 {
		err := sqliteTx(ctx, conn, func(tx *sql.Tx) error {
			for b := start; b < min(start+50_000, n); b += per {
				count := min(per, n-b)
				linkArgs := make([]any, 0, count*len(linkColumns))
				targetArgs := make([]any, 0, 2*count)
				tagArgs := make([]any, 0, 2*count)
				for i := b; i < b+count; i++ {
					r := g.link(i)
					linkArgs = append(linkArgs, r.values...)
					targetArgs = append(targetArgs, r.id, r.target)
					tagArgs = append(tagArgs, r.id, r.tag)
				}
				if count < per { // the last, short batch
					linkSQL = linkSQL[:strings.Index(linkSQL, "VALUES")+7] + strings.TrimSuffix(strings.Repeat("("+strings.TrimSuffix(strings.Repeat("?,", len(linkColumns)), ",")+"),", count), ",")
					targetSQL = targetSQL[:strings.Index(targetSQL, "VALUES")+7] + strings.TrimSuffix(strings.Repeat("(?,?),", count), ",")
					tagSQL = tagSQL[:strings.Index(tagSQL, "VALUES")+7] + strings.TrimSuffix(strings.Repeat("(?,?),", count), ",")
				}
				for _, st := range []struct {
					q    string
					args []any
				}{{linkSQL, linkArgs}, {targetSQL, targetArgs}, {tagSQL, tagArgs}} {
					if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	rowsDone := time.Now()
	for _, d := range saved {
		if d.typ == "index" {
			if _, err := conn.ExecContext(ctx, d.sql); err != nil {
				return fmt.Errorf("rebuild %s: %w", d.name, err)
			}
		}
	}
	indexesDone := time.Now()
	for _, q := range []string{
		"INSERT INTO links_fts (links_fts) VALUES ('rebuild')",
		"DELETE FROM link_counts",
		"INSERT INTO link_counts (bucket_id, n) SELECT bucket_id, COUNT(*) FROM links GROUP BY bucket_id",
	} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("%s: %w", q, err)
		}
	}
	for _, d := range saved {
		if d.typ == "trigger" {
			if _, err := conn.ExecContext(ctx, d.sql); err != nil {
				return fmt.Errorf("recreate %s: %w", d.name, err)
			}
		}
	}
	ftsDone := time.Now()
	for _, q := range []string{"PRAGMA foreign_keys = ON", "PRAGMA synchronous = FULL", "ANALYZE", "PRAGMA wal_checkpoint(TRUNCATE)"} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	fmt.Printf("sqlite   seed phases: rows %s, indexes %s, trigram index %s, analyse and checkpoint %s\n",
		rowsDone.Sub(t0).Round(time.Second), indexesDone.Sub(rowsDone).Round(time.Second), ftsDone.Sub(indexesDone).Round(time.Second), time.Since(ftsDone).Round(time.Second))
	return nil
}

func sqliteTx(ctx context.Context, conn *sql.Conn, fn func(*sql.Tx) error) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}

// seedPostgres fills a fresh PostgreSQL store with n links through COPY. The link indexes and the
// counting trigger are set aside meanwhile (index definitions from pg_indexes, rebuilt afterwards), and
// foreign-key checks are off for the session (session_replication_role), as pg_restore does.
func seedPostgres(ctx context.Context, dsn string, keys *share.Keys, bucketID string, n int, now time.Time) error {
	t0 := time.Now()
	// A connection of its own: the store's statements carry a deadline meant for requests, and an
	// index build over a million rows takes longer.
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer c.Close(context.Background())
	exec := func(q string) error {
		_, err := c.Exec(ctx, q)
		if err != nil {
			return fmt.Errorf("%.60s: %w", q, err)
		}
		return nil
	}
	type ddl struct{ name, sql string }
	var saved []ddl
	rows, err := c.Query(ctx, `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
		AND tablename IN ('links', 'link_targets', 'link_tags') AND indexname NOT LIKE '%_pkey'`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var d ddl
		if err := rows.Scan(&d.name, &d.sql); err != nil {
			return err
		}
		saved = append(saved, d)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for _, d := range saved {
		if strings.Contains(d.sql, "UNIQUE") {
			continue // a constraint's index (token_hash) stays
		}
		if err := exec("DROP INDEX " + pgx.Identifier{d.name}.Sanitize()); err != nil {
			return err
		}
	}
	if err := exec("SET session_replication_role = replica"); err != nil {
		return err
	}
	if err := exec("SET maintenance_work_mem = '512MB'"); err != nil {
		return err
	}
	g := newGenerator(keys, bucketID, now)
	objRows := make([][]any, len(g.objects))
	for i, id := range g.objects {
		objRows[i] = []any{id, bucketID, "", fmt.Sprintf("Folder %04d", i), "folder", now.UnixMicro(), now.UnixMicro()}
	}
	if _, err := c.CopyFrom(ctx, pgx.Identifier{"objects"}, []string{"id", "bucket_id", "parent_id", "name", "type", "created_at", "updated_at"},
		pgx.CopyFromRows(objRows)); err != nil {
		return err
	}
	// Links, targets and tags stream through three COPYs fed from the one generator, in chunks.
	const chunk = 100_000
	for start := 0; start < n; start += chunk {
		count := min(chunk, n-start)
		links := make([][]any, count)
		targets := make([][]any, count)
		tags := make([][]any, count)
		for i := range count {
			r := g.link(start + i)
			links[i], targets[i], tags[i] = r.values, []any{r.id, r.target}, []any{r.id, r.tag}
		}
		if _, err := c.CopyFrom(ctx, pgx.Identifier{"links"}, linkColumns, pgx.CopyFromRows(links)); err != nil {
			return fmt.Errorf("copy links: %w", err)
		}
		if _, err := c.CopyFrom(ctx, pgx.Identifier{"link_targets"}, []string{"link_id", "object_id"}, pgx.CopyFromRows(targets)); err != nil {
			return fmt.Errorf("copy link_targets: %w", err)
		}
		if _, err := c.CopyFrom(ctx, pgx.Identifier{"link_tags"}, []string{"link_id", "tag"}, pgx.CopyFromRows(tags)); err != nil {
			return fmt.Errorf("copy link_tags: %w", err)
		}
	}
	rowsDone := time.Now()
	for _, d := range saved {
		if strings.Contains(d.sql, "UNIQUE") {
			continue
		}
		if err := exec(d.sql); err != nil {
			return err
		}
	}
	indexesDone := time.Now()
	for _, q := range []string{"DELETE FROM link_counts",
		"INSERT INTO link_counts (bucket_id, n) SELECT bucket_id, COUNT(*) FROM links GROUP BY bucket_id",
		"VACUUM (ANALYZE) links", "VACUUM (ANALYZE) link_targets", "VACUUM (ANALYZE) link_tags", "ANALYZE"} {
		if err := exec(q); err != nil {
			return err
		}
	}
	fmt.Printf("postgres seed phases: rows (COPY) %s, indexes (trigram included) %s, vacuum and analyse %s\n",
		rowsDone.Sub(t0).Round(time.Second), indexesDone.Sub(rowsDone).Round(time.Second), time.Since(indexesDone).Round(time.Second))
	return nil
}

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
	marker := filepath.Join(dir, fmt.Sprintf("seeded-%d", n))
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
	fmt.Printf("%-8s seeded %d links in %s (budget 2 min: %.2f×)   load %s\n", kind, n, took.Round(time.Second), took.Seconds()/120, loadAvg())
	return db, secret, os.WriteFile(marker, nil, 0o600)
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
