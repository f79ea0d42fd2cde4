package store

import (
	"context"
	"fmt"

	"github.com/sharedesk/sharedesk/share"
)

// withTotal is a row scanner that also reads the trailing total column.
type withTotal struct {
	sc    scanner
	total *int
}

func (w withTotal) Scan(dest ...any) error { return w.sc.Scan(append(dest, w.total)...) }

// Estimated counts look at about this many rows: enough that a filter matching more than
// share.CountBound rows of a million (1 %) is seen some fifty (SQLite) to a hundred times
// (PostgreSQL, whose block sample is coarser), which puts "about" within some 15 %. Each SQLite
// sample is a random row lookup, hence the smaller number.
const (
	estimateSampleSQLite   = 5_000
	estimateSamplePostgres = 10_000
)

// count counts the matches of a listing in the way q.Count asks (see share.CountExact and friends).
func (s *DB) count(
	ctx context.Context, l listing, q share.ListQuery, where string, args []any,
) (share.Count, error) {
	if q.Count == share.CountNone {
		return share.Count{Kind: share.CountNone}, nil
	}
	var n int
	if l.counted && len(q.Conds) == 0 {
		err := s.queryRow(ctx, "SELECT COALESCE((SELECT n FROM link_counts WHERE bucket_id = ?), 0)",
			q.BucketID).Scan(&n)
		return share.Count{N: n, Kind: share.CountExact}, err
	}
	if q.Count == share.CountExact || q.Count == "" {
		err := s.queryRow(ctx, "SELECT COUNT(*) FROM "+l.table+" WHERE "+where, args...).Scan(&n)
		return share.Count{N: n, Kind: share.CountExact}, err
	}
	// Bounded and estimated counts stop after CountBound+1 matches, so a broad filter costs no more
	// than a selective one.
	bounded := fmt.Sprintf("SELECT COUNT(*) FROM (SELECT 1 FROM %s WHERE %s LIMIT %d) AS m",
		l.table, where, share.CountBound+1)
	err := s.queryRow(ctx, bounded, args...).Scan(&n)
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

// estimate extrapolates the number of matches from a sample of about estimateSample rows of the
// table.
// SQLite: rowids spread evenly between the smallest and largest (a gap counts as a non-match, so no
// row count is needed). PostgreSQL: a block sample (TABLESAMPLE SYSTEM) sized from the planner's row
// count, repeatable so the same listing shows the same estimate.
func (s *DB) estimate(ctx context.Context, l listing, where string, args []any) (int, error) {
	if s.d.postgres {
		var rows float64
		planned := "SELECT COALESCE((SELECT reltuples FROM pg_class WHERE oid = to_regclass($1)), -1)"
		if err := s.db.QueryRowContext(ctx, planned, l.table).Scan(&rows); err != nil {
			return 0, err
		}
		pct := 100.0
		if rows > estimateSamplePostgres {
			pct = 100 * estimateSamplePostgres / rows
		}
		var hits int
		sample := fmt.Sprintf("SELECT COUNT(*) FROM %s TABLESAMPLE SYSTEM (%f) REPEATABLE (0) WHERE %s",
			l.table, pct, where)
		err := s.db.QueryRowContext(ctx, s.q(sample), args...).Scan(&hits)
		return int(float64(hits) * 100 / pct), err
	}
	var lo, hi int64
	// Two subqueries: SQLite reads MIN or MAX of the rowid from one end of the table only when the
	// aggregate stands alone (together they scan the table: half a second at a million rows).
	ends := fmt.Sprintf("SELECT COALESCE((SELECT MIN(rowid) FROM %[1]s), 0), "+
		"COALESCE((SELECT MAX(rowid) FROM %[1]s), -1)", l.table)
	if err := s.db.QueryRowContext(ctx, ends).Scan(&lo, &hi); err != nil {
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
		SELECT COUNT(*) FROM sample CROSS JOIN %[5]s ON %[5]s.rowid = sample.r WHERE %[6]s`,
		lo, step, step, hi, l.table, where)
	var hits int64
	err := s.db.QueryRowContext(ctx, query, args...).Scan(&hits)
	return int(hits * span / points), err
}
