package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/sharedesk/sharedesk/share"
)

// listing describes how one table is filtered and ordered.
type listing struct {
	table    string
	search   map[string]bool   // columns in the SQLite trigram index, for substring filters
	columns  map[string]string // wire field -> column, for plain filters and ordering
	tagTable string            // (owner_id, tag) rows for the tags filter
	tagOwner string
	counted  bool // an unfiltered count comes from the trigger-kept link_counts table
}

var linkListing = listing{
	table: "links",
	columns: map[string]string{
		"id": "id", "bucket_id": "bucket_id", "link_type": "link_type", "title": "title", "message": "message",
		"recipient_email": "recipient_email", "sender_email": "sender_email", "access_count": "access_count",
		"max_access_count": "max_access_count", "created_at": "created_at", "expires_at": "expires_at",
		"last_accessed_at": "last_accessed_at", "target": "targets", "link": "token_hash",
	},
	tagTable: "link_tags",
	tagOwner: "link_id",
	search:   map[string]bool{"title": true, "message": true, "recipient_email": true, "sender_email": true},
	counted:  true,
}

var objectListing = listing{
	table: "objects",
	columns: map[string]string{
		"id": "id", "name": "name", "parent_id": "parent_id", "type": "type", "size": "size",
		"created_at": "created_at", "updated_at": "updated_at",
	},
	tagTable: "object_tags",
	tagOwner: "object_id",
}

var comparisons = map[string]string{share.OpEq: "=", share.OpGt: ">", share.OpGte: ">=", share.OpLt: "<", share.OpLte: "<="}

// where builds the WHERE clause (without keyset) for q.
func (s *DB) where(l listing, q share.ListQuery) (string, []any, error) {
	clauses := []string{"bucket_id = ?"}
	args := []any{q.BucketID}
	for _, c := range q.Conds {
		var col string
		switch c.Field {
		case "tags":
			// IN (subquery) rather than EXISTS lets the planner start from the tag index when the tag is rare.
			for _, v := range c.Values {
				clauses = append(clauses, fmt.Sprintf("id IN (SELECT %s FROM %s WHERE tag = ?)", l.tagOwner, l.tagTable))
				args = append(args, v)
			}
			continue
		case "target_id":
			clause, a := s.targetClause(c)
			clauses = append(clauses, clause)
			args = append(args, a...)
			continue
		case "ext_person":
			for _, v := range c.Values {
				clause, a := s.personClause(v.(string))
				clauses = append(clauses, clause)
				args = append(args, a...)
			}
			continue
		case "ext_activity":
			clause, a := activityClause(c.Values[0].(string))
			clauses = append(clauses, clause)
			args = append(args, a...)
			continue
		default:
			var ok bool
			col, ok = l.columns[c.Field]
			if !ok {
				return "", nil, fmt.Errorf("store: no column for filter %q", c.Field)
			}
		}
		if c.Field == "last_accessed_at" {
			clauses = append(clauses, "last_accessed_at <> 0") // 0 means never: it matches no range
		}
		switch c.Op {
		case share.OpContains:
			for _, v := range c.Values {
				sub := v.(string)
				if !s.d.postgres && l.search[col] && len([]rune(sub)) >= 3 {
					// The trigram index answers a quoted phrase from its position lists alone: a run of
					// consecutive trigrams is exactly a substring, case-folded. LIKE on the same index
					// re-reads every candidate row to check it (a term matching 80,000 links took 0.8 s
					// instead of 11 ms), and could not take wildcards literally.
					clauses = append(clauses, fmt.Sprintf("%s.rowid IN (SELECT rowid FROM %s_fts WHERE %s_fts MATCH ?)", l.table, l.table, l.table))
					args = append(args, "{"+col+"} : "+ftsPhrase(sub))
					continue
				}
				clauses = append(clauses, s.like(col))
				args = append(args, likePattern(sub))
			}
		case share.OpIn:
			clauses = append(clauses, col+" IN ("+placeholders(len(c.Values))+")")
			args = append(args, c.Values...)
		default:
			op, ok := comparisons[c.Op]
			if !ok {
				return "", nil, fmt.Errorf("store: unknown operator %q", c.Op)
			}
			clauses = append(clauses, col+" "+op+" ?")
			args = append(args, c.Values[0])
		}
	}
	return strings.Join(clauses, " AND "), args, nil
}

