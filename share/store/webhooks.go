package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/webhooks"
)

const (
	webhookPending = 0
	webhookDone    = 1
	webhookDead    = 2
)

// EnqueueWebhook stores the event once per endpoint, in one transaction.
func (s *DB) EnqueueWebhook(
	ctx context.Context,
	eventID, linkID string,
	at time.Time,
	payload []byte,
	endpoints []string,
) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, e := range endpoints {
			if _, err := s.exec(ctx, tx,
				"INSERT INTO webhook_outbox (endpoint, event_id, link_id, created_at, payload) VALUES (?, ?, ?, ?, ?)",
				e, eventID, linkID, share.Micros(at), string(payload)); err != nil {
				return err
			}
		}
		return nil
	})
}

// NextWebhook returns the oldest pending delivery of endpoint and claims it when it is due and free.
func (s *DB) NextWebhook(
	ctx context.Context,
	endpoint string,
	now time.Time,
	lease time.Duration,
) (webhooks.Delivery, bool, time.Time, bool, error) {
	d := webhooks.Delivery{Endpoint: endpoint}
	var created, next, locked int64
	var payload string
	err := s.db.QueryRowContext(ctx, s.q(`SELECT seq, event_id, created_at, payload, attempts, next_attempt_at,
		locked_until
		FROM webhook_outbox WHERE endpoint = ? AND state = ?
		ORDER BY seq LIMIT 1`), endpoint, webhookPending).
		Scan(&d.Seq, &d.EventID, &created, &payload, &d.Attempts, &next, &locked)
	if errors.Is(err, sql.ErrNoRows) {
		return d, false, time.Time{}, false, nil
	}
	if err != nil {
		return d, false, time.Time{}, false, err
	}
	d.At, d.Payload = share.FromMicros(created), []byte(payload)
	nowMicros := share.Micros(now)
	if due := max(next, locked); due > nowMicros {
		return d, false, share.FromMicros(due), true, nil
	}
	res, err := s.exec(
		ctx,
		s.db,
		"UPDATE webhook_outbox SET locked_until = ? WHERE seq = ? AND state = ? AND locked_until = ?",
		share.Micros(now.Add(lease)),
		d.Seq,
		webhookPending,
		locked,
	)
	if err != nil {
		return d, false, time.Time{}, true, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return d, false, now.Add(time.Second), true, nil // another instance claimed it first
	}
	return d, true, time.Time{}, true, nil
}

// WebhookDelivered marks a delivery done.
func (s *DB) WebhookDelivered(ctx context.Context, seq int64, at time.Time) error {
	_, err := s.exec(
		ctx,
		s.db,
		"UPDATE webhook_outbox SET state = ?, delivered_at = ?, locked_until = 0 WHERE seq = ?",
		webhookDone,
		share.Micros(at),
		seq,
	)
	return err
}

// WebhookFailed records a failed attempt.
func (s *DB) WebhookFailed(
	ctx context.Context,
	seq int64,
	attempts int,
	next time.Time,
	dead bool,
	reason string,
) error {
	state := webhookPending
	if dead {
		state = webhookDead
	}
	_, err := s.exec(
		ctx,
		s.db,
		"UPDATE webhook_outbox SET state = ?, attempts = ?, next_attempt_at = ?, locked_until = 0, last_error = ? "+
			"WHERE seq = ?",
		state,
		attempts,
		share.Micros(next),
		reason,
		seq,
	)
	return err
}

// PurgeWebhooks removes deliveries that were delivered or given up before t.
func (s *DB) PurgeWebhooks(ctx context.Context, before time.Time) (int64, error) {
	res, err := s.exec(
		ctx,
		s.db,
		"DELETE FROM webhook_outbox WHERE state <> ? AND created_at < ?",
		webhookPending,
		share.Micros(before),
	)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

var _ webhooks.Store = (*DB)(nil)
