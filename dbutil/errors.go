package dbutil

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"log/slog"
	"net"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
)

// SQLite primary result codes (the low byte of an extended code).
const (
	sqliteBusy   = 5
	sqliteLocked = 6
	sqliteIOErr  = 10
	sqliteFull   = 13
)

// IsStorageFull reports whether err says the database's disk is full: SQLite's SQLITE_FULL, PostgreSQL's
// disk_full (53100), or ENOSPC/EDQUOT from the operating system.
func IsStorageFull(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return true
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "53100"
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()&0xff == sqliteFull
	}
	return false
}

// IsUnavailable reports whether err means the database cannot answer right now (down, unreachable,
// frozen, locked, overloaded or restarting), so the same request may succeed if retried later.
func IsUnavailable(err error) bool {
	if err == nil || IsStorageFull(err) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, driver.ErrBadConn) ||
		errors.Is(err, sql.ErrConnDone) {
		return true
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch {
		case strings.HasPrefix(pg.Code, "08"), // connection exception
			strings.HasPrefix(pg.Code, "53"),       // insufficient resources (too many connections, out of memory)
			strings.HasPrefix(pg.Code, "57P"),      // admin shutdown, crash shutdown, cannot connect now
			pg.Code == "57014",                     // query cancelled (statement_timeout)
			pg.Code == "55P03",                     // lock not available (lock_timeout)
			pg.Code == "40001", pg.Code == "40P01": // serialization failure, deadlock: a retry succeeds
			return true
		}
		return false
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqliteBusy, sqliteLocked, sqliteIOErr:
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) || pgconn.Timeout(err) {
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return true
	}
	return strings.Contains(err.Error(), "sql: database is closed")
}

// Retry calls open until it succeeds, fails for a reason other than IsUnavailable, or wait has passed,
// backing off from one second to 30. Each failed attempt is logged so an operator sees why a server
// has not started yet; a database that comes up a little after the server is not fatal.
func Retry(
	ctx context.Context,
	log *slog.Logger,
	what string,
	wait time.Duration,
	open func(context.Context) error,
) error {
	deadline := time.Now().Add(wait)
	delay := time.Second
	for attempt := 1; ; attempt++ {
		err := open(ctx)
		if err == nil || !IsUnavailable(err) || time.Now().Add(delay).After(deadline) {
			return err
		}
		log.WarnContext(
			ctx,
			what+" is not reachable yet; retrying",
			"attempt",
			attempt,
			"retry_in",
			delay.String(),
			"err",
			err,
		)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(delay):
		}
		delay = min(2*delay, 30*time.Second)
	}
}
