package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/sharedesk/sharedesk/share"
)

const linkCols = "id, bucket_id, token_hash, token_sealed, link_type, targets, access_count, max_access_count, " +
	"created_at, expires_at, last_accessed_at, authenticators, title, message, recipient_email, sender_email, " +
	"sender_name, tags"

func scanLink(sc scanner) (share.Link, error) {
	var l share.Link
	var targets, auths, tags string
	var created, expires, accessed int64
	err := sc.Scan(
		&l.ID,
		&l.BucketID,
		&l.TokenHash,
		&l.TokenSealed,
		&l.LinkType,
		&targets,
		&l.AccessCount,
		&l.MaxAccessCount,
		&created,
		&expires,
		&accessed,
		&auths,
		&l.Title,
		&l.Message,
		&l.RecipientEmail,
		&l.SenderEmail,
		&l.SenderName,
		&tags,
	)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return l, share.ErrNotFound
		}
		return l, err
	}
	var ok bool
	if l.Targets, ok = plainStrings(targets); !ok {
		err = json.Unmarshal([]byte(targets), &l.Targets)
	}
	if l.Tags, ok = plainStrings(tags); !ok && err == nil {
		err = json.Unmarshal([]byte(tags), &l.Tags)
	}
	if err == nil {
		err = json.Unmarshal([]byte(auths), &l.Authenticators)
	}
	if err != nil {
		return l, fmt.Errorf("link %s: %w", l.ID, err)
	}
	l.CreatedAt = share.FromMicros(created)
	l.ExpiresAt = share.FromMicros(expires)
	l.LastAccessedAt = share.FromMicros(accessed)
	return l, nil
}

// InsertLinks stores links and their events in one transaction.
func (s *DB) InsertLinks(ctx context.Context, links []share.Link, evs []share.Event) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, l := range links {
			_, err := s.exec(
				ctx,
				tx,
				"INSERT INTO links ("+linkCols+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
				l.ID,
				l.BucketID,
				l.TokenHash,
				l.TokenSealed,
				l.LinkType,
				jsonText(l.Targets),
				l.AccessCount,
				l.MaxAccessCount,
				share.Micros(
					l.CreatedAt,
				),
				share.Micros(l.ExpiresAt),
				share.Micros(l.LastAccessedAt),
				jsonText(l.Authenticators),
				l.Title,
				l.Message,
				l.RecipientEmail,
				l.SenderEmail,
				l.SenderName,
				jsonText(nonNilSlice(l.Tags)),
			)
			if err != nil {
				return err
			}
			for _, t := range l.Targets {
				const q = "INSERT INTO link_targets (link_id, object_id) VALUES (?, ?) ON CONFLICT DO NOTHING"
				if _, err := s.exec(ctx, tx, q, l.ID, t); err != nil {
					return err
				}
			}
			if err := s.setTags(ctx, tx, "link_tags", "link_id", l.ID, l.Tags); err != nil {
				return err
			}
		}
		return s.insertEvents(ctx, tx, evs)
	})
}

// Link returns one link.
func (s *DB) Link(ctx context.Context, bucketID, id string) (share.Link, error) {
	return scanLink(s.queryRow(ctx, "SELECT "+linkCols+" FROM links WHERE bucket_id = ? AND id = ?", bucketID, id))
}

// LinksByID returns the links with the given ids that exist, in no particular order.
func (s *DB) LinksByID(ctx context.Context, bucketID string, ids []string) ([]share.Link, error) {
	return s.linksByID(ctx, s.db, bucketID, ids)
}

func (s *DB) linksByID(ctx context.Context, ex execer, bucketID string, ids []string) ([]share.Link, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	args := append([]any{bucketID}, toAny(ids)...)
	return s.queryLinks(
		ctx,
		ex,
		"SELECT "+linkCols+" FROM links WHERE bucket_id = ? AND id IN ("+placeholders(len(ids))+")",
		args...)
}

// queryLinks runs a query selecting linkCols and scans every row.
func (s *DB) queryLinks(ctx context.Context, ex execer, query string, args ...any) ([]share.Link, error) {
	rows, err := ex.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []share.Link
	for rows.Next() {
		l, err := scanLink(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}

// ListLinks runs a keyset-paged link listing.
func (s *DB) ListLinks(ctx context.Context, q share.ListQuery) ([]share.Link, share.Count, error) {
	var out []share.Link
	n, err := s.page(ctx, linkListing, linkCols, q, func(sc scanner) error {
		l, err := scanLink(sc)
		out = append(out, l)
		return err
	})
	return out, n, err
}

// DeleteLinks deletes the links with the given ids and returns them. If any id is missing nothing is
// deleted and share.ErrNotFound is returned. Their tombstones and the events are stored in the same
// transaction.
func (s *DB) DeleteLinks(
	ctx context.Context,
	bucketID string,
	ids []string,
	evs []share.Event,
	r share.Revocation,
) ([]share.Link, error) {
	var out []share.Link
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = s.linksByID(ctx, tx, bucketID, ids)
		if err != nil {
			return err
		}
		if len(out) != len(ids) {
			return share.ErrNotFound
		}
		args := append([]any{bucketID}, toAny(ids)...)
		q := "DELETE FROM links WHERE bucket_id = ? AND id IN (" + placeholders(len(ids)) + ")"
		if _, err = s.exec(ctx, tx, q, args...); err != nil {
			return err
		}
		if err := s.insertTombstones(ctx, tx, out, r); err != nil {
			return err
		}
		return s.insertEvents(ctx, tx, evs)
	})
	return out, err
}

