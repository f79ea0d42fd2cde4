package store

import (
	"context"
	"database/sql"

	"github.com/sharedesk/sharedesk/share"
)

// ExistingObjects returns which of ids have a row, for finding blobs nobody points at.
func (s *DB) ExistingObjects(ctx context.Context, ids []string) (map[string]bool, error) {
	out := make(map[string]bool, len(ids))
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		rows, err := s.db.QueryContext(ctx, s.q("SELECT id FROM objects WHERE id IN ("+placeholders(len(chunk))+")"), toAny(chunk)...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// ExpiredObjects returns up to limit objects whose file_ttl ran out by now (Micros), as bucket and
// object ids. It reads objects.expires_at (nullable, Micros; 0 or NULL: never), and finds nothing
// while that column does not exist yet, so the sweeper can run against any schema version.
func (s *DB) ExpiredObjects(ctx context.Context, now int64, limit int) ([]share.ObjectRef, error) {
	if !s.hasColumn(ctx, "objects", "expires_at") {
		return nil, nil
	}
	rows, err := s.db.QueryContext(ctx, s.q("SELECT bucket_id, id FROM objects WHERE expires_at IS NOT NULL AND expires_at > 0 AND expires_at <= ? ORDER BY expires_at LIMIT ?"), now, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []share.ObjectRef
	for rows.Next() {
		var r share.ObjectRef
		if err := rows.Scan(&r.BucketID, &r.ID); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// hasColumn reports whether table has column, by asking for it in a query that reads no rows.
func (s *DB) hasColumn(ctx context.Context, table, column string) bool {
	rows, err := s.db.QueryContext(ctx, "SELECT "+column+" FROM "+table+" WHERE 1 = 0")
	if err != nil {
		return false
	}
	rows.Close()
	return true
}

// DeleteLinksExpiredBefore deletes links that expired before the given time (Micros), with their
// codes, sessions and failure records (foreign keys cascade), and says how many went.
func (s *DB) DeleteLinksExpiredBefore(ctx context.Context, before int64) (int, error) {
	var n int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, "DELETE FROM links WHERE expires_at < ?", before)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}
