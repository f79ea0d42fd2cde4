package bench

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/sharedesk/sharedesk/share"
)

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
