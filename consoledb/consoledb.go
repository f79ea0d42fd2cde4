// Package consoledb keeps the console's own tables: staff sessions, sign-in attempts and the audit
// log. The console never touches the share tables; it reaches the share service through package api.
package consoledb

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"io/fs"
	"slices"
	"strings"
	"time"

	"github.com/sharedesk/sharedesk/applog"
	"github.com/sharedesk/sharedesk/dbutil"
)

//go:embed migrations
var migrations embed.FS

// ErrNotFound is returned when a row does not exist.
var ErrNotFound = errors.New("not found")

// DB is the console's store.
type DB struct {
	db       *sql.DB
	postgres bool
}

// Open opens the console tables in a SQLite file (path) or, when databaseURL is set, in PostgreSQL.
func Open(ctx context.Context, path, databaseURL string) (*DB, error) {
	var (
		db  *sql.DB
		err error
	)
	pg := databaseURL != ""
	if pg {
		db, err = dbutil.OpenPostgres(ctx, databaseURL)
	} else {
		db, err = dbutil.OpenSQLite(path)
	}
	if err != nil {
		return nil, err
	}
	name := "sqlite"
	if pg {
		name = "postgres"
	}
	sub, err := fs.Sub(migrations, "migrations/"+name)
	if err != nil {
		return nil, err
	}
	if err := dbutil.Migrate(ctx, db, pg, sub, "console_goose_db_version"); err != nil {
		db.Close()
		return nil, err
	}
	return &DB{db: db, postgres: pg}, nil
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

func (d *DB) q(query string) string { return dbutil.Rebind(d.postgres, query) }

// Session is a signed-in staff member. Times are Unix microseconds.
type Session struct {
	IDHash     string
	Subject    string
	Email      string
	Name       string
	Role       string
	IDToken    string
	Client     string
	UserAgent  string
	Data       string
	CreatedAt  int64
	LastSeenAt int64
}

// fields are where a row of sessionCols is scanned to, in that order.
func (s *Session) fields() []any {
	return []any{&s.IDHash, &s.Subject, &s.Email, &s.Name, &s.Role, &s.IDToken, &s.Client, &s.UserAgent, &s.Data,
		&s.CreatedAt, &s.LastSeenAt}
}

const sessionCols = "id_hash, subject, email, name, role, id_token, client, user_agent, data, created_at, last_seen_at"

// CreateSession inserts a new session; only a sign-in creates one.
func (d *DB) CreateSession(ctx context.Context, s Session) error {
	s.Email, s.Name = applog.Clip(s.Email, 320), applog.Clip(s.Name, 200)
	s.Client, s.UserAgent = applog.Clip(s.Client, 64), applog.Clip(s.UserAgent, 200)
	_, err := d.db.ExecContext(
		ctx,
		d.q(`INSERT INTO console_sessions (`+sessionCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
		s.IDHash,
		s.Subject,
		s.Email,
		s.Name,
		s.Role,
		s.IDToken,
		s.Client,
		s.UserAgent,
		s.Data,
		s.CreatedAt,
		s.LastSeenAt,
	)
	return err
}

// UpdateSession stores a live session's data and activity. It only ever updates: a session that
// sign-out or an admin deleted meanwhile stays deleted (ErrNotFound), so a request in flight cannot
// bring it back.
func (d *DB) UpdateSession(ctx context.Context, idHash, data string, lastSeenAt int64) error {
	res, err := d.db.ExecContext(
		ctx,
		d.q("UPDATE console_sessions SET data = ?, last_seen_at = ? WHERE id_hash = ?"),
		data,
		lastSeenAt,
		idHash,
	)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return ErrNotFound
	}
	return nil
}

// Session returns a session by the hash of its id.
func (d *DB) Session(ctx context.Context, idHash string) (Session, error) {
	var s Session
	err := d.db.QueryRowContext(ctx, d.q("SELECT "+sessionCols+" FROM console_sessions WHERE id_hash = ?"), idHash).
		Scan(s.fields()...)
	if errors.Is(err, sql.ErrNoRows) {
		return s, ErrNotFound
	}
	return s, err
}

// TouchSession records activity.
func (d *DB) TouchSession(ctx context.Context, idHash string, at int64) error {
	_, err := d.db.ExecContext(ctx, d.q("UPDATE console_sessions SET last_seen_at = ? WHERE id_hash = ?"), at, idHash)
	return err
}

// DeleteSession ends a session.
func (d *DB) DeleteSession(ctx context.Context, idHash string) error {
	_, err := d.db.ExecContext(ctx, d.q("DELETE FROM console_sessions WHERE id_hash = ?"), idHash)
	return err
}

// Sessions lists live sessions, most recently active first.
func (d *DB) Sessions(ctx context.Context, idleSince, createdSince int64) ([]Session, error) {
	rows, err := d.db.QueryContext(
		ctx,
		d.q(
			"SELECT "+sessionCols+" FROM console_sessions WHERE last_seen_at > ? AND created_at > ? ORDER BY "+
				"last_seen_at DESC",
		),
		idleSince,
		createdSince,
	)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Session
	for rows.Next() {
		var s Session
		if err := rows.Scan(s.fields()...); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// PurgeSessions removes sessions past their idle or absolute limit.
func (d *DB) PurgeSessions(ctx context.Context, idleBefore, createdBefore int64) error {
	_, err := d.db.ExecContext(
		ctx,
		d.q("DELETE FROM console_sessions WHERE last_seen_at <= ? OR created_at <= ?"),
		idleBefore,
		createdBefore,
	)
	return err
}

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

// Entry is one audit record.
type Entry struct {
	ID         int64
	At         time.Time
	ActorSub   string
	ActorEmail string
	Action     string
	Target     string
	Detail     string
	Outcome    string
	Client     string
}

// Limits on audit fields: every one may carry text from outside (a provider's error description,
// a file name, an address typed into a form), and one row must never hold megabytes.
const (
	maxAuditShort  = 320  // actor, action, target, outcome, client
	maxAuditDetail = 1024 // detail
)

// Record appends an audit entry, each field clipped to its limit.
func (d *DB) Record(ctx context.Context, e Entry) error {
	if e.At.IsZero() {
		e.At = time.Now().UTC()
	}
	for _, f := range []*string{&e.ActorSub, &e.ActorEmail, &e.Action, &e.Target, &e.Outcome, &e.Client} {
		*f = applog.Clip(*f, maxAuditShort)
	}
	e.Detail = applog.Clip(e.Detail, maxAuditDetail)
	_, err := d.db.ExecContext(
		ctx,
		d.q(
			"INSERT INTO console_audit (at, actor_sub, actor_email, action, target, detail, outcome, client) VALUES "+
				"(?, ?, ?, ?, ?, ?, ?, ?)",
		),
		e.At.UnixMicro(),
		e.ActorSub,
		e.ActorEmail,
		e.Action,
		e.Target,
		e.Detail,
		e.Outcome,
		e.Client,
	)
	return err
}

// AuditFilter selects audit entries. Empty fields match everything; Before pages backwards by id,
// After forwards (the page just newer than one seen).
type AuditFilter struct {
	Q      string // a substring of the person, action, target, details or client address, any case
	Actor  string
	Action string
	Target string
	From   time.Time
	To     time.Time
	Before int64
	After  int64
	Limit  int
}

// Audit returns entries newest first.
func (d *DB) Audit(ctx context.Context, f AuditFilter) ([]Entry, error) {
	var where []string
	var args []any
	if f.Q != "" {
		like := "LIKE"
		if d.postgres {
			like = "ILIKE"
		}
		var alts []string
		pattern := likePattern(f.Q)
		for _, col := range []string{"actor_email", "action", "target", "detail", "client"} {
			alts, args = append(alts, col+" "+like+` ? ESCAPE '\'`), append(args, pattern)
		}
		where = append(where, "("+strings.Join(alts, " OR ")+")")
	}
	if f.Actor != "" {
		where, args = append(where, "actor_email = ?"), append(args, f.Actor)
	}
	if f.Action != "" {
		where, args = append(where, "action = ?"), append(args, f.Action)
	}
	if f.Target != "" {
		where, args = append(where, "target = ?"), append(args, f.Target)
	}
	if !f.From.IsZero() {
		where, args = append(where, "at >= ?"), append(args, f.From.UnixMicro())
	}
	if !f.To.IsZero() {
		where, args = append(where, "at < ?"), append(args, f.To.UnixMicro())
	}
	if f.Before > 0 {
		where, args = append(where, "id < ?"), append(args, f.Before)
	}
	if f.After > 0 {
		where, args = append(where, "id > ?"), append(args, f.After)
	}
	query := "SELECT id, at, actor_sub, actor_email, action, target, detail, outcome, client FROM console_audit"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	// The page just newer than After is the oldest entries after it, turned round below.
	if f.After > 0 {
		query += " ORDER BY id ASC"
	} else {
		query += " ORDER BY id DESC"
	}
	if f.Limit > 0 {
		query += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := d.db.QueryContext(ctx, d.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Entry
	for rows.Next() {
		var e Entry
		var at int64
		err := rows.Scan(&e.ID, &at, &e.ActorSub, &e.ActorEmail, &e.Action, &e.Target, &e.Detail, &e.Outcome, &e.Client)
		if err != nil {
			return nil, err
		}
		e.At = time.UnixMicro(at).UTC()
		out = append(out, e)
	}
	if f.After > 0 {
		slices.Reverse(out)
	}
	return out, rows.Err()
}

// likePattern escapes a substring for LIKE … ESCAPE '\'. SQLite's LIKE ignores ASCII case, and
// PostgreSQL is asked with ILIKE.
func likePattern(sub string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(sub) + "%"
}

// Made reports which of the objects ids the audit log says subject uploaded or created (sharers may
// rename and move those).
func (d *DB) Made(ctx context.Context, subject string, ids []string) (map[string]bool, error) {
	made := map[string]bool{}
	if len(ids) == 0 {
		return made, nil
	}
	args := []any{subject}
	for _, id := range ids {
		args = append(args, id)
	}
	rows, err := d.db.QueryContext(ctx, d.q("SELECT DISTINCT target FROM console_audit "+
		"WHERE action IN ('upload', 'new-folder') AND outcome = 'ok' AND actor_sub = ? "+
		"AND target IN (?"+strings.Repeat(", ?", len(ids)-1)+")"), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		made[id] = true
	}
	return made, rows.Err()
}

// CreatedBy reports whether the audit log says subject created link id (sharers may revoke those).
func (d *DB) CreatedBy(ctx context.Context, subject, linkID string) (bool, error) {
	var n int
	err := d.db.QueryRowContext(ctx, d.q("SELECT COUNT(*) FROM console_audit "+
		"WHERE action = 'create' AND outcome = 'ok' AND target = ? AND actor_sub = ?"), linkID, subject).
		Scan(&n)
	return n > 0, err
}

// Actors lists the people who appear in the audit log, for the filter's choices.
func (d *DB) Actors(ctx context.Context) ([]string, error) {
	rows, err := d.db.QueryContext(
		ctx,
		"SELECT DISTINCT actor_email FROM console_audit WHERE actor_email <> '' ORDER BY actor_email",
	)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// SQL returns the underlying handle, for the connection pool metrics.
func (d *DB) SQL() *sql.DB { return d.db }
