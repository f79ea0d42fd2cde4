package store

import (
	"context"
	"database/sql"
)

// ExistingObjects returns which of ids have a row, for finding blobs nobody points at.
func (s *DB) ExistingObjects(ctx context.Context, ids []string) (map[string]bool, error) {
	out := make(map[string]bool, len(ids))
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		rows, err := s.db.QueryContext(
			ctx,
			s.q("SELECT id FROM objects WHERE id IN ("+placeholders(len(chunk))+")"),
			toAny(chunk)...)
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
