package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/sharedesk/sharedesk/dbutil"
	"github.com/sharedesk/sharedesk/share"
)

const revokedCols = "id, bucket_id, link_type, targets, access_count, max_access_count, created_at, expires_at, " +
	"last_accessed_at, authenticators, title, recipient_email, sender_email, sender_name, revoked_at, revoked_by, " +
	"revoked_via"

// insertTombstones keeps what stays of links being revoked (share.Tombstone), with ex, the transaction
// that deletes them.
func (s *DB) insertTombstones(ctx context.Context, ex execer, links []share.Link, r share.Revocation) error {
	for _, l := range links {
		t := share.Tombstone(l, r)
		_, err := s.exec(ctx, ex, "INSERT INTO revoked_links ("+revokedCols+", search) "+
			"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			t.ID, t.BucketID, t.LinkType, jsonText(t.Targets), t.AccessCount, t.MaxAccessCount,
			share.Micros(t.CreatedAt), share.Micros(t.ExpiresAt), share.Micros(t.LastAccessedAt),
			jsonText(authenticatorsOrEmpty(t.Authenticators)), t.Title, t.RecipientEmail, t.SenderEmail, t.SenderName,
			share.Micros(t.RevokedAt), t.RevokedBy, t.RevokedVia, t.SearchText())
		if err != nil {
			return err
		}
	}
	return nil
}

func authenticatorsOrEmpty(a []share.Authenticator) []share.Authenticator {
	if a == nil {
		return []share.Authenticator{}
	}
	return a
}

func scanRevoked(sc scanner) (share.RevokedLink, error) {
	var r share.RevokedLink
	var targets, auths string
	var created, expires, accessed, revoked int64
	err := sc.Scan(&r.ID, &r.BucketID, &r.LinkType, &targets, &r.AccessCount, &r.MaxAccessCount, &created,
		&expires, &accessed, &auths, &r.Title, &r.RecipientEmail, &r.SenderEmail, &r.SenderName, &revoked,
		&r.RevokedBy, &r.RevokedVia)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return r, share.ErrNotFound
		}
		return r, err
	}
	var ok bool
	if r.Targets, ok = plainStrings(targets); !ok {
		err = json.Unmarshal([]byte(targets), &r.Targets)
	}
	if err == nil {
		err = json.Unmarshal([]byte(auths), &r.Authenticators)
	}
	if err != nil {
		return r, fmt.Errorf("revoked link %s: %w", r.ID, err)
	}
	r.CreatedAt = share.FromMicros(created)
	r.ExpiresAt = share.FromMicros(expires)
	r.LastAccessedAt = share.FromMicros(accessed)
	r.RevokedAt = share.FromMicros(revoked)
	return r, nil
}

// RevokedLink returns one tombstone.
func (s *DB) RevokedLink(ctx context.Context, bucketID, id string) (share.RevokedLink, error) {
	return scanRevoked(s.queryRow(ctx, "SELECT "+revokedCols+" FROM revoked_links WHERE bucket_id = ? AND id = ?",
		bucketID, id))
}

// RevokedLinks returns a page of tombstones, newest revocation first, and how many match. Each search
// term is a substring of the lower-cased search column; tombstones are few (one retention period of
// revocations), so the filter scans them rather than keep a trigram index.
func (s *DB) RevokedLinks(ctx context.Context, q share.RevokedQuery) ([]share.RevokedLink, int, error) {
	where := []string{"bucket_id = ?"}
	args := []any{q.BucketID}
	for _, t := range q.Search {
		where = append(where, s.like("search"))
		args = append(args, dbutil.LikePattern(t))
	}
	var n int
	if err := s.db.QueryRowContext(ctx, s.q("SELECT COUNT(*) FROM revoked_links WHERE "+strings.Join(where, " AND ")),
		args...).Scan(&n); err != nil {
		return nil, 0, err
	}
	if q.After != nil {
		at, _ := q.After.Value.(int64)
		where = append(where, "(revoked_at < ? OR (revoked_at = ? AND id < ?))")
		args = append(args, at, at, q.After.ID)
	}
	rows, err := s.db.QueryContext(ctx, s.q("SELECT "+revokedCols+" FROM revoked_links WHERE "+
		strings.Join(where, " AND ")+" ORDER BY revoked_at DESC, id DESC LIMIT ?"), append(args, q.Limit)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []share.RevokedLink
	for rows.Next() {
		r, err := scanRevoked(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	return out, n, rows.Err()
}

// PurgeRevokedLinks deletes the tombstones of links revoked before a time (Micros) and every event of
// those links, in one transaction, a few hundred at a time so no pass holds the database for long.
func (s *DB) PurgeRevokedLinks(ctx context.Context, before int64) (links, events int, err error) {
	for {
		var ids []string
		var gone int64
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, s.q("SELECT id FROM revoked_links WHERE revoked_at < ? LIMIT 500"),
				before)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				ids = append(ids, id)
			}
			rows.Close()
			if err := rows.Err(); err != nil || len(ids) == 0 {
				return err
			}
			in := placeholders(len(ids))
			res, err := s.exec(ctx, tx, "DELETE FROM link_events WHERE link_id IN ("+in+")", toAny(ids)...)
			if err != nil {
				return err
			}
			gone, _ = res.RowsAffected()
			_, err = s.exec(ctx, tx, "DELETE FROM revoked_links WHERE id IN ("+in+")", toAny(ids)...)
			return err
		})
		if err != nil {
			return links, events, err
		}
		links, events = links+len(ids), events+int(gone)
		if len(ids) < 500 {
			return links, events, nil
		}
	}
}
