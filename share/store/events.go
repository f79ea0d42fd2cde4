package store

import (
	"context"
	"database/sql"
	"math"

	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/webhooks"
)

const eventCols = "seq, id, link_id, bucket_id, type, at, actor, client, method, object_id, object_name, " +
	"detail, outcome"

// scanEvents reads rows of eventCols and closes them.
func scanEvents(rows *sql.Rows) ([]share.Event, error) {
	defer rows.Close()
	var out []share.Event
	for rows.Next() {
		var ev share.Event
		var at int64
		if err := rows.Scan(&ev.Seq, &ev.ID, &ev.LinkID, &ev.BucketID, &ev.Type, &at, &ev.Actor, &ev.Client, &ev.Method,
			&ev.ObjectID, &ev.ObjectName, &ev.Detail, &ev.Outcome); err != nil {
			return nil, err
		}
		ev.At = share.FromMicros(at)
		out = append(out, ev)
	}
	return out, rows.Err()
}

// SetWebhookEndpoints names the endpoints that receive link events. Each event of a type other systems
// hear about is written to the webhook outbox in the same transaction as the event itself, so an event
// is either recorded and on its way to every endpoint, or neither. Call before the store is used.
func (s *DB) SetWebhookEndpoints(urls []string) { s.webhookURLs = append([]string(nil), urls...) }

// webhookType is the webhook event type of a link event, or "" for events only the history keeps.
func webhookType(t string) string {
	switch t {
	case share.EventCreated:
		return webhooks.LinkCreated
	case share.EventSent:
		return webhooks.LinkSent
	case share.EventOpened:
		return webhooks.LinkOpened
	case share.EventDownloaded, share.EventZipDownloaded:
		return webhooks.LinkDownloaded
	case share.EventUploaded:
		return webhooks.LinkUploaded
	case share.EventRevoked:
		return webhooks.LinkRevoked
	case share.EventExpired:
		return webhooks.LinkExpired
	}
	return ""
}

// webhookData is what an event tells other systems: never the recipient's address or network address.
func webhookData(ev share.Event) map[string]any {
	d := map[string]any{"bucket_id": ev.BucketID, "event": ev.Type}
	if ev.ObjectID != "" {
		d["object_id"] = ev.ObjectID
	}
	if ev.ObjectName != "" {
		d["object_name"] = ev.ObjectName
	}
	if ev.Outcome != "" {
		d["outcome"] = ev.Outcome
	}
	return d
}

// insertEvents stores events (and their webhook deliveries) with ex, a transaction or the database.
func (s *DB) insertEvents(ctx context.Context, ex execer, evs []share.Event) error {
	for _, ev := range evs {
		if _, err := s.exec(ctx, ex, "INSERT INTO link_events (id, link_id, bucket_id, type, at, actor, client, "+
			"method, object_id, object_name, detail, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
			ev.ID, ev.LinkID, ev.BucketID, ev.Type, share.Micros(ev.At), ev.Actor, ev.Client, ev.Method,
			ev.ObjectID, ev.ObjectName, ev.Detail, ev.Outcome); err != nil {
			return err
		}
		typ := webhookType(ev.Type)
		if typ == "" || len(s.webhookURLs) == 0 {
			continue
		}
		payload, err := webhooks.Event{
			ID:     ev.ID,
			Type:   typ,
			At:     ev.At,
			LinkID: ev.LinkID,
			Data:   webhookData(ev),
		}.Payload()
		if err != nil {
			return err
		}
		for _, e := range s.webhookURLs {
			if _, err := s.exec(ctx, ex, "INSERT INTO webhook_outbox (endpoint, event_id, link_id, created_at, "+
				"payload) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
				e, ev.ID, ev.LinkID, share.Micros(ev.At), string(payload)); err != nil {
				return err
			}
		}
	}
	return nil
}

// RecordEvents stores events in one transaction.
func (s *DB) RecordEvents(ctx context.Context, evs []share.Event) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return s.insertEvents(ctx, tx, evs) })
}

// RecordExpired marks the link's expiry as recorded and stores ev, unless it was marked already.
func (s *DB) RecordExpired(ctx context.Context, ev share.Event) (bool, error) {
	stored := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := s.exec(ctx, tx, "UPDATE links SET expiry_noted = 1 WHERE id = ? AND expiry_noted = 0", ev.LinkID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return nil
		}
		stored = true
		return s.insertEvents(ctx, tx, []share.Event{ev})
	})
	return stored && err == nil, err
}

// LinkEvents returns a page of one link's events, oldest first after after, or newest first before
// it (before everything when after is 0).
func (s *DB) LinkEvents(
	ctx context.Context,
	bucketID, linkID string,
	after int64,
	limit int,
	newestFirst bool,
) ([]share.Event, error) {
	q := "SELECT " + eventCols + " FROM link_events WHERE link_id = ? AND bucket_id = ? AND seq > ? " +
		"ORDER BY seq LIMIT ?"
	if newestFirst {
		q = "SELECT " + eventCols + " FROM link_events WHERE link_id = ? AND bucket_id = ? AND seq < ? " +
			"ORDER BY seq DESC LIMIT ?"
		if after <= 0 {
			after = math.MaxInt64
		}
	}
	rows, err := s.db.QueryContext(ctx, s.q(q), linkID, bucketID, after, limit)
	if err != nil {
		return nil, err
	}
	return scanEvents(rows)
}

// UnnotedExpiredLinks returns links that expired at or before now whose expiry is not recorded.
func (s *DB) UnnotedExpiredLinks(ctx context.Context, now int64, limit int) ([]share.Link, error) {
	return s.queryLinks(
		ctx,
		s.db,
		"SELECT "+linkCols+" FROM links WHERE expiry_noted = 0 AND expires_at <= ? ORDER BY expires_at LIMIT ?",
		now,
		limit,
	)
}

// PurgeEvents deletes events older than before whose link is gone (expired and removed, or revoked)
// and has no tombstone: a revoked link's history stays whole while its tombstone does.
func (s *DB) PurgeEvents(ctx context.Context, before int64) (int, error) {
	res, err := s.exec(
		ctx,
		s.db,
		"DELETE FROM link_events WHERE at < ? AND "+
			"NOT EXISTS (SELECT 1 FROM links WHERE links.id = link_events.link_id) AND "+
			"NOT EXISTS (SELECT 1 FROM revoked_links WHERE revoked_links.id = link_events.link_id)",
		before,
	)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
