package store

import (
	"context"
	"fmt"

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

// page runs a keyset-paged listing: it returns up to q.Limit+1 rows (the extra row tells the caller
// there is a next page) and the number of matches, counted as q.Count asks.
func (s *DB) page(
	ctx context.Context, l listing, cols string, q share.ListQuery, scan func(scanner) error,
) (share.Count, error) {
	where, args, err := s.where(l, q)
	if err != nil {
		return share.Count{}, err
	}
	orderCol, ok := l.columns[q.OrderBy]
	if !ok {
		return share.Count{}, fmt.Errorf("store: cannot order by %q", q.OrderBy)
	}
	p := pageQuery{l: l, cols: cols, q: q, where: where, args: args}
	p.keyset, p.keysetArgs, p.order = keysetAfter(orderCol, q)
	switch {
	case q.Count != share.CountNone && s.matchDriven(l, q):
		return s.pageWithTotal(ctx, p, scan)
	case l.counted && len(q.Conds) == 0 && q.Count != share.CountNone:
		return s.pageWithCounter(ctx, p, scan)
	default:
		return s.pageBesideCount(ctx, p, scan)
	}
}

// pageQuery is one page of a listing: its WHERE clause without the keyset, the keyset that starts
// the page after the cursor, and the order.
type pageQuery struct {
	l          listing
	cols       string
	q          share.ListQuery
	where      string
	args       []any
	keyset     string // " AND …", or "" on the first page
	keysetArgs []any
	order      string
}

// pageSQL is the page's SELECT, with the keyset applied.
func (p pageQuery) pageSQL(extraCols string) (string, []any) {
	query := fmt.Sprintf("SELECT %s%s FROM %s WHERE %s ORDER BY %s LIMIT %d",
		p.cols, extraCols, p.l.table, p.where+p.keyset, p.order, p.q.Limit+1)
	return query, p.pageArgs()
}

// pageArgs are the arguments of the page's WHERE: the filter's, then the keyset's.
func (p pageQuery) pageArgs() []any { return append(append([]any(nil), p.args...), p.keysetArgs...) }

// keysetAfter is the condition that starts a page after q.After (none on the first page) and the
// order it goes in: by the order column, then by id, so that rows with equal values keep one order.
func keysetAfter(orderCol string, q share.ListQuery) (keyset string, args []any, order string) {
	dir, cmp := "ASC", ">"
	if q.Desc {
		dir, cmp = "DESC", "<"
	}
	if q.After != nil {
		if orderCol == "id" {
			keyset, args = " AND id "+cmp+" ?", []any{q.After.ID}
		} else {
			keyset, args = fmt.Sprintf(" AND (%s, id) %s (?, ?)", orderCol, cmp), []any{q.After.Value, q.After.ID}
		}
	}
	order = orderCol + " " + dir
	if orderCol != "id" {
		order += ", id " + dir
	}
	return keyset, args, order
}

// pageWithCounter reads an unfiltered page of a counted table. The total is one row of the
// trigger-kept counter: read with the page, it costs no second statement, connection or goroutine.
// Past the last page no row carries it, and a plain count answers.
func (s *DB) pageWithCounter(ctx context.Context, p pageQuery, scan func(scanner) error) (share.Count, error) {
	query, args := p.pageSQL(", (SELECT COALESCE((SELECT n FROM link_counts WHERE bucket_id = ?), 0))")
	total := -1
	err := s.scanAll(ctx, query, append([]any{p.q.BucketID}, args...), func(sc scanner) error {
		return scan(withTotal{sc, &total})
	})
	if err != nil || total >= 0 {
		return share.Count{N: max(total, 0), Kind: share.CountExact}, err
	}
	return s.count(ctx, p.l, p.q, p.where, p.args)
}

// pageBesideCount reads a page while the total runs beside it on another connection: both are reads,
// and on a filtered listing each can take as long as the other.
func (s *DB) pageBesideCount(ctx context.Context, p pageQuery, scan func(scanner) error) (share.Count, error) {
	query, args := p.pageSQL("")
	type counted struct {
		c   share.Count
		err error
	}
	countc := make(chan counted, 1)
	go func() {
		c, err := s.count(ctx, p.l, p.q, p.where, p.args)
		if err != nil {
			err = fmt.Errorf("count %s: %w", p.l.table, err)
		}
		countc <- counted{c, err}
	}()
	err := s.scanAll(ctx, query, args, scan)
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
func (s *DB) pageWithTotal(ctx context.Context, p pageQuery, scan func(scanner) error) (share.Count, error) {
	query := fmt.Sprintf("SELECT %[1]s, total FROM (SELECT %[1]s, COUNT(*) OVER () AS total FROM %[2]s WHERE %[3]s)"+
		" AS m WHERE 1 = 1%[4]s ORDER BY %[5]s LIMIT %[6]d", p.cols, p.l.table, p.where, p.keyset, p.order, p.q.Limit+1)
	total := -1
	err := s.scanAll(ctx, query, p.pageArgs(), func(sc scanner) error {
		return scan(withTotal{sc, &total})
	})
	if err != nil {
		return share.Count{}, err
	}
	if total >= 0 {
		return share.Count{N: total, Kind: share.CountExact}, nil
	}
	if p.q.After == nil {
		return share.Count{Kind: share.CountExact}, nil
	}
	exact := p.q
	exact.Count = share.CountExact
	return s.count(ctx, p.l, exact, p.where, p.args)
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
