package store

import (
	"context"
	"database/sql"
	"errors"

	"github.com/sharedesk/sharedesk/share"
)

// LinkByTokenHash finds the link whose URL token hashes to hash.
func (s *DB) LinkByTokenHash(ctx context.Context, hash string) (share.Link, error) {
	return scanLink(s.queryRow(ctx, "SELECT "+linkCols+" FROM links WHERE token_hash = ?", hash))
}

// ConsumeAccess counts one access to the link if it is still within its limit and expiry, and stores
// ev with it, and limitEv too when this access was the last one allowed. The check and the increment
// are one statement, so concurrent successes can never exceed the limit.
func (s *DB) ConsumeAccess(ctx context.Context, linkID string, now int64, ev, limitEv share.Event) (bool, error) {
	ok := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var n, limit int64
		err := tx.QueryRowContext(ctx, s.q(`UPDATE links SET access_count = access_count + 1, last_accessed_at = ?
			WHERE id = ? AND access_count < max_access_count AND expires_at > ?
			RETURNING access_count, max_access_count`), now, linkID, now).Scan(&n, &limit)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		ok = true
		evs := []share.Event{ev}
		if n >= limit {
			evs = append(evs, limitEv)
		}
		return s.insertEvents(ctx, tx, evs)
	})
	return ok && err == nil, err
}

// lockKeys serialises, on PostgreSQL, the transactions that check a limit and record against it
// under the same keys: a conditional INSERT alone does not see rows that concurrent transactions have
// not committed yet, so without the lock a burst would pass the check together. Keys are taken in the
// order given; callers always pass them in one fixed order, so two transactions never wait on each
// other. SQLite needs nothing: its transactions take the write lock at BEGIN (_txlock=immediate).
func (s *DB) lockKeys(ctx context.Context, tx *sql.Tx, keys ...string) error {
	if !s.d.postgres {
		return nil
	}
	for _, k := range keys {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended($1, 0))", k); err != nil {
			return err
		}
	}
	return nil
}

// InsertOTP stores a one-time code (its hash only) unless limit codes were already issued for the
// link since a time; it reports whether the code was stored. Earlier codes of the same authenticator
// stop working. The count and the insert are one conditional statement under the link's lock, so a
// burst of requests never issues more than limit codes.
func (s *DB) InsertOTP(ctx context.Context, c share.OTP, since int64, limit int) (bool, error) {
	stored := false
	err := s.lockedTx(ctx, []string{"otp-link:" + c.LinkID}, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `INSERT INTO otp_codes (id, link_id, auth_index, code_hash, created_at, expires_at)
			SELECT CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS INTEGER), CAST(? AS TEXT),
				CAST(? AS BIGINT), CAST(? AS BIGINT)
			WHERE (SELECT COUNT(*) FROM otp_codes WHERE link_id = ? AND created_at > ?) < ?`,
			c.ID, c.LinkID, c.AuthIndex, c.CodeHash, c.CreatedAt, c.ExpiresAt, c.LinkID, since, limit)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return err
		}
		stored = true
		_, err = s.exec(
			ctx,
			tx,
			"UPDATE otp_codes SET superseded = 1 WHERE link_id = ? AND auth_index = ? AND superseded = 0 AND id <> ?",
			c.LinkID,
			c.AuthIndex,
			c.ID,
		)
		return err
	})
	return stored && err == nil, err
}

// LatestOTP returns the newest code issued for one authenticator of a link.
func (s *DB) LatestOTP(ctx context.Context, linkID string, authIndex int) (share.OTP, error) {
	var c share.OTP
	err := s.db.QueryRowContext(ctx, s.q(`SELECT id, link_id, auth_index, code_hash, created_at, expires_at,
		attempts, used_at
		FROM otp_codes WHERE link_id = ? AND auth_index = ? AND superseded = 0
		ORDER BY created_at DESC, id DESC LIMIT 1`), linkID, authIndex).
		Scan(&c.ID, &c.LinkID, &c.AuthIndex, &c.CodeHash, &c.CreatedAt, &c.ExpiresAt, &c.Attempts, &c.UsedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return c, share.ErrNotFound
	}
	return c, err
}

// TryOTP counts one try against a code before it is compared, if the code is still the latest,
// unused, unexpired and under maxAttempts tries; it returns the tries so far and whether this try
// may go ahead. Check and increment are one statement (row-locked on PostgreSQL), so a burst of
// guesses never gets more than maxAttempts comparisons.
func (s *DB) TryOTP(ctx context.Context, id string, now int64, maxAttempts int) (int, bool, error) {
	var n int
	err := s.db.QueryRowContext(ctx, s.q(`UPDATE otp_codes SET attempts = attempts + 1
		WHERE id = ? AND used_at = 0 AND superseded = 0 AND expires_at > ? AND attempts < ?
		RETURNING attempts`), id, now, maxAttempts).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return n, err == nil, err
}

