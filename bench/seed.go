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
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sharedesk/sharedesk/dbutil"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/store"
)

var (
	words     = []string{"Invoice", "Contract", "Report", "Payroll", "Design", "Audit", "Budget", "Roadmap", "Minutes", "Offer", "Quote", "Policy", "Release", "Survey", "Summary", "Proposal"}
	companies = []string{"Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka", "Tyrell", "Cyberdyne", "Soylent", "Vandelay"}
	types     = []string{share.LinkDownload, share.LinkDownload, share.LinkDownload, share.LinkEditor, share.LinkUpload}
)

// linkColumns are the links columns sharedesk writes (and the reference handlers read and write).
var linkColumns = []string{"id", "bucket_id", "token_hash", "token_sealed", "link_type", "targets", "access_count",
	"max_access_count", "created_at", "expires_at", "last_accessed_at", "authenticators", "title", "message",
	"recipient_email", "sender_email", "sender_name", "tags"}

// seedColumns are the links columns the seed fills, in the order of row.values: with the triggers set
// aside it writes what they derive itself (people, see peopleOf, and the activity flags of the events
// it writes); checkSeeded compares both with what the triggers make.
var seedColumns = append(append([]string(nil), linkColumns...), "people", "opened", "downloaded")

// eventColumns are the link_events columns the seed fills, in the order of row.events' items.
var eventColumns = []string{"id", "link_id", "bucket_id", "type", "at", "actor", "client"}

// seedVersion names what the seed writes: a cache seeded by an older generator is seeded again.
// v2: authenticators with email and SMS contexts, people, and link events.
const seedVersion = "v2"

// generator makes the seed's links: deterministic for a given n (tokens aside), so figures are
// comparable between runs and between databases.
type generator struct {
	r        *rand.Rand
	keys     *share.Keys
	bucketID string
	objects  []string
	now      time.Time
}

type row struct {
	values      []any
	id, target  string
	tag         string
	createdUsec int64
	events      [][]any
}

func newGenerator(keys *share.Keys, bucketID string, now time.Time) *generator {
	g := &generator{r: rand.New(rand.NewPCG(1, 2)), keys: keys, bucketID: bucketID, objects: make([]string, 1000), now: now}
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
	auths := g.authenticators(&recipient)
	authsJSON, _ := json.Marshal(auths)
	row := row{id: id, target: target, tag: tag, createdUsec: created, values: []any{id, g.bucketID, hash, sealed, linkType,
		`["` + target + `"]`, int64(access), int64(maxAccess), created, expires, lastAccess, string(authsJSON), title,
		"Please find the files attached.", recipient, "staff@example.com", "Staff", `["` + tag + `"]`,
		peopleOf(recipient, auths)}}
	// What recipients did: a third of the links were opened, and of those a third downloaded something.
	var opened, downloaded int64
	if r.IntN(3) == 0 {
		opened = 1
		client := fmt.Sprintf("203.0.113.%d", r.IntN(250))
		row.events = append(row.events, []any{fmt.Sprintf("evt_bench%027do", i), id, g.bucketID, share.EventOpened,
			created + 60_000_000, "recipient", client})
		if r.IntN(3) == 0 {
			downloaded = 1
			row.events = append(row.events, []any{fmt.Sprintf("evt_bench%027dd", i), id, g.bucketID, share.EventDownloaded,
				created + 120_000_000, "recipient", client})
		}
	}
	row.values = append(row.values, opened, downloaded)
	return row
}

// generate makes the links [0, n) in batches of per on a goroutine of its own, so that the next batch
// is made (tokens sealed, JSON encoded) on the second core while the database stores this one. stop
// ends it early.
func (g *generator) generate(n, per int) (batches <-chan []row, stop func()) {
	out := make(chan []row, 4)
	done := make(chan struct{})
	go func() {
		defer close(out)
		for b := 0; b < n; b += per {
			batch := make([]row, min(per, n-b))
			for i := range batch {
				batch[i] = g.link(b + i)
			}
			select {
			case out <- batch:
			case <-done:
				return
			}
		}
	}()
	return out, sync.OnceFunc(func() { close(done) })
}

