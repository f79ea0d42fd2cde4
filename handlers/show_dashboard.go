package handlers

import (
	"net/http"
	"sync"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/auth"
	"github.com/sharedesk/sharedesk/views"
	"github.com/sharedesk/sharedesk/views/console"
)

// landing is where a person starts: the dashboard for those who look after links (helpdesk, admins),
// the Links list for the others, who come to share.
func landing(s *auth.Staff) string {
	if s != nil && (s.Can(auth.RevokeAny) || s.Can(auth.Admin)) {
		return "/dashboard"
	}
	return "/links"
}

// showHome handles GET /: the landing page of whoever is signed in, or the sign-in.
func (c *Console) showHome(ec *echo.Context) error {
	if s := staffOf(ec); s != nil {
		return ec.Redirect(http.StatusSeeOther, landing(s))
	}
	return ec.Redirect(http.StatusSeeOther, "/login")
}

// dashboardRecent is how many recipient events the dashboard shows.
const dashboardRecent = 8

// showDashboard handles GET /dashboard. Each number comes from the same filter as the list it links to,
// so the list shows the same number: the Links list with its own filters (counted as the Links page
// counts, an estimate past 10,000), the activity list for failed sign-ins (counted up to 10,000). The
// share service is asked everything at once.
func (c *Console) showDashboard(ec *echo.Context) error {
	ctx := ec.Request().Context()
	now := c.opt.Now()
	active := console.LinkFilter{Status: "active", Sort: "created_at", Order: "desc", Size: 25}
	expiring := active
	// "Expires before" a date: the rest of today and the 7 days after it (dates are UTC, as in Links).
	expiring.ExpiresTo = now.UTC().AddDate(0, 0, 8).Format("2006-01-02")
	failedSince := "24h"

	var (
		wg                     sync.WaitGroup
		activeRes, expiringRes *api.LinkListResult
		failedRes, recentRes   *api.EventsListResult
		activeErr, expiringErr error
		failedErr, recentErr   error
	)
	count := func(f console.LinkFilter, res **api.LinkListResult, err *error) {
		defer wg.Done()
		req := linkListRequest(f, fieldErrors{}, now)
		req.Size = 1
		*res, *err = c.api.LinkList(ctx, req)
	}
	wg.Add(4)
	go count(active, &activeRes, &activeErr)
	go count(expiring, &expiringRes, &expiringErr)
	go func() {
		defer wg.Done()
		period, _ := activityPeriod(failedSince)
		since := now.Add(-period)
		failedRes, failedErr = c.api.EventsList(
			ctx,
			api.EventsListRequest{Types: []string{"failed_attempt"}, Since: &since, Size: 1, Count: true},
		)
	}()
	go func() {
		defer wg.Done()
		recentRes, recentErr = c.api.EventsList(ctx, api.EventsListRequest{Actor: "recipient", Size: dashboardRecent})
	}()
	wg.Wait()
	for _, err := range []error{activeErr, expiringErr, failedErr, recentErr} {
		if err != nil {
			return err
		}
	}
	recent, err := c.activityRows(ec, recentRes.Events)
	if err != nil {
		return err
	}
	failed, failedMore := 0, failedRes.CountMore
	if failedRes.Count != nil {
		failed = *failedRes.Count
	}
	failedKind := "exact"
	if failedMore {
		failedKind = "bounded"
	}
	lastDay := expiring.ExpiresTo
	if t, err := time.Parse("2006-01-02", expiring.ExpiresTo); err == nil {
		lastDay = t.AddDate(0, 0, -1).Format("Mon 2 Jan")
	}
	vm := console.DashboardVM{
		Page: c.page(ec, "Dashboard", "dashboard"),
		Counts: []console.DashCount{
			{TestID: "dash-active", Label: views.Plural(activeRes.Count, "active link", "active links"),
				N: activeRes.Count, Kind: activeRes.ExtCountKind, URL: filterURL(active)},
			{TestID: "dash-expiring",
				Label: views.Plural(expiringRes.Count, "link", "links") + " expiring within 7 days",
				N:     expiringRes.Count, Kind: expiringRes.ExtCountKind, URL: filterURL(expiring),
				Note: "by the end of " + lastDay + " (UTC)"},
			{TestID: "dash-failed", N: failed, Kind: failedKind, URL: activityURL("failed_attempt", failedSince, ""),
				Label: views.Plural(failed, "failed sign-in", "failed sign-ins") +
					" by recipients in the last 24 hours"},
		},
		Recent: recent,
		Now:    now,
	}
	return c.render(ec, http.StatusOK, console.Dashboard(vm))
}

// activityRows turns events into rows, naming their links with one listing call. A link that is gone
// (revoked, or expired past the retention) keeps its id.
// Recipients' network addresses are shown only to those who may act on any link (helpdesk, admins), as
// the history export is: a viewer or a sharer reads what happened, not from where.
func (c *Console) activityRows(ec *echo.Context, evs []api.LinkActivity) ([]console.ActivityRow, error) {
	ctx := ec.Request().Context()
	s := staffOf(ec)
	showClients := s != nil && (s.Can(auth.RevokeAny) || s.Can(auth.Admin))
	var ids []string
	seen := map[string]bool{}
	for _, ev := range evs {
		if !seen[ev.LinkID] {
			seen[ev.LinkID] = true
			ids = append(ids, ev.LinkID)
		}
	}
	titles := map[string]string{}
	if len(ids) > 0 {
		res, err := c.api.LinkList(ctx, api.LinkListRequest{Filter: map[string]any{"id__in": ids}, Size: len(ids),
			ExtCount: "none"})
		if err != nil {
			return nil, err
		}
		for _, l := range res.ShareLinkObjects {
			titles[l.ID] = l.Title
			if l.Title == "" {
				titles[l.ID] = "Untitled link"
			}
		}
	}
	rows := make([]console.ActivityRow, len(evs))
	for i, ev := range evs {
		rows[i] = console.ActivityRow{At: ev.At, LinkID: ev.LinkID, LinkTitle: titles[ev.LinkID], Type: ev.Type,
			Actor: ev.Actor, Client: ev.Client, Method: ev.Method, Object: ev.ObjectName, Detail: ev.Detail,
			Out: ev.Outcome}
		if !showClients {
			rows[i].Client = ""
		}
	}
	return rows, nil
}
