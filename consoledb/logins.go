package consoledb

import (
	"context"
	"database/sql"
	"errors"
)

// Login is a sign-in attempt between the redirect to the provider and the callback.
type Login struct {
	StateHash   string
	BindingHash string
	Nonce       string
	Verifier    string
	ReturnTo    string
	CreatedAt   int64
}

// SaveLogin stores a sign-in attempt.
func (d *DB) SaveLogin(ctx context.Context, l Login) error {
	_, err := d.db.ExecContext(
		ctx,
		d.q(
			"INSERT INTO console_logins (state_hash, binding_hash, nonce, verifier, return_to, created_at) VALUES "+
				"(?, ?, ?, ?, ?, ?)",
		),
		l.StateHash,
		l.BindingHash,
		l.Nonce,
		l.Verifier,
		l.ReturnTo,
		l.CreatedAt,
	)
	return err
}

// TakeLogin returns a sign-in attempt and deletes it in one statement, so a state works once.
func (d *DB) TakeLogin(ctx context.Context, stateHash string) (Login, error) {
	var l Login
	err := d.db.QueryRowContext(ctx, d.q(`DELETE FROM console_logins WHERE state_hash = ?
		RETURNING state_hash, binding_hash, nonce, verifier, return_to, created_at`), stateHash).
		Scan(&l.StateHash, &l.BindingHash, &l.Nonce, &l.Verifier, &l.ReturnTo, &l.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return l, ErrNotFound
	}
	return l, err
}

// PurgeLogins removes abandoned sign-in attempts.
func (d *DB) PurgeLogins(ctx context.Context, before int64) error {
	_, err := d.db.ExecContext(ctx, d.q("DELETE FROM console_logins WHERE created_at <= ?"), before)
	return err
}
