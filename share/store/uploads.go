package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/sharedesk/sharedesk/share"
)

// InsertPendingUpload records an upload URL handed out by put (put-url or post-url).
func (s *DB) InsertPendingUpload(ctx context.Context, p share.PendingUpload) error {
	req, err := json.Marshal(p.Input)
	if err != nil {
		return err
	}
	_, err = s.exec(
		ctx,
		s.db,
		"INSERT INTO pending_uploads (id, bucket_id, object_id, transfer_method, request, created_at, expires_at, "+
			"state) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		p.ID,
		p.BucketID,
		p.ObjectID,
		p.TransferMethod,
		string(req),
		share.Micros(p.CreatedAt),
		share.Micros(p.ExpiresAt),
		share.UploadPending,
	)
	return err
}

// PendingUpload returns one upload request by id.
func (s *DB) PendingUpload(ctx context.Context, id string) (share.PendingUpload, error) {
	var p share.PendingUpload
	var req, errText string
	var created, expires int64
	err := s.db.QueryRowContext(ctx, s.q("SELECT id, bucket_id, object_id, transfer_method, request, "+
		"created_at, expires_at, state, error FROM pending_uploads WHERE id = ?"), id).
		Scan(&p.ID, &p.BucketID, &p.ObjectID, &p.TransferMethod, &req, &created, &expires, &p.State, &errText)
	if errors.Is(err, sql.ErrNoRows) {
		return p, share.ErrNotFound
	}
	if err != nil {
		return p, err
	}
	if err := json.Unmarshal([]byte(req), &p.Input); err != nil {
		return p, fmt.Errorf("pending upload %s request: %w", id, err)
	}
	if errText != "" {
		p.Err = new(share.Error)
		if err := json.Unmarshal([]byte(errText), p.Err); err != nil {
			return p, fmt.Errorf("pending upload %s error: %w", id, err)
		}
	}
	p.CreatedAt, p.ExpiresAt = share.FromMicros(created), share.FromMicros(expires)
	return p, nil
}

// ClaimPendingUpload moves an unexpired pending upload to "uploading" and reports whether this caller
// won: one conditional UPDATE, so an upload URL is used once even when requests race.
func (s *DB) ClaimPendingUpload(ctx context.Context, id string, now int64) (bool, error) {
	res, err := s.exec(ctx, s.db, "UPDATE pending_uploads SET state = ? WHERE id = ? AND state = ? AND expires_at > ?",
		share.UploadUploading, id, share.UploadPending, now)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// FinishPendingUpload records how an upload ended: done, or failed with the refusal.
func (s *DB) FinishPendingUpload(ctx context.Context, id, state string, refusal *share.Error) error {
	errText := ""
	if refusal != nil {
		b, err := json.Marshal(refusal)
		if err != nil {
			return err
		}
		errText = string(b)
	}
	_, err := s.exec(ctx, s.db, "UPDATE pending_uploads SET state = ?, error = ? WHERE id = ?", state, errText, id)
	return err
}

// DeletePendingUploadsBefore removes upload requests that expired before the given time, whatever
// their state; the retention sweeper calls it.
func (s *DB) DeletePendingUploadsBefore(ctx context.Context, before int64) (int, error) {
	res, err := s.exec(ctx, s.db, "DELETE FROM pending_uploads WHERE expires_at < ?", before)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
