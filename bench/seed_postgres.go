package bench

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sharedesk/sharedesk/share"
)

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
	saved, err := setAsidePostgresIndexes(ctx, c)
	if err != nil {
		return err
	}
	err = pgExec(ctx, c, "SET session_replication_role = replica", "SET maintenance_work_mem = '512MB'")
	if err != nil {
		return err
	}
	g := newGenerator(keys, bucketID, now)
	if err := copyPostgresFolders(ctx, c, g); err != nil {
		return err
	}
	if err := copyPostgresLinks(ctx, c, g, n); err != nil {
		return err
	}
	rowsDone := time.Now()
	for _, d := range saved {
		if err := pgExec(ctx, c, d); err != nil {
			return err
		}
	}
	indexesDone := time.Now()
	if err := pgExec(ctx, c, "DELETE FROM link_counts",
		"INSERT INTO link_counts (bucket_id, n) SELECT bucket_id, COUNT(*) FROM links GROUP BY bucket_id",
		"VACUUM (ANALYZE) links", "VACUUM (ANALYZE) link_targets", "VACUUM (ANALYZE) link_tags",
		"VACUUM (ANALYZE) link_events", "ANALYZE"); err != nil {
		return err
	}
	fmt.Printf("postgres seed phases: rows (COPY) %s, indexes (trigram included) %s, vacuum and analyse %s\n",
		rowsDone.Sub(t0).Round(100*time.Millisecond), indexesDone.Sub(rowsDone).Round(100*time.Millisecond),
		time.Since(indexesDone).Round(100*time.Millisecond))
	return nil
}

// setAsidePostgresIndexes drops the secondary indexes of the link tables and returns the statements
// that create them again. A constraint's index (token_hash, UNIQUE) stays.
func setAsidePostgresIndexes(ctx context.Context, c *pgx.Conn) ([]string, error) {
	rows, err := c.Query(ctx, `SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
		AND tablename IN ('links', 'link_targets', 'link_tags', 'link_events') AND indexname NOT LIKE '%_pkey'`)
	if err != nil {
		return nil, err
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return nil, err
		}
		if !strings.Contains(def, "UNIQUE") {
			names, defs = append(names, name), append(defs, def)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, name := range names {
		if err := pgExec(ctx, c, "DROP INDEX "+pgx.Identifier{name}.Sanitize()); err != nil {
			return nil, err
		}
	}
	return defs, nil
}

// copyPostgresFolders stores the generator's target objects, as folders.
func copyPostgresFolders(ctx context.Context, c *pgx.Conn, g *generator) error {
	rows := make([][]any, len(g.objects))
	at := g.now.UnixMicro()
	for i, id := range g.objects {
		rows[i] = []any{id, g.bucketID, "", fmt.Sprintf("Folder %04d", i), "folder", at, at}
	}
	columns := []string{"id", "bucket_id", "parent_id", "name", "type", "created_at", "updated_at"}
	_, err := c.CopyFrom(ctx, pgx.Identifier{"objects"}, columns, pgx.CopyFromRows(rows))
	return err
}

// copyPostgresLinks streams links, targets, tags and events through four COPYs fed from the one
// generator, in chunks made on another goroutine while the last one is copied.
func copyPostgresLinks(ctx context.Context, c *pgx.Conn, g *generator, n int) error {
	batches, stop := g.generate(n, 50_000)
	defer stop()
	for batch := range batches {
		links := make([][]any, len(batch))
		targets := make([][]any, len(batch))
		tags := make([][]any, len(batch))
		var events [][]any
		for i, r := range batch {
			links[i], targets[i], tags[i] = r.values, []any{r.id, r.target}, []any{r.id, r.tag}
			events = append(events, r.events...)
		}
		for _, cp := range []struct {
			table   string
			columns []string
			rows    [][]any
		}{
			{"links", seedColumns, links},
			{"link_events", eventColumns, events},
			{"link_targets", []string{"link_id", "object_id"}, targets},
			{"link_tags", []string{"link_id", "tag"}, tags},
		} {
			if _, err := c.CopyFrom(ctx, pgx.Identifier{cp.table}, cp.columns, pgx.CopyFromRows(cp.rows)); err != nil {
				return fmt.Errorf("copy %s: %w", cp.table, err)
			}
		}
	}
	return nil
}

// pgExec runs each statement in turn, naming the one that failed.
func pgExec(ctx context.Context, c *pgx.Conn, statements ...string) error {
	for _, q := range statements {
		if _, err := c.Exec(ctx, q); err != nil {
			return fmt.Errorf("%.60s: %w", q, err)
		}
	}
	return nil
}