// UpdateLinkAccess changes who may open links and until when, all or nothing: change gets each link as
// stored (locked against concurrent changes until the transaction ends) and says what to store; the links
// come back in the order of their ids. Every
// write of a link's expiry, limit, authenticators or recipient goes through here, so what is derived
// from them is kept right in one place. One-time codes are keyed by the position of their
// authenticator: codes of a position whose authenticator changed stop working (marked superseded, so
// they still count against the hourly limit), or a removed address could sign in as its successor.
func (s *DB) UpdateLinkAccess(
	ctx context.Context,
	bucketID string,
	ids []string,
	change func(share.Link) (share.AccessChange, error),
) ([]share.Link, error) {
	// Rows are locked in one order, so two changes of the same links never wait on each other.
	ids = slices.Sorted(slices.Values(ids))
	out := make([]share.Link, 0, len(ids))
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		out = out[:0]
		for _, id := range ids {
			q := "SELECT " + linkCols + " FROM links WHERE bucket_id = ? AND id = ?"
			if s.d.postgres {
				q += " FOR UPDATE"
			}
			old, err := scanLink(tx.QueryRowContext(ctx, s.q(q), bucketID, id))
			if err != nil {
				return err
			}
			ch, err := change(old)
			if err != nil {
				return err
			}
			if err := s.writeLinkAccess(ctx, tx, old, ch); err != nil {
				return err
			}
			out = append(out, ch.Link)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// writeLinkAccess stores one AccessChange in tx.
func (s *DB) writeLinkAccess(ctx context.Context, tx *sql.Tx, old share.Link, ch share.AccessChange) error {
	l := ch.Link
	// A link given a new expiry in the future may expire again: its expiry is recorded anew then.
	noted := "expiry_noted"
	if !l.ExpiresAt.Equal(old.ExpiresAt) {
		noted = "0"
	}
	_, err := s.exec(ctx, tx, "UPDATE links SET expires_at = ?, max_access_count = ?, authenticators = ?, "+
		"recipient_email = ?, sender_email = ?, sender_name = ?, expiry_noted = "+noted+
		" WHERE bucket_id = ? AND id = ?",
		share.Micros(l.ExpiresAt), l.MaxAccessCount, jsonText(l.Authenticators), l.RecipientEmail, l.SenderEmail,
		l.SenderName, old.BucketID, old.ID)
	if err != nil {
		return err
	}
	for i, a := range old.Authenticators {
		if i < len(l.Authenticators) && sameAuthenticator(a, l.Authenticators[i]) {
			continue
		}
		if _, err := s.exec(ctx, tx, "UPDATE otp_codes SET superseded = 1 WHERE link_id = ? AND auth_index = ? "+
			"AND superseded = 0", old.ID, i); err != nil {
			return err
		}
	}
	if ch.EndSessions {
		if _, err := s.exec(ctx, tx, "DELETE FROM portal_sessions WHERE link_id = ?", old.ID); err != nil {
			return err
		}
	}
	return s.insertEvents(ctx, tx, ch.Events)
}

func sameAuthenticator(a, b share.Authenticator) bool {
	return a.Type == b.Type && a.Context == b.Context && a.Hash == b.Hash
}

// plainStrings decodes a JSON array of strings that need no unescaping (ids and most tags), the
// common case of every listed link, without the reflection of encoding/json; ok is false for anything
// else, which the caller hands to json.Unmarshal.
func plainStrings(raw string) (out []string, ok bool) {
	if len(raw) < 2 || raw[0] != '[' || raw[len(raw)-1] != ']' {
		return nil, false
	}
	body := raw[1 : len(raw)-1]
	out = []string{}
	if body == "" {
		return out, true
	}
	for _, item := range strings.Split(body, ",") {
		if len(item) < 2 || item[0] != '"' || item[len(item)-1] != '"' {
			return nil, false
		}
		v := item[1 : len(item)-1]
		for i := 0; i < len(v); i++ {
			if c := v[i]; c == '"' || c == '\\' || c < 0x20 || c >= 0x80 {
				return nil, false
			}
		}
		out = append(out, v)
	}
	return out, true
}
