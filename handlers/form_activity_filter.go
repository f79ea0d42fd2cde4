package handlers

import (
	"net/url"
	"slices"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views/console"
)

// activityFilterForm is the Activity view as the query string holds it. It has no Validate: both
// fields are choices from a list, and a value not on the list is dropped rather than refused, so the
// page shows what it applied.
type activityFilterForm struct {
	Type  string // "" (what recipients did), "all", or one event type
	Since string // "" (any time) or a period activityPeriod knows
	Last  string // the page: a cursor from the share server
}

// newActivityFilterForm reads the view from the query string, keeping only values the page offers.
func newActivityFilterForm(q url.Values) activityFilterForm {
	f := activityFilterForm{Type: q.Get("type"), Since: q.Get("since"), Last: q.Get("last")}
	if f.Type != "all" && !slices.Contains(console.ActivityTypes(), f.Type) {
		f.Type = ""
	}
	if _, ok := activityPeriod(f.Since); !ok {
		f.Since = ""
	}
	return f
}

// request is the events list the view asks the share server for, one page of 50 with its count.
func (f activityFilterForm) request(now time.Time) api.EventsListRequest {
	req := api.EventsListRequest{Actor: recipientActor, Size: 50, Count: true, Last: f.Last}
	switch f.Type {
	case "":
	case "all":
		req.Actor = ""
	default:
		req.Actor, req.Types = "", []string{f.Type}
	}
	if d, ok := activityPeriod(f.Since); ok {
		since := now.Add(-d)
		req.Since = &since
	}
	return req
}
