package handlers

import (
	"net/http"
	"net/url"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views/console"
)

// activityPeriod is the length of one of the periods the activity list offers (24h, 7d, 30d).
func activityPeriod(since string) (time.Duration, bool) {
	switch since {
	case "24h":
		return 24 * time.Hour, true
	case "7d":
		return 7 * 24 * time.Hour, true
	case "30d":
		return 30 * 24 * time.Hour, true
	}
	return 0, false
}

// recipientActor is the actor of the events recipients cause, for "anything recipients did".
const recipientActor = "recipient"

// activityURL is /activity with the view in the query, so it can be bookmarked and linked to.
func activityURL(typ, since, last string) string {
	q := url.Values{}
	for k, v := range map[string]string{"type": typ, "since": since, "last": last} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return "/activity"
	}
	return "/activity?" + q.Encode()
}

// listActivity handles GET /activity: events across links, newest first, or the list's fragment for
// htmx. Unknown filter values are dropped rather than refused: the page shows what it applied.
func (c *Console) listActivity(ec *echo.Context) error {
	form := newActivityFilterForm(ec.QueryParams())
	vm := console.ActivityVM{Page: c.page(ec, "Activity", "dashboard"), Type: form.Type, Since: form.Since,
		Now: c.opt.Now()}
	req := form.request(vm.Now)
	res, err := c.api.EventsList(ec.Request().Context(), req)
	if api.IsStatus(err, "ValidationError") && req.Last != "" {
		// A cursor from another view, or made up: start from the newest.
		req.Last = ""
		res, err = c.api.EventsList(ec.Request().Context(), req)
	}
	if err != nil {
		return err
	}
	if vm.Rows, err = c.activityRows(ec, res.Events); err != nil {
		return err
	}
	if res.Count != nil {
		vm.Count, vm.CountMore = *res.Count, res.CountMore
	}
	if res.Last != "" {
		vm.NextURL = activityURL(vm.Type, vm.Since, res.Last)
	}
	if req.Last != "" {
		vm.FirstURL = activityURL(vm.Type, vm.Since, "")
	}
	return c.renderWholeOrPart(ec, http.StatusOK, console.Activity(vm), console.ActivityResults(vm))
}
