package bench

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/sharedesk/sharedesk/dbutil"
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
	if err := execEach(ctx, conn, "PRAGMA synchronous = OFF", "PRAGMA foreign_keys = OFF",
		"PRAGMA cache_size = -262144", "PRAGMA threads = 2"); err != nil {
		return err
	}
	saved, err := setAsideSQLiteSchema(ctx, conn)
	if err != nil {
		return err
	}
	g := newGenerator(keys, bucketID, now)
	if err := insertSQLiteFolders(ctx, conn, g); err != nil {
		return err
	}
	if err := insertSQLiteLinks(ctx, conn, g, n); err != nil {
		return err
	}
	rowsDone := time.Now()
	if err := restoreSQLiteSchema(ctx, conn, saved, "index", "rebuild"); err != nil {
		return err
	}
	indexesDone := time.Now()
	if err := rebuildSQLiteDerived(ctx, conn); err != nil {
		return err
	}
	if err := restoreSQLiteSchema(ctx, conn, saved, "trigger", "recreate"); err != nil {
		return err
	}
	ftsDone := time.Now()
	if err := execEach(ctx, conn, "PRAGMA foreign_keys = ON", "PRAGMA synchronous = FULL", "ANALYZE",
		"PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return err
	}
	fmt.Printf("sqlite   seed phases: rows %s, indexes %s, trigram indexes %s, analyse and checkpoint %s\n",
		rowsDone.Sub(t0).Round(100*time.Millisecond), indexesDone.Sub(rowsDone).Round(100*time.Millisecond),
		ftsDone.Sub(indexesDone).Round(100*time.Millisecond), time.Since(ftsDone).Round(100*time.Millisecond))
	return nil
}

// sqliteDDL is an index or trigger as sqlite_master keeps it.
type sqliteDDL struct{ typ, name, sql string }

// setAsideSQLiteSchema drops the secondary indexes of the link tables and the triggers of links, and
// returns their definitions for restoreSQLiteSchema.
func setAsideSQLiteSchema(ctx context.Context, conn *sql.Conn) ([]sqliteDDL, error) {
	var saved []sqliteDDL
	rows, err := conn.QueryContext(ctx, `SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL AND
		((type = 'index' AND tbl_name IN ('links', 'link_targets', 'link_tags', 'link_events'))
		OR (type = 'trigger' AND tbl_name = 'links'))`)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var d sqliteDDL
		if err := rows.Scan(&d.typ, &d.name, &d.sql); err != nil {
			rows.Close()
			return nil, err
		}
		saved = append(saved, d)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, d := range saved {
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("DROP %s %q", strings.ToUpper(d.typ), d.name)); err != nil {
			return nil, err
		}
	}
	return saved, nil
}

// restoreSQLiteSchema creates again the saved definitions of one type ("index" or "trigger"); verb
// names the step in an error.
func restoreSQLiteSchema(ctx context.Context, conn *sql.Conn, saved []sqliteDDL, typ, verb string) error {
	for _, d := range saved {
		if d.typ != typ {
			continue
		}
		if _, err := conn.ExecContext(ctx, d.sql); err != nil {
			return fmt.Errorf("%s %s: %w", verb, d.name, err)
		}
	}
	return nil
}

// rebuildSQLiteDerived fills what the triggers would have kept while the rows went in: the trigram
// indexes and the per-bucket link counts.
func rebuildSQLiteDerived(ctx context.Context, conn *sql.Conn) error {
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
	return nil
}

// insertSQLiteFolders stores the generator's target objects, as folders.
func insertSQLiteFolders(ctx context.Context, conn *sql.Conn, g *generator) error {
	return dbutil.InTx(ctx, conn, func(tx *sql.Tx) error {
		for i, id := range g.objects {
			if _, err := tx.ExecContext(ctx, `INSERT INTO objects (id, bucket_id, parent_id, name, type, created_at,
				updated_at) VALUES (?, ?, '', ?, 'folder', ?, ?)`,
				id, g.bucketID, fmt.Sprintf("Folder %04d", i), g.now.UnixMicro(), g.now.UnixMicro()); err != nil {
				return err
			}
		}
		return nil
	})
}

// linkInserts are the multi-row INSERTs of one batch of links, their targets and their tags.
type linkInserts struct{ links, targets, tags string }

func newLinkInserts(rows int) linkInserts {
	return linkInserts{
		links:   multiRowInsert("links", seedColumns, rows),
		targets: multiRowInsert("link_targets", []string{"link_id", "object_id"}, rows),
		tags:    multiRowInsert("link_tags", []string{"link_id", "tag"}, rows),
	}
}

// multiRowInsert is an INSERT of rows rows into the given columns of table, all parameters.
func multiRowInsert(table string, columns []string, rows int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?,", len(columns)), ",") + "),"
	return "INSERT INTO " + table + " (" + strings.Join(columns, ", ") + ") VALUES " +
		strings.TrimSuffix(strings.Repeat(row, rows), ",")
}

// insertSQLiteLinks stores the n links of g with their targets, tags and events, 50,000 links a
// transaction. Multi-row INSERTs of 500 links keep the per-statement cost of the driver off the path
// (21 × 500 parameters, well under SQLite's limit).
func insertSQLiteLinks(ctx context.Context, conn *sql.Conn, g *generator, n int) error {
	const per, perTx = 500, 50_000
	full := newLinkInserts(per)
	var events []any // rows of eventColumns, inserted 500 rows at a time
	flushEvents := func(tx *sql.Tx, all bool) error {
		rowLen := len(eventColumns)
		for len(events) >= per*rowLen || (all && len(events) > 0) {
			rows := min(per, len(events)/rowLen)
			q := multiRowInsert("link_events", eventColumns, rows)
			if _, err := tx.ExecContext(ctx, q, events[:rows*rowLen]...); err != nil {
				return err
			}
			events = events[rows*rowLen:]
		}
		return nil
	}
	batches, stop := g.generate(n, per)
	defer stop()
	for start := 0; start < n; start += perTx {
		err := dbutil.InTx(ctx, conn, func(tx *sql.Tx) error {
			for b := start; b < min(start+perTx, n); b += per {
				batch := <-batches
				ins := full
				if len(batch) < per { // the last, short batch
					ins = newLinkInserts(len(batch))
				}
				if err := insertSQLiteBatch(ctx, tx, ins, batch); err != nil {
					return err
				}
				for _, r := range batch {
					for _, ev := range r.events {
						events = append(events, ev...)
					}
				}
				if err := flushEvents(tx, b+len(batch) >= n); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// insertSQLiteBatch stores one batch of links, their targets and their tags.
func insertSQLiteBatch(ctx context.Context, tx *sql.Tx, ins linkInserts, batch []row) error {
	linkArgs := make([]any, 0, len(batch)*len(seedColumns))
	targetArgs := make([]any, 0, 2*len(batch))
	tagArgs := make([]any, 0, 2*len(batch))
	for _, r := range batch {
		linkArgs = append(linkArgs, r.values...)
		targetArgs = append(targetArgs, r.id, r.target)
		tagArgs = append(tagArgs, r.id, r.tag)
	}
	for _, st := range []struct {
		q    string
		args []any
	}{{ins.links, linkArgs}, {ins.targets, targetArgs}, {ins.tags, tagArgs}} {
		if _, err := tx.ExecContext(ctx, st.q, st.args...); err != nil {
			return err
		}
	}
	return nil
}

// execEach runs each statement in turn on conn, stopping at the first error.
func execEach(ctx context.Context, conn *sql.Conn, statements ...string) error {
	for _, q := range statements {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}
