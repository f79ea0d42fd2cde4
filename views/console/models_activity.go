package console

import (
	"time"
)

// DashboardVM is the landing page of helpdesk and admins: numbers that need attention, each a link
// into the list that shows the same number, and what recipients did last.
type DashboardVM struct {
	Page
	Counts []DashCount
	Recent []ActivityRow
	Now    time.Time
}

// DashCount is one number of the dashboard.
type DashCount struct {
	TestID string
	Label  string
	Note   string
	N      int
	Kind   string // as LinksVM.CountKind: exact, bounded or estimate
	URL    string // the list showing the same number
}

// ActivityRow is one event of a link, in a list across links.
type ActivityRow struct {
	At                                               time.Time
	LinkID, LinkTitle                                string
	Type, Actor, Client, Method, Object, Detail, Out string
}

// ActivityVM lists events across links; the filter round-trips through the URL.
type ActivityVM struct {
	Page
	Type      string // an event type, "" for anything recipients did, "all" for every event
	Since     string // 24h, 7d, 30d or "" for any time
	Rows      []ActivityRow
	Count     int
	CountMore bool
	NextURL   string // older events
	FirstURL  string // the newest, when paging
	Now       time.Time
}
