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
		"INSERT INTO api_tokens (id, name, hash, created_at, admin) VALUES (?, ?, ?, ?, ?)",
		t.ID,
		t.Name,
		t.Hash,
		share.Micros(t.CreatedAt),
		boolInt(t.Admin),
	)
	return err
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

const tokenCols = "id, name, hash, created_at, last_used_at, revoked_at, admin"

// scanToken reads a row of tokenCols.
func scanToken(row interface{ Scan(...any) error }) (share.Token, error) {
	var t share.Token
	var created, used, revoked int64
	var admin int
	if err := row.Scan(&t.ID, &t.Name, &t.Hash, &created, &used, &revoked, &admin); err != nil {
		return t, err
	}
	t.CreatedAt, t.LastUsedAt = share.FromMicros(created), share.FromMicros(used)
	t.RevokedAt = share.FromMicros(revoked)
	t.Admin = admin != 0
	return t, nil
}

// TokenByHash finds a token, revoked or not (the caller refuses revoked ones and can say why).
func (s *DB) TokenByHash(ctx context.Context, hash string) (share.Token, error) {
	t, err := scanToken(s.queryRow(ctx, "SELECT "+tokenCols+" FROM api_tokens WHERE hash = ?", hash))
	if errors.Is(err, sql.ErrNoRows) {
		return t, share.ErrNotFound
	}
	return t, err
}

// Tokens lists every token, revoked ones included, oldest first.
func (s *DB) Tokens(ctx context.Context) ([]share.Token, error) {
	rows, err := s.db.QueryContext(ctx, "SELECT "+tokenCols+" FROM api_tokens ORDER BY created_at, id")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []share.Token
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TokenUsed records that a token was used at, unless a use at or after since is recorded already:
// one conditional statement, so instances that see the same token at once write it once.
func (s *DB) TokenUsed(ctx context.Context, id string, at, since int64) error {
	_, err := s.exec(
		ctx,
		s.db,
		"UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND last_used_at < ?",
		at,
		id,
		since,
	)
	return err
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