// UseOTP marks a code used if it is still the latest, unused and unexpired; it reports whether this
// call was the one that used it.
func (s *DB) UseOTP(ctx context.Context, id string, now int64) (bool, error) {
	res, err := s.exec(
		ctx,
		s.db,
		"UPDATE otp_codes SET used_at = ? WHERE id = ? AND used_at = 0 AND superseded = 0 AND expires_at > ?",
		now,
		id,
		now,
	)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// ReserveAuthAttempt records one pending authentication attempt against the link from the client
// unless the link already has perLink, or the client perClient, attempts (failed or pending) recorded
// since a time. The attempt is recorded before the secret is checked, so a burst can never get more
// checks than the limits allow; afterwards FailAuthAttempt keeps it as a failure and
// ReleaseAuthAttempt removes it. A refusal tells apart limits filled by failures (including pending
// attempts reserved before stale, whose check never finished) from limits filled by attempts still
// being checked, which may well turn out right.
//
// A pending attempt is stored with its time negated, so rows written before pending attempts existed
// read as failures and no schema change is needed: failures are at > since, pending attempts at < -since.
func (s *DB) ReserveAuthAttempt(
	ctx context.Context,
	linkID, client string,
	at, since, stale int64,
	perLink, perClient int,
) (share.Reservation, error) {
	result := share.ReservedRefused
	// Always link first, then client: see lockKeys.
	err := s.lockedTx(ctx, []string{"auth-link:" + linkID, "auth-client:" + client}, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, `INSERT INTO auth_failures (link_id, client, at)
			SELECT CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT)
			WHERE (SELECT COUNT(*) FROM auth_failures WHERE link_id = ? AND (at > ? OR at < ?)) < ?
			AND (SELECT COUNT(*) FROM auth_failures WHERE client = ? AND (at > ? OR at < ?)) < ?`,
			linkID, client, -at, linkID, since, -since, perLink, client, since, -since, perClient)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			result = share.Reserved
			return err
		}
		var full bool
		err = tx.QueryRowContext(ctx, s.q(`SELECT
			(SELECT COUNT(*) FROM auth_failures WHERE link_id = ? AND (at > ? OR (at < ? AND at > ?))) >= ?
			OR (SELECT COUNT(*) FROM auth_failures WHERE client = ? AND (at > ? OR (at < ? AND at > ?))) >= ?`),
			linkID, since, -since, -stale, perLink, client, since, -since, -stale, perClient).Scan(&full)
		if err == nil && !full {
			result = share.ReservedBusy
		}
		return err
	})
	return result, err
}

// FailAuthAttempt keeps one pending attempt recorded by ReserveAuthAttempt as a failure (the rows are
// interchangeable, so any one with the same link, client and time will do).
func (s *DB) FailAuthAttempt(ctx context.Context, linkID, client string, at int64) error {
	_, err := s.exec(ctx, s.db, "UPDATE auth_failures SET at = ? WHERE "+s.onePendingAttempt(), at, linkID, client, -at)
	return err
}

// ReleaseAuthAttempt removes one pending attempt recorded by ReserveAuthAttempt.
func (s *DB) ReleaseAuthAttempt(ctx context.Context, linkID, client string, at int64) error {
	_, err := s.exec(ctx, s.db, "DELETE FROM auth_failures WHERE "+s.onePendingAttempt(), linkID, client, -at)
	return err
}

// onePendingAttempt picks one row with a given link, client and (negated) time. On PostgreSQL
// concurrent settlings of equal rows must not pick the same one: the second would then find its row
// changed and settle nothing, leaving an attempt pending. SQLite runs one writer at a time.
func (s *DB) onePendingAttempt() string {
	if s.d.postgres {
		return "ctid = (SELECT ctid FROM auth_failures WHERE link_id = ? AND client = ? AND at = ? " +
			"LIMIT 1 FOR UPDATE SKIP LOCKED)"
	}
	return "rowid = (SELECT rowid FROM auth_failures WHERE link_id = ? AND client = ? AND at = ? LIMIT 1)"
}

// InsertPortalSession stores a recipient session (the hash of its cookie value).
func (s *DB) InsertPortalSession(ctx context.Context, p share.PortalSession) error {
	_, err := s.exec(
		ctx,
		s.db,
		"INSERT INTO portal_sessions (id_hash, link_id, created_at, expires_at) VALUES (?, ?, ?, ?)",
		p.IDHash,
		p.LinkID,
		p.CreatedAt,
		p.ExpiresAt,
	)
	return err
}

// PortalSession returns the session with this hash.
func (s *DB) PortalSession(ctx context.Context, idHash string) (share.PortalSession, error) {
	var p share.PortalSession
	err := s.db.QueryRowContext(ctx,
		s.q("SELECT id_hash, link_id, created_at, expires_at FROM portal_sessions WHERE id_hash = ?"), idHash).
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
		sql  string
		args []any
	}{
		{"DELETE FROM portal_sessions WHERE expires_at <= ?", []any{now}},
		{"DELETE FROM otp_codes WHERE expires_at <= ?", []any{now - 3600_000_000}},
		// Pending attempts have their time negated (see ReserveAuthAttempt).
		{"DELETE FROM auth_failures WHERE (at > 0 AND at <= ?) OR (at < 0 AND at >= ?)",
			[]any{failuresBefore, -failuresBefore}},
	} {
		if _, err := s.exec(ctx, s.db, q.sql, q.args...); err != nil {
			return err
		}
	}
	return nil
}
