package share

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// activityStore reads events across every link of a bucket, newest first (the console's dashboard and
// activity page).
type activityStore interface {
	// RecentEvents returns up to limit events matching q, newest first, from before q's cursor.
	RecentEvents(ctx context.Context, q ActivityQuery, limit int) ([]Event, error)
	// CountEvents counts the events matching q, stopping at limit.
	CountEvents(ctx context.Context, q ActivityQuery, limit int) (int, error)
}

// ActivityQuery selects events across links. Empty fields match everything.
type ActivityQuery struct {
	BucketID string
	Types    []string
	Actor    string
	Since    time.Time // events at or after
	// The cursor: events strictly older than (BeforeAt, BeforeSeq) in (at, seq) order.
	BeforeAt  int64
	BeforeSeq int64
}

// ActivityRequest asks for a page of events across links.
type ActivityRequest struct {
	BucketID string
	Types    []string
	Actor    string
	Since    time.Time
	Last     string // the previous page's cursor
	Size     int
	Count    bool // also count the matches, up to MaxActivityCount
}

// ActivityPage is a page of events across links, newest first.
type ActivityPage struct {
	Events []Event
	Last   string // cursor of the next (older) page; empty on the last
	// Count is the number of matches when asked for, at most MaxActivityCount; CountMore says there
	// are more than that.
	Count     int
	CountMore bool
}

// Limits of activity pages and counts.
const (
	MaxActivityPage  = 100
	MaxActivityCount = 10000
)

// Activity returns a page of events across the bucket's links, newest first. The cursor names the
// last event of the previous page by time and sequence; a cursor no page gave is refused.
func (s *Service) Activity(ctx context.Context, r ActivityRequest) (ActivityPage, error) {
	bucketID, err := s.bucket(ctx, r.BucketID)
	if err != nil {
		return ActivityPage{}, err
	}
	if r.Size <= 0 {
		r.Size = 20
	}
	if r.Size > MaxActivityPage {
		return ActivityPage{}, Invalid("BadFormat", "/size", fmt.Sprintf("must be at most %d", MaxActivityPage))
	}
	q := ActivityQuery{BucketID: bucketID, Types: r.Types, Actor: r.Actor, Since: r.Since}
	if r.Last != "" {
		at, seq, ok := parseActivityCursor(r.Last)
		if !ok {
			return ActivityPage{}, Invalid("BadFormat", "/last", "must be the last of a previous page")
		}
		q.BeforeAt, q.BeforeSeq = at, seq
	}
	evs, err := s.store.RecentEvents(ctx, q, r.Size+1)
	if err != nil {
		return ActivityPage{}, err
	}
	var page ActivityPage
	if len(evs) > r.Size {
		evs = evs[:r.Size]
		last := evs[len(evs)-1]
		page.Last = strconv.FormatInt(Micros(last.At), 10) + "." + strconv.FormatInt(last.Seq, 10)
	}
	page.Events = evs
	if r.Count {
		q.BeforeAt, q.BeforeSeq = 0, 0
		n, err := s.store.CountEvents(ctx, q, MaxActivityCount+1)
		if err != nil {
			return ActivityPage{}, err
		}
		page.Count, page.CountMore = min(n, MaxActivityCount), n > MaxActivityCount
	}
	return page, nil
}

// parseActivityCursor reads "AT.SEQ", two non-negative integers.
func parseActivityCursor(s string) (at, seq int64, ok bool) {
	a, b, found := strings.Cut(s, ".")
	if !found {
		return 0, 0, false
	}
	at, err1 := strconv.ParseInt(a, 10, 64)
	seq, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil || err2 != nil || at < 0 || seq < 0 {
		return 0, 0, false
	}
	return at, seq, true
}
