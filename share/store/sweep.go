package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
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

// TryLock takes the named lock for one instance at a time, without waiting: ok is false when another
// holder has it. On PostgreSQL it is a session advisory lock, scoped to the schema so deployments
// (and tests) sharing a database do not block each other, held on one connection until release;
// SQLite has a single instance, which always gets it.
func (s *DB) TryLock(ctx context.Context, name string) (release func(), ok bool, err error) {
	if !s.d.postgres {
		return func() {}, true, nil
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, false, err
	}
	const key = "hashtextextended($1 || '/' || current_schema(), 0)"
	if err := conn.QueryRowContext(ctx, "SELECT pg_try_advisory_lock("+key+")", name).Scan(&ok); err != nil || !ok {
		conn.Close()
		return nil, false, err
	}
	return func() {
		// Unlocked without the caller's context, which may be over: a lock left on a pooled
		// connection would stop every later pass.
		if _, err := conn.ExecContext(context.Background(), "SELECT pg_advisory_unlock("+key+")", name); err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn }) // drop the connection, and the lock with it
		}
		conn.Close()
	}, true, nil
}
