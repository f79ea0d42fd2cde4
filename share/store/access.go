package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/sharedesk/sharedesk/share"
)

// LinkByTokenHash finds the link whose URL token hashes to hash.
func (s *DB) LinkByTokenHash(ctx context.Context, hash string) (share.Link, error) {
	return scanLink(s.db.QueryRowContext(ctx, s.q("SELECT "+linkCols+" FROM links WHERE token_hash = ?"), hash))
}

// ConsumeAccess counts one access to the link if it is still within its limit and expiry. The check
// and the increment are one statement, so concurrent successes can never exceed the limit.
func (s *DB) ConsumeAccess(ctx context.Context, linkID string, now int64) (bool, error) {
	var n int64
	err := s.db.QueryRowContext(ctx, s.q(`UPDATE links SET access_count = access_count + 1, last_accessed_at = ?
		WHERE id = ? AND access_count < max_access_count AND expires_at > ? RETURNING access_count`), now, linkID, now).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// InsertOTP stores a one-time code (its hash only); earlier codes of the same authenticator stop working.
func (s *DB) InsertOTP(ctx context.Context, c share.OTP) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := s.exec(ctx, tx, "UPDATE otp_codes SET superseded = 1 WHERE link_id = ? AND auth_index = ? AND superseded = 0", c.LinkID, c.AuthIndex); err != nil {
			return err
		}
		_, err := s.exec(ctx, tx, "INSERT INTO otp_codes (id, link_id, auth_index, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
			c.ID, c.LinkID, c.AuthIndex, c.CodeHash, c.CreatedAt, c.ExpiresAt)
		return err
	})
}

// CountOTPsSince counts the codes issued for a link since a time.
func (s *DB) CountOTPsSince(ctx context.Context, linkID string, since int64) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM otp_codes WHERE link_id = ? AND created_at > ?"), linkID, since).Scan(&n)
	return n, err
}

// LatestOTP returns the newest code issued for one authenticator of a link.
func (s *DB) LatestOTP(ctx context.Context, linkID string, authIndex int) (share.OTP, error) {
	var c share.OTP
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id, link_id, auth_index, code_hash, created_at, expires_at, attempts, used_at
		FROM otp_codes WHERE link_id = ? AND auth_index = ? AND superseded = 0 ORDER BY created_at DESC, id DESC LIMIT 1`), linkID, authIndex).
		Scan(&c.ID, &c.LinkID, &c.AuthIndex, &c.CodeHash, &c.CreatedAt, &c.ExpiresAt, &c.Attempts, &c.UsedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return c, share.ErrNotFound
	}
	return c, err
}

// FailOTP counts one wrong try against a code and returns the tries so far.
func (s *DB) FailOTP(ctx context.Context, id string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, s.q("UPDATE otp_codes SET attempts = attempts + 1 WHERE id = ? RETURNING attempts"), id).Scan(&n)
	return n, err
}

// UseOTP marks a code used if it is still unused, unexpired and under the try limit; it reports
// whether this call was the one that used it.
func (s *DB) UseOTP(ctx context.Context, id string, now int64, maxAttempts int) (bool, error) {
	res, err := s.exec(ctx, s.db, "UPDATE otp_codes SET used_at = ? WHERE id = ? AND used_at = 0 AND expires_at > ? AND attempts < ?", now, id, now, maxAttempts)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// RecordAuthFailure notes one failed authentication.
func (s *DB) RecordAuthFailure(ctx context.Context, linkID, client string, at int64) error {
	_, err := s.exec(ctx, s.db, "INSERT INTO auth_failures (link_id, client, at) VALUES (?, ?, ?)", linkID, client, at)
	return err
}

// CountAuthFailures counts failures since a time against the link and from the client (any link).
func (s *DB) CountAuthFailures(ctx context.Context, linkID, client string, since int64) (perLink, perClient int, err error) {
	err = s.db.QueryRowContext(ctx, s.q(`SELECT
		(SELECT COUNT(*) FROM auth_failures WHERE link_id = ? AND at > ?),
		(SELECT COUNT(*) FROM auth_failures WHERE client = ? AND at > ?)`), linkID, since, client, since).Scan(&perLink, &perClient)
	return perLink, perClient, err
}

// InsertPortalSession stores a recipient session (the hash of its cookie value).
func (s *DB) InsertPortalSession(ctx context.Context, p share.PortalSession) error {
	_, err := s.exec(ctx, s.db, "INSERT INTO portal_sessions (id_hash, link_id, created_at, expires_at) VALUES (?, ?, ?, ?)", p.IDHash, p.LinkID, p.CreatedAt, p.ExpiresAt)
	return err
}

// PortalSession returns the session with this hash.
func (s *DB) PortalSession(ctx context.Context, idHash string) (share.PortalSession, error) {
	var p share.PortalSession
	err := s.db.QueryRowContext(ctx, s.q("SELECT id_hash, link_id, created_at, expires_at FROM portal_sessions WHERE id_hash = ?"), idHash).
		Scan(&p.IDHash, &p.LinkID, &p.CreatedAt, &p.ExpiresAt)
	if errors.Is(err, sql.ErrNoRows) {
		return p, share.ErrNotFound
	}
	return p, err
}

// DeletePortalSession ends one session.
func (s *DB) DeletePortalSession(ctx context.Context, idHash string) error {
	_, err := s.exec(ctx, s.db, "DELETE FROM portal_sessions WHERE id_hash = ?", idHash)
	return err
}

// PurgeExpired removes expired sessions, codes and old failure records.
func (s *DB) PurgeExpired(ctx context.Context, now, failuresBefore int64) error {
	for _, q := range []struct {
		sql string
		arg int64
	}{
		{"DELETE FROM portal_sessions WHERE expires_at <= ?", now},
		{"DELETE FROM otp_codes WHERE expires_at <= ?", now - 3600_000_000},
		{"DELETE FROM auth_failures WHERE at <= ?", failuresBefore},
	} {
		if _, err := s.exec(ctx, s.db, q.sql, q.arg); err != nil {
			return err
		}
	}
	return nil
}
