package dbutil

import (
	"context"
	"database/sql"
)

// TxBeginner is where a transaction starts: a *sql.DB, or one *sql.Conn of it.
type TxBeginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// InTx runs fn in a transaction of db, committed when fn succeeds and rolled back when it fails, so no
// caller can forget the rollback on an early return.
func InTx(ctx context.Context, db TxBeginner, fn func(*sql.Tx) error) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
