package handlers

import (
	"context"
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
	now := c.opt.Now()
	q := newDashboardQueries(now)
	ans, err := c.askDashboard(ec.Request().Context(), q, now)
	if err != nil {
		return err
	}
	recent, err := c.activityRows(ec, ans.recent.Events)
	if err != nil {
		return err
	}
	vm := console.DashboardVM{
		Page:   c.page(ec, "Dashboard", "dashboard"),
		Counts: dashboardCounts(q, ans),
		Recent: recent,
		Now:    now,
	}
	return c.render(ec, http.StatusOK, console.Dashboard(vm))
}

// dashboardQueries are the lists the dashboard counts, as the pages its numbers link to show them.
type dashboardQueries struct {
	active, expiring console.LinkFilter
	failedSince      string // the activity list's period for failed sign-ins
}

func newDashboardQueries(now time.Time) dashboardQueries {
	active := console.LinkFilter{Status: "active", Sort: "created_at", Order: "desc", Size: 25}
	expiring := active
	// "Expires before" a date: the rest of today and the 7 days after it (dates are UTC, as in Links).
	expiring.ExpiresTo = now.UTC().AddDate(0, 0, 8).Format("2006-01-02")
	return dashboardQueries{active: active, expiring: expiring, failedSince: "24h"}
}

// dashboardAnswers are the share service's answers to the dashboard's queries.
type dashboardAnswers struct {
	active, expiring *api.LinkListResult
	failed, recent   *api.EventsListResult
}

// askDashboard asks the share service for the dashboard's numbers and its recent recipient events, all
// at once.
func (c *Console) askDashboard(ctx context.Context, q dashboardQueries, now time.Time) (dashboardAnswers, error) {
	var (
		wg   sync.WaitGroup
		ans  dashboardAnswers
		errs [4]error
	)
	count := func(f console.LinkFilter) (*api.LinkListResult, error) {
		req := linkListRequest(f, fieldErrors{}, now)
		req.Size = 1
		return c.api.LinkList(ctx, req)
	}
	wg.Go(func() { ans.active, errs[0] = count(q.active) })
	wg.Go(func() { ans.expiring, errs[1] = count(q.expiring) })
	wg.Go(func() {
		period, _ := activityPeriod(q.failedSince)
		since := now.Add(-period)
		ans.failed, errs[2] = c.api.EventsList(
			ctx,
			api.EventsListRequest{Types: []string{"failed_attempt"}, Since: &since, Size: 1, Count: true},
		)
	})
	wg.Go(func() {
		ans.recent, errs[3] = c.api.EventsList(ctx, api.EventsListRequest{Actor: "recipient", Size: dashboardRecent})
	})
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return dashboardAnswers{}, err
		}
	}
	return ans, nil
}

// dashboardCounts are the dashboard's numbers, each linking to the list it counts.
func dashboardCounts(q dashboardQueries, ans dashboardAnswers) []console.DashCount {
	failed, failedKind := 0, "exact"
	if ans.failed.Count != nil {
		failed = *ans.failed.Count
	}
	if ans.failed.CountMore {
		failedKind = "bounded"
	}
	lastDay := q.expiring.ExpiresTo
	if t, err := time.Parse("2006-01-02", q.expiring.ExpiresTo); err == nil {
		lastDay = t.AddDate(0, 0, -1).Format("Mon 2 Jan")
	}
	return []console.DashCount{
		{TestID: "dash-active", Label: views.Plural(ans.active.Count, "active link", "active links"),
			N: ans.active.Count, Kind: ans.active.ExtCountKind, URL: filterURL(q.active)},
		{TestID: "dash-expiring",
			Label: views.Plural(ans.expiring.Count, "link", "links") + " expiring within 7 days",
			N:     ans.expiring.Count, Kind: ans.expiring.ExtCountKind, URL: filterURL(q.expiring),
			Note: "by the end of " + lastDay + " (UTC)"},
		{TestID: "dash-failed", N: failed, Kind: failedKind, URL: activityURL("failed_attempt", q.failedSince, ""),
			Label: views.Plural(failed, "failed sign-in", "failed sign-ins") +
				" by recipients in the last 24 hours"},
	}
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
