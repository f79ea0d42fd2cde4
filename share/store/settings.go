package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/sharedesk/sharedesk/share"
)

// Setting returns a service-wide setting, or share.ErrNotFound.
func (s *DB) Setting(ctx context.Context, name string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, s.q("SELECT value FROM settings WHERE name = ?"), name).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", share.ErrNotFound
	}
	return v, err
}

// SetSetting stores a service-wide setting.
func (s *DB) SetSetting(ctx context.Context, name, value string) error {
	_, err := s.exec(
		ctx,
		s.db,
		"INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
		name,
		value,
	)
	return err
}

// SampleSealedToken returns one link's id and sealed token, or share.ErrNotFound when there are none.
func (s *DB) SampleSealedToken(ctx context.Context) (string, []byte, error) {
	var id string
	var sealed []byte
	err := s.db.QueryRowContext(ctx, "SELECT id, token_sealed FROM links ORDER BY created_at DESC LIMIT 1").
		Scan(&id, &sealed)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil, share.ErrNotFound
	}
	return id, sealed, err
}

// ResealLinkTokens walks every link in id order, a batch per transaction, and stores the sealed
// tokens reseal replaces.
func (s *DB) ResealLinkTokens(ctx context.Context, reseal func(string, []byte) ([]byte, bool)) (int, error) {
	after, changed := "", 0
	for {
		type row struct {
			id     string
			sealed []byte
		}
		var batch []row
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(
				ctx,
				s.q("SELECT id, token_sealed FROM links WHERE id > ? ORDER BY id LIMIT 500"),
				after,
			)
			if err != nil {
				return err
			}
			for rows.Next() {
				var r row
				if err := rows.Scan(&r.id, &r.sealed); err != nil {
					rows.Close()
					return err
				}
				batch = append(batch, r)
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
			for _, r := range batch {
				if sealed, ok := reseal(r.id, r.sealed); ok {
					const q = "UPDATE links SET token_sealed = ? WHERE id = ?"
					if _, err := s.exec(ctx, tx, q, sealed, r.id); err != nil {
						return err
					}
					changed++
				}
			}
			return nil
		})
		if err != nil {
			return changed, err
		}
		if len(batch) < 500 {
			return changed, nil
		}
		after = batch[len(batch)-1].id
	}
}
