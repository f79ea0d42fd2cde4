package consoledb

import (
	"context"
	"database/sql"
	"errors"
)

// Batch is one posted New link form: claimed under the form's one-time key before anything is created,
// done once its links exist, with the result the console shows (its own JSON; this package does not
// read it). Times are Unix microseconds.
type Batch struct {
	ID        string
	Subject   string
	Done      bool
	Result    string
	CreatedAt int64
}

// ClaimBatch records that subject is creating the links of form key id; it reports false when the key
// was claimed before (by anyone), so the caller creates nothing. One conditional insert: two posts of
// the same form racing each other cannot both win.
func (d *DB) ClaimBatch(ctx context.Context, id, subject string, at int64) (bool, error) {
	res, err := d.db.ExecContext(ctx, d.q("INSERT INTO console_link_batches (id, subject, created_at) "+
		"VALUES (?, ?, ?) ON CONFLICT DO NOTHING"), id, subject, at)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// FinishBatch stores the result of a claimed batch and marks it done.
func (d *DB) FinishBatch(ctx context.Context, id, result string) error {
	_, err := d.db.ExecContext(ctx, d.q("UPDATE console_link_batches SET done = 1, result = ? WHERE id = ?"),
		result, id)
	return err
}

// ReleaseBatch gives up a claim that created nothing (the share service refused the links), so the
// same form can be corrected and posted again.
func (d *DB) ReleaseBatch(ctx context.Context, id string) error {
	_, err := d.db.ExecContext(ctx, d.q("DELETE FROM console_link_batches WHERE id = ? AND done = 0"), id)
	return err
}

// LinkBatch returns a batch by its key.
func (d *DB) LinkBatch(ctx context.Context, id string) (Batch, error) {
	var b Batch
	var done int
	err := d.db.QueryRowContext(ctx, d.q("SELECT id, subject, done, result, created_at FROM console_link_batches "+
		"WHERE id = ?"), id).Scan(&b.ID, &b.Subject, &done, &b.Result, &b.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return b, ErrNotFound
	}
	b.Done = done == 1
	return b, err
}

// PurgeBatches removes batches created before a time.
func (d *DB) PurgeBatches(ctx context.Context, before int64) error {
	_, err := d.db.ExecContext(ctx, d.q("DELETE FROM console_link_batches WHERE created_at < ?"), before)
	return err
}
