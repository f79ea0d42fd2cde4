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
				if !s.d.postgres && l.search[col] && len([]rune(sub)) >= 3 && !strings.ContainsAny(sub, `%_\`) {
					// The trigram index answers LIKE for substrings of three characters or more (and
					// without an ESCAPE clause, hence only for substrings free of wildcards).
					clauses = append(clauses, fmt.Sprintf("%s.rowid IN (SELECT rowid FROM %s_fts WHERE %s LIKE ?)", l.table, l.table, col))
				} else {
					clauses = append(clauses, s.like(col))
				}
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

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?,", n), ",")
}

// page runs a keyset-paged listing: it returns up to q.Limit+1 rows (the extra row tells the caller
// there is a next page) and the total number of matches.
func (s *DB) page(ctx context.Context, l listing, cols string, q share.ListQuery, scan func(scanner) error) (int, error) {
	where, args, err := s.where(l, q)
	if err != nil {
		return 0, err
	}
	baseWhere, baseArgs := where, append([]any(nil), args...)
	orderCol, ok := l.columns[q.OrderBy]
	if !ok {
		return 0, fmt.Errorf("store: cannot order by %q", q.OrderBy)
	}
	dir, cmp := "ASC", ">"
	if q.Desc {
		dir, cmp = "DESC", "<"
	}
	if q.After != nil {
		if orderCol == "id" {
			where += " AND id " + cmp + " ?"
			args = append(args, q.After.ID)
		} else {
			where += fmt.Sprintf(" AND (%s, id) %s (?, ?)", orderCol, cmp)
			args = append(args, q.After.Value, q.After.ID)
		}
	}
	order := orderCol + " " + dir
	if orderCol != "id" {
		order += ", id " + dir
	}
	query := fmt.Sprintf("SELECT %s FROM %s WHERE %s ORDER BY %s LIMIT %d", cols, l.table, where, order, q.Limit+1)
	// The total runs beside the page on another connection: both are reads, and on a filtered listing
	// each can take as long as the other.
	type counted struct {
		n   int
		err error
	}
	countc := make(chan counted, 1)
	go func() {
		countQuery := "SELECT COUNT(*) FROM " + l.table + " WHERE " + baseWhere
		countArgs := baseArgs
		if l.counted && len(q.Conds) == 0 {
			countQuery, countArgs = "SELECT COALESCE((SELECT n FROM link_counts WHERE bucket_id = ?), 0)", []any{q.BucketID}
		}
		var n int
		err := s.db.QueryRowContext(ctx, s.q(countQuery), countArgs...).Scan(&n)
		if err != nil {
			err = fmt.Errorf("count %s: %w", l.table, err)
		}
		countc <- counted{n, err}
	}()
	err = s.scanAll(ctx, query, args, scan)
	c := <-countc
	if err != nil {
		return 0, err
	}
	return c.n, c.err
}

func (s *DB) scanAll(ctx context.Context, query string, args []any, scan func(scanner) error) error {
	rows, err := s.db.QueryContext(ctx, s.q(query), args...)
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