// authenticators picks how a link is opened, in shares a help desk would see: mostly an email code to
// the person it was sent to, some never sent (an email code to a customer, or a text code), some both
// kinds, a few a password only. A link never sent has no recipient.
func (g *generator) authenticators(recipient *string) []share.Authenticator {
	r := g.r
	phone := func() share.Authenticator {
		return share.Authenticator{Type: share.AuthSMSOTP, Context: fmt.Sprintf("+1555%07d", r.IntN(10_000_000))}
	}
	switch k := r.IntN(100); {
	case k < 55: // sent, with an email code to the same address
		return []share.Authenticator{{Type: share.AuthEmailOTP, Context: *recipient}}
	case k < 70: // an email code to a customer, never sent
		*recipient = ""
		return []share.Authenticator{{Type: share.AuthEmailOTP, Context: fmt.Sprintf("Client%05d@Partner%02d.example", r.IntN(100_000), r.IntN(50))}}
	case k < 80: // a text code only, never sent
		*recipient = ""
		return []share.Authenticator{phone()}
	case k < 92: // sent, email and text codes
		return []share.Authenticator{{Type: share.AuthEmailOTP, Context: *recipient}, phone()}
	default: // sent, opened with a password (stored hashed: no context)
		return []share.Authenticator{{Type: share.AuthPassword, Hash: "$argon2id$v=19$m=19456,t=2,p=1$c2VlZA$aGFzaA"}}
	}
}

