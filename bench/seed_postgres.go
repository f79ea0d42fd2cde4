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
