package store

import (
	"context"
	"strings"

	"github.com/sharedesk/sharedesk/share"
)

// activityWhere is the WHERE clause of q (in ? form) and its arguments.
func activityWhere(q share.ActivityQuery) (string, []any) {
	where := []string{"bucket_id = ?"}
	args := []any{q.BucketID}
	if len(q.Types) > 0 {
		where = append(where, "type IN (?"+strings.Repeat(", ?", len(q.Types)-1)+")")
		for _, t := range q.Types {
			args = append(args, t)
		}
	}
	if q.Actor != "" {
		where, args = append(where, "actor = ?"), append(args, q.Actor)
	}
	if !q.Since.IsZero() {
		where, args = append(where, "at >= ?"), append(args, share.Micros(q.Since))
	}
	if q.BeforeAt > 0 {
		where, args = append(where, "(at, seq) < (?, ?)"), append(args, q.BeforeAt, q.BeforeSeq)
	}
	return strings.Join(where, " AND "), args
}

// RecentEvents returns events across links, newest first (by time, then sequence). The indexes on
// (type, at, seq) and (actor, at, seq) give them in that order without sorting the history.
func (s *DB) RecentEvents(ctx context.Context, q share.ActivityQuery, limit int) ([]share.Event, error) {
	where, args := activityWhere(q)
	rows, err := s.db.QueryContext(
		ctx,
		s.q("SELECT "+eventCols+" FROM link_events WHERE "+where+" ORDER BY at DESC, seq DESC LIMIT ?"),
		append(args, limit)...,
	)
	if err != nil {
		return nil, err
	}
	return scanEvents(rows)
}

// CountEvents counts the events q matches, visiting at most limit of them.
func (s *DB) CountEvents(ctx context.Context, q share.ActivityQuery, limit int) (int, error) {
	where, args := activityWhere(q)
	var n int
	err := s.db.QueryRowContext(
		ctx,
		s.q("SELECT COUNT(*) FROM (SELECT 1 FROM link_events WHERE "+where+" LIMIT ?) AS m"),
		append(args, limit)...,
	).Scan(&n)
	return n, err
}