// peopleOf is links.people as the triggers of migration 00010 derive it: the recipient, then the
// context of each email-code and SMS-code authenticator that is not the recipient's address, one per
// line, lower case.
func peopleOf(recipient string, auths []share.Authenticator) string {
	var parts []string
	if recipient != "" {
		parts = append(parts, recipient)
	}
	for _, a := range auths {
		if (a.Type == share.AuthEmailOTP || a.Type == share.AuthSMSOTP) && !strings.EqualFold(a.Context, recipient) {
			parts = append(parts, a.Context)
		}
	}
	return strings.ToLower(strings.Join(parts, "\n"))
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
	// threads: index builds sort on a second core as well.
	for _, p := range []string{"PRAGMA synchronous = OFF", "PRAGMA foreign_keys = OFF", "PRAGMA cache_size = -262144", "PRAGMA threads = 2"} {
		if _, err := conn.ExecContext(ctx, p); err != nil {
			return err
		}
	}
	type ddl struct{ typ, name, sql string }
	var saved []ddl
	rows, err := conn.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND
		((type = 'index' AND tbl_name IN ('links', 'link_targets', 'link_tags', 'link_events')) OR (type = 'trigger' AND tbl_name = 'links'))`)
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
	// the path (21 × 500 parameters, well under SQLite's limit).
	const per = 500
	linkSQL := "INSERT INTO links (" + strings.Join(seedColumns, ", ") + ") VALUES " +
		strings.TrimSuffix(strings.Repeat("("+strings.TrimSuffix(strings.Repeat("?,", len(seedColumns)), ",")+"),", per), ",")
	var events []any // rows of eventColumns, inserted 500 rows at a time
	flushEvents := func(tx *sql.Tx, all bool) error {
		rowLen := len(eventColumns)
		for len(events) >= per*rowLen || (all && len(events) > 0) {
			n := min(per, len(events)/rowLen)
			q := "INSERT INTO link_events (" + strings.Join(eventColumns, ", ") + ") VALUES " +
				strings.TrimSuffix(strings.Repeat("("+strings.TrimSuffix(strings.Repeat("?,", rowLen), ",")+"),", n), ",")
			if _, err := tx.ExecContext(ctx, q, events[:n*rowLen]...); err != nil {
				return err
			}
			events = events[n*rowLen:]
		}
		return nil
	}
	pairSQL := func(table, col string) string {
		return "INSERT INTO " + table + " (link_id, " + col + ") VALUES " + strings.TrimSuffix(strings.Repeat("(?,?),", per), ",")
	}
	targetSQL, tagSQL := pairSQL("link_targets", "object_id"), pairSQL("link_tags", "tag")
	batches, stop := g.generate(n, per)
	defer stop()
	for start := 0; start < n; start += 50_000 {
		err := sqliteTx(ctx, conn, func(tx *sql.Tx) error {
			for b := start; b < min(start+50_000, n); b += per {
				batch := <-batches
				count := len(batch)
				linkArgs := make([]any, 0, count*len(seedColumns))
				targetArgs := make([]any, 0, 2*count)
				tagArgs := make([]any, 0, 2*count)
				for _, r := range batch {
					linkArgs = append(linkArgs, r.values...)
					targetArgs = append(targetArgs, r.id, r.target)
					tagArgs = append(tagArgs, r.id, r.tag)
					for _, ev := range r.events {
						events = append(events, ev...)
					}
				}
				if count < per { // the last, short batch
					linkSQL = linkSQL[:strings.Index(linkSQL, "VALUES")+7] + strings.TrimSuffix(strings.Repeat("("+strings.TrimSuffix(strings.Repeat("?,", len(seedColumns)), ",")+"),", count), ",")
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
				if err := flushEvents(tx, b+count >= n); err != nil {
					return err
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
		"INSERT INTO links_people_fts (links_people_fts) VALUES ('rebuild')",
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
	fmt.Printf("sqlite   seed phases: rows %s, indexes %s, trigram indexes %s, analyse and checkpoint %s\n",
		rowsDone.Sub(t0).Round(100*time.Millisecond), indexesDone.Sub(rowsDone).Round(100*time.Millisecond),
		ftsDone.Sub(indexesDone).Round(100*time.Millisecond), time.Since(ftsDone).Round(100*time.Millisecond))
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
		AND tablename IN ('links', 'link_targets', 'link_tags', 'link_events') AND indexname NOT LIKE '%_pkey'`)
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
	// Links, targets, tags and events stream through four COPYs fed from the one generator, in chunks
	// made on another goroutine while the last one is copied.
	batches, stop := g.generate(n, 50_000)
	defer stop()
	for batch := range batches {
		count := len(batch)
		links := make([][]any, count)
		targets := make([][]any, count)
		tags := make([][]any, count)
		var events [][]any
		for i, r := range batch {
			links[i], targets[i], tags[i] = r.values, []any{r.id, r.target}, []any{r.id, r.tag}
			events = append(events, r.events...)
		}
		if _, err := c.CopyFrom(ctx, pgx.Identifier{"links"}, seedColumns, pgx.CopyFromRows(links)); err != nil {
			return fmt.Errorf("copy links: %w", err)
		}
		if _, err := c.CopyFrom(ctx, pgx.Identifier{"link_events"}, eventColumns, pgx.CopyFromRows(events)); err != nil {
			return fmt.Errorf("copy link_events: %w", err)
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
		"VACUUM (ANALYZE) links", "VACUUM (ANALYZE) link_targets", "VACUUM (ANALYZE) link_tags", "VACUUM (ANALYZE) link_events",
		"ANALYZE"} {
		if err := exec(q); err != nil {
			return err
		}
	}
	fmt.Printf("postgres seed phases: rows (COPY) %s, indexes (trigram included) %s, vacuum and analyse %s\n",
		rowsDone.Sub(t0).Round(100*time.Millisecond), indexesDone.Sub(rowsDone).Round(100*time.Millisecond),
		time.Since(indexesDone).Round(100*time.Millisecond))
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
