package consoledb

import (
	"context"
	"database/sql"
	"errors"

	"github.com/sharedesk/sharedesk/applog"
)

// Session is a signed-in staff member. Times are Unix microseconds.
type Session struct {
	IDHash     string
	Subject    string
	Email      string
	Name       string
	Role       string
	IDToken    string
	Client     string
	UserAgent  string
	Data       string
	CreatedAt  int64
	LastSeenAt int64
}

// fields are where a row of sessionCols is scanned to, in that order.
func (s *Session) fields() []any {
	return []any{&s.IDHash, &s.Subject, &s.Email, &s.Name, &s.Role, &s.IDToken, &s.Client, &s.UserAgent, &s.Data,
		&s.CreatedAt, &s.LastSeenAt}
}

const sessionCols = "id_hash, subject, email, name, role, id_token, client, user_agent, data, created_at, last_seen_at"

// CreateSession inserts a new session; only a sign-in creates one.
func (d *DB) CreateSession(ctx context.Context, s Session) error {
	s.Email, s.Name = applog.Clip(s.Email, 320), applog.Clip(s.Name, 200)
	s.Client, s.UserAgent = applog.Clip(s.Client, 64), applog.Clip(s.UserAgent, 200)
	_, err := d.db.ExecContext(
		ctx,
		d.q(`INSERT INTO console_sessions (`+sessionCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		s.IDHash,
		s.Subject,
		s.Email,
		s.Name,
		s.Role,
		s.IDToken,
		s.Client,
		s.UserAgent,
		s.Data,
		s.CreatedAt,
		s.LastSeenAt,
	)
	return err
}

// UpdateSession stores a live session's data and activity. It only ever updates: a session that
// sign-out or an admin deleted meanwhile stays deleted (ErrNotFound), so a request in flight cannot
// bring it back.
func (d *DB) UpdateSession(ctx context.Context, idHash, data string, lastSeenAt int64) error {
	res, err := d.db.ExecContext(
		ctx,
		d.q("UPDATE console_sessions SET data = ?, last_seen_at = ? WHERE id_hash = ?"),
		data,
		lastSeenAt,
		idHash,
	)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrNotFound
	}
	return nil
}

// Session returns a session by the hash of its id.
func (d *DB) Session(ctx context.Context, idHash string) (Session, error) {
	var s Session
	err := d.db.QueryRowContext(ctx, d.q("SELECT "+sessionCols+" FROM console_sessions WHERE id_hash = ?"), idHash).
		Scan(s.fields()...)
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNotFound
	}
	return s, err
}

// TouchSession records activity.
func (d *DB) TouchSession(ctx context.Context, idHash string, at int64) error {
	_, err := d.db.ExecContext(ctx, d.q("UPDATE console_sessions SET last_seen_at = ? WHERE id_hash = ?"), at, idHash)
	return err
}

// DeleteSession ends a session.
func (d *DB) DeleteSession(ctx context.Context, idHash string) error {
	_, err := d.db.ExecContext(ctx, d.q("DELETE FROM console_sessions WHERE id_hash = ?"), idHash)
	return err
}

// Sessions lists live sessions, most recently active first.
func (d *DB) Sessions(ctx context.Context, idleSince, createdSince int64) ([]Session, error) {
	rows, err := d.db.QueryContext(
		ctx,
		d.q(
			"SELECT "+sessionCols+" FROM console_sessions WHERE last_seen_at > ? AND created_at > ? ORDER BY "+
				"last_seen_at DESC",
		),
		idleSince,
		createdSince,
	)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var s Session
		if err := rows.Scan(s.fields()...); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// PurgeSessions removes sessions past their idle or absolute limit.
func (d *DB) PurgeSessions(ctx context.Context, idleBefore, createdBefore int64) error {
	_, err := d.db.ExecContext(
		ctx,
		d.q("DELETE FROM console_sessions WHERE last_seen_at <= ? OR created_at <= ?"),
		idleBefore,
		createdBefore,
	)
	return err
}