func (s *DB) targetClause(c share.Cond) (string, []any) {
	const sub = "id IN (SELECT lt.link_id FROM link_targets lt WHERE "
	switch c.Op {
	case share.OpContains:
		// Every substring must be in one and the same target.
		parts := make([]string, len(c.Values))
		args := make([]any, len(c.Values))
		for i, v := range c.Values {
			parts[i] = s.like("lt.object_id")
			args[i] = likePattern(v.(string))
		}
		return sub + strings.Join(parts, " AND ") + ")", args
	case share.OpIn:
		return sub + "lt.object_id IN (" + placeholders(len(c.Values)) + "))", c.Values
	default:
		return sub + "lt.object_id = ?)", c.Values[:1]
	}
}

// personClause finds links by a substring of any address or phone they are for (links.people, kept by
// the triggers of migration 00010), in any of the forms share.PersonTerms gives. Three characters and
// more are answered by a trigram index: SQLite's links_people_fts (one FTS5 query, the forms joined
// by OR), PostgreSQL's pg_trgm index on people (one ILIKE per form, which the planner ORs as bitmaps).
func (s *DB) personClause(term string) (string, []any) {
	terms := share.PersonTerms(term)
	if !s.d.postgres && allTrigram(terms) {
		phrases := make([]string, len(terms))
		for i, t := range terms {
			phrases[i] = ftsPhrase(t)
		}
		return "links.rowid IN (SELECT rowid FROM links_people_fts WHERE links_people_fts MATCH ?)",
			[]any{strings.Join(phrases, " OR ")}
	}
	parts := make([]string, len(terms))
	args := make([]any, len(terms))
	for i, t := range terms {
		parts[i], args[i] = s.like("people"), likePattern(t)
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// allTrigram reports whether every term is long enough for a trigram index (three characters).
func allTrigram(terms []string) bool {
	for _, t := range terms {
		if len([]rune(t)) < 3 {
			return false
		}
	}
	return true
}

// activityClause filters links by what their recipients did: links.opened and links.downloaded, set
// from link_events by a trigger (migration 00010). The values are literals, not parameters, so the
// planners see that the partial index links_downloaded (WHERE downloaded = 1) applies; links_opened
// (bucket_id, opened, created_at, id) serves both opened and never opened.
func activityClause(activity string) (string, []any) {
	switch activity {
	case share.ActivityOpened:
		return "opened = 1", nil
	case share.ActivityNeverOpened:
		return "opened = 0", nil
	default: // share.ActivityDownloaded
		return "downloaded = 1", nil
	}
}

// ftsPhrase quotes a substring as an FTS5 phrase: inside double quotes everything is literal but the
// double quote itself, which is doubled.
func ftsPhrase(sub string) string {
	return `"` + strings.ReplaceAll(sub, `"`, `""`) + `"`
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// page runs a keyset-paged listing: it returns up to q.Limit+1 rows (the extra row tells the caller
// there is a next page) and the number of matches, counted as q.Count asks.
func (s *DB) page(ctx context.Context, l listing, cols string, q share.ListQuery, scan func(scanner) error) (share.Count, error) {
	where, args, err := s.where(l, q)
	if err != nil {
		return share.Count{}, err
	}
	baseWhere, baseArgs := where, append([]any(nil), args...)
	orderCol, ok := l.columns[q.OrderBy]
	if !ok {
		return share.Count{}, fmt.Errorf("store: cannot order by %q", q.OrderBy)
	}
	dir, cmp := "ASC", ">"
	if q.Desc {
		dir, cmp = "DESC", "<"
	}
	keyset, keysetArgs := "", []any(nil)
	if q.After != nil {
		if orderCol == "id" {
			keyset, keysetArgs = " AND id "+cmp+" ?", []any{q.After.ID}
		} else {
			keyset, keysetArgs = fmt.Sprintf(" AND (%s, id) %s (?, ?)", orderCol, cmp), []any{q.After.Value, q.After.ID}
		}
	}
	order := orderCol + " " + dir
	if orderCol != "id" {
		order += ", id " + dir
	}
	if q.Count != share.CountNone && s.matchDriven(l, q) {
		return s.pageWithTotal(ctx, l, cols, q, baseWhere, baseArgs, keyset, keysetArgs, order, scan)
	}
	where += keyset
	args = append(args, keysetArgs...)
	if l.counted && len(q.Conds) == 0 && q.Count != share.CountNone {
		// The unfiltered total is one row of the trigger-kept counter: read with the page, it costs no
		// second statement, connection or goroutine. Past the last page no row carries it.
		query := fmt.Sprintf("SELECT %s, (SELECT COALESCE((SELECT n FROM link_counts WHERE bucket_id = ?), 0)) FROM %s WHERE %s ORDER BY %s LIMIT %d",
			cols, l.table, where, order, q.Limit+1)
		total := -1
		err := s.scanAll(ctx, query, append([]any{q.BucketID}, args...), func(sc scanner) error { return scan(withTotal{sc, &total}) })
		if err != nil || total >= 0 {
			return share.Count{N: max(total, 0), Kind: share.CountExact}, err
		}
		return s.count(ctx, l, q, baseWhere, baseArgs)
	}
	query := fmt.Sprintf("SELECT %s FROM %s WHERE %s ORDER BY %s LIMIT %d", cols, l.table, where, order, q.Limit+1)
	// The total runs beside the page on another connection: both are reads, and on a filtered listing
	// each can take as long as the other.
	type counted struct {
		c   share.Count
		err error
	}
	countc := make(chan counted, 1)
	go func() {
		c, err := s.count(ctx, l, q, baseWhere, baseArgs)
		if err != nil {
			err = fmt.Errorf("count %s: %w", l.table, err)
		}
		countc <- counted{c, err}
	}()
	err = s.scanAll(ctx, query, args, scan)
	c := <-countc
	if err != nil {
		return share.Count{}, err
	}
	return c.c, c.err
}

// matchDriven reports whether a listing is answered from a trigram index's match set (a substring
// filter the index serves): the database then visits and sorts every match for the page anyway.
func (s *DB) matchDriven(l listing, q share.ListQuery) bool {
	for _, c := range q.Conds {
		if c.Field == "ext_person" {
			for _, v := range c.Values {
				if s.d.postgres || allTrigram(share.PersonTerms(v.(string))) {
					return true
				}
			}
			continue
		}
		if c.Op != share.OpContains || !l.search[l.columns[c.Field]] {
			continue
		}
		for _, v := range c.Values {
			if s.d.postgres || len([]rune(v.(string))) >= 3 {
				return true
			}
		}
	}
	return false
}

// pageWithTotal reads a page and the exact number of matches in one query (COUNT(*) OVER the whole
// match set, the keyset applied outside it), for listings whose every match is visited anyway: a
// separate count would run the index search a second time. Past the last page no row carries the
// total, and a plain count answers.
func (s *DB) pageWithTotal(ctx context.Context, l listing, cols string, q share.ListQuery, where string, args []any, keyset string, keysetArgs []any, order string, scan func(scanner) error) (share.Count, error) {
	query := fmt.Sprintf("SELECT %s, total FROM (SELECT %s, COUNT(*) OVER () AS total FROM %s WHERE %s) AS m WHERE 1 = 1%s ORDER BY %s LIMIT %d",
		cols, cols, l.table, where, keyset, order, q.Limit+1)
	total := -1
	err := s.scanAll(ctx, query, append(append([]any(nil), args...), keysetArgs...), func(sc scanner) error {
		return scan(withTotal{sc, &total})
	})
	if err != nil {
		return share.Count{}, err
	}
	if total >= 0 {
		return share.Count{N: total, Kind: share.CountExact}, nil
	}
	if q.After == nil {
		return share.Count{Kind: share.CountExact}, nil
	}
	exact := q
	exact.Count = share.CountExact
	return s.count(ctx, l, exact, where, args)
}

// withTotal is a row scanner that also reads the trailing total column.
type withTotal struct {
	sc    scanner
	total *int
}

func (w withTotal) Scan(dest ...any) error { return w.sc.Scan(append(dest, w.total)...) }

// Estimated counts look at about this many rows: enough that a filter matching more than
// share.CountBound rows of a million (1 %) is seen some fifty (SQLite) to a hundred times (PostgreSQL,
// whose block sample is coarser), which puts "about" within some 15 %. Each SQLite sample is a random
// row lookup, hence the smaller number.
const (
	estimateSampleSQLite   = 5_000
	estimateSamplePostgres = 10_000
)

// count counts the matches of a listing in the way q.Count asks (see share.CountExact and friends).
func (s *DB) count(ctx context.Context, l listing, q share.ListQuery, where string, args []any) (share.Count, error) {
	if q.Count == share.CountNone {
		return share.Count{Kind: share.CountNone}, nil
	}
	var n int
	if l.counted && len(q.Conds) == 0 {
		err := s.queryRow(ctx, "SELECT COALESCE((SELECT n FROM link_counts WHERE bucket_id = ?), 0)", q.BucketID).Scan(&n)
		return share.Count{N: n, Kind: share.CountExact}, err
	}
	if q.Count == share.CountExact || q.Count == "" {
		err := s.queryRow(ctx, "SELECT COUNT(*) FROM "+l.table+" WHERE "+where, args...).Scan(&n)
		return share.Count{N: n, Kind: share.CountExact}, err
	}
	// Bounded and estimated counts stop after CountBound+1 matches, so a broad filter costs no more
	// than a selective one.
	err := s.queryRow(ctx, fmt.Sprintf("SELECT COUNT(*) FROM (SELECT 1 FROM %s WHERE %s LIMIT %d) AS m", l.table, where, share.CountBound+1), args...).Scan(&n)
	if err != nil || n <= share.CountBound {
		return share.Count{N: n, Kind: share.CountExact}, err
	}
	if q.Count == share.CountBounded {
		return share.Count{N: share.CountBound, Kind: share.CountBounded, More: true}, nil
	}
	est, err := s.estimate(ctx, l, where, args)
	if err != nil {
		return share.Count{}, err
	}
	// The sample may miss matches the bounded count saw: the estimate never says less than it.
	return share.Count{N: max(est, share.CountBound+1), Kind: share.CountEstimate}, nil
}

// estimate extrapolates the number of matches from a sample of about estimateSample rows of the table.
// SQLite: rowids spread evenly between the smallest and largest (a gap counts as a non-match, so no
// row count is needed). PostgreSQL: a block sample (TABLESAMPLE SYSTEM) sized from the planner's row
// count, repeatable so the same listing shows the same estimate.
func (s *DB) estimate(ctx context.Context, l listing, where string, args []any) (int, error) {
	if s.d.postgres {
		var rows float64
		if err := s.db.QueryRowContext(ctx, "SELECT COALESCE((SELECT reltuples FROM pg_class WHERE oid = to_regclass($1)), -1)", l.table).Scan(&rows); err != nil {
			return 0, err
		}
		pct := 100.0
		if rows > estimateSamplePostgres {
			pct = 100 * estimateSamplePostgres / rows
		}
		var hits int
		err := s.db.QueryRowContext(ctx, s.q(fmt.Sprintf("SELECT COUNT(*) FROM %s TABLESAMPLE SYSTEM (%f) REPEATABLE (0) WHERE %s", l.table, pct, where)), args...).Scan(&hits)
		return int(float64(hits) * 100 / pct), err
	}
	var lo, hi int64
	// Two subqueries: SQLite reads MIN or MAX of the rowid from one end of the table only when the
	// aggregate stands alone (together they scan the table: half a second at a million rows).
	if err := s.db.QueryRowContext(ctx, fmt.Sprintf("SELECT COALESCE((SELECT MIN(rowid) FROM %[1]s), 0), COALESCE((SELECT MAX(rowid) FROM %[1]s), -1)", l.table)).Scan(&lo, &hi); err != nil {
		return 0, err
	}
	span := hi - lo + 1
	if span <= 0 {
		return 0, nil
	}
	step := max(1, span/estimateSampleSQLite)
	points := (span + step - 1) / step
	// CROSS JOIN keeps the generated rowids as the outer loop: each sample is one rowid lookup.
	query := fmt.Sprintf(`WITH RECURSIVE sample(r) AS (SELECT %d UNION ALL SELECT r + %d FROM sample WHERE r + %d <= %d)
		SELECT COUNT(*) FROM sample CROSS JOIN %s ON %s.rowid = sample.r WHERE %s`, lo, step, step, hi, l.table, l.table, where)
	var hits int64
	err := s.db.QueryRowContext(ctx, query, args...).Scan(&hits)
	return int(hits * span / points), err
}

func (s *DB) scanAll(ctx context.Context, query string, args []any, scan func(scanner) error) error {
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("list: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

type scanner interface {
	Scan(dest ...any) error
}
