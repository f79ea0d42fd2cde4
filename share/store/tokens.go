package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/sharedesk/sharedesk/notify"
	"github.com/sharedesk/sharedesk/share"
)

// InsertToken stores an API token (its hash only).
func (s *DB) InsertToken(ctx context.Context, t share.Token) error {
	_, err := s.exec(
		ctx,
		s.db,
		"INSERT INTO api_tokens (id, name, hash, created_at) VALUES (?, ?, ?, ?)",
		t.ID,
		t.Name,
		t.Hash,
		share.Micros(t.CreatedAt),
	)
	return err
}

// TokenByHash finds a token, revoked or not (the caller refuses revoked ones and can say why).
func (s *DB) TokenByHash(ctx context.Context, hash string) (share.Token, error) {
	var t share.Token
	var created, revoked int64
	err := s.queryRow(ctx, "SELECT id, name, hash, created_at, revoked_at FROM api_tokens WHERE hash = ?", hash).
		Scan(&t.ID, &t.Name, &t.Hash, &created, &revoked)
	if errors.Is(err, sql.ErrNoRows) {
		return t, share.ErrNotFound
	}
	t.CreatedAt, t.RevokedAt = share.FromMicros(created), share.FromMicros(revoked)
	return t, err
}

// Tokens lists every token, revoked ones included, oldest first.
func (s *DB) Tokens(ctx context.Context) ([]share.Token, error) {
	rows, err := s.db.QueryContext(
		ctx,
		"SELECT id, name, hash, created_at, revoked_at FROM api_tokens ORDER BY created_at, id",
	)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []share.Token
	for rows.Next() {
		var t share.Token
		var created, revoked int64
		if err := rows.Scan(&t.ID, &t.Name, &t.Hash, &created, &revoked); err != nil {
			return nil, err
		}
		t.CreatedAt, t.RevokedAt = share.FromMicros(created), share.FromMicros(revoked)
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken revokes the live tokens whose id or name is idOrName and says how many.
func (s *DB) RevokeToken(ctx context.Context, idOrName string, at int64) (int, error) {
	res, err := s.exec(
		ctx,
		s.db,
		"UPDATE api_tokens SET revoked_at = ? WHERE (id = ? OR name = ?) AND revoked_at = 0",
		at,
		idOrName,
		idOrName,
	)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// SaveMessage adds a message to the outbox.
func (s *DB) SaveMessage(ctx context.Context, m notify.Message) error {
	_, err := s.exec(
		ctx,
		s.db,
		"INSERT INTO outbox (kind, recipient, subject, body_text, body_html, created_at) VALUES (?, ?, ?, ?, ?, ?)",
		m.Kind,
		m.To,
		m.Subject,
		m.Text,
		m.HTML,
		share.Micros(m.CreatedAt),
	)
	return err
}

// Messages returns the newest outbox messages first.
func (s *DB) Messages(ctx context.Context, limit int) ([]notify.Message, error) {
	rows, err := s.db.QueryContext(
		ctx,
		s.q(
			"SELECT id, kind, recipient, subject, body_text, body_html, created_at FROM outbox ORDER BY id DESC "+
				"LIMIT ?",
		),
		limit,
	)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []notify.Message
	for rows.Next() {
		var m notify.Message
		var created int64
		if err := rows.Scan(&m.ID, &m.Kind, &m.To, &m.Subject, &m.Text, &m.HTML, &created); err != nil {
			return nil, err
		}
		m.CreatedAt = share.FromMicros(created)
		out = append(out, m)
	}
	return out, rows.Err()
}
