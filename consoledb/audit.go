package consoledb

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/sharedesk/sharedesk/applog"
	"github.com/sharedesk/sharedesk/dbutil"
)

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
	where, args := f.conditions(d.postgres)
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
	out, err := scanEntries(rows)
	if f.After > 0 {
		slices.Reverse(out)
	}
	return out, err
}

// conditions are the WHERE terms of f, ANDed together, and their arguments.
func (f AuditFilter) conditions(postgres bool) (where []string, args []any) {
	if f.Q != "" {
		var alts []string
		pattern := dbutil.LikePattern(f.Q)
		for _, col := range []string{"actor_email", "action", "target", "detail", "client"} {
			alts, args = append(alts, dbutil.Like(postgres, col)), append(args, pattern)
		}
		where = append(where, "("+strings.Join(alts, " OR ")+")")
	}
	for _, c := range []struct {
		given bool
		term  string
		arg   any
	}{
		{f.Actor != "", "actor_email = ?", f.Actor},
		{f.Action != "", "action = ?", f.Action},
		{f.Target != "", "target = ?", f.Target},
		{!f.From.IsZero(), "at >= ?", f.From.UnixMicro()},
		{!f.To.IsZero(), "at < ?", f.To.UnixMicro()},
		{f.Before > 0, "id < ?", f.Before},
		{f.After > 0, "id > ?", f.After},
	} {
		if c.given {
			where, args = append(where, c.term), append(args, c.arg)
		}
	}
	return where, args
}

// scanEntries reads the rows of Audit's query, in the order they come.
func scanEntries(rows *sql.Rows) ([]Entry, error) {
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
	return out, rows.Err()
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

// Creator is the email of whoever created the link in this console ("" when it was made elsewhere).
func (d *DB) Creator(ctx context.Context, linkID string) (string, error) {
	var who string
	err := d.db.QueryRowContext(ctx, d.q("SELECT actor_email FROM console_audit "+
		"WHERE action = 'create' AND outcome = 'ok' AND target = ? ORDER BY id LIMIT 1"), linkID).Scan(&who)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return who, err
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
