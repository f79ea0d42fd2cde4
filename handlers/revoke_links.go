package handlers

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/auth"
	"github.com/sharedesk/sharedesk/views"
	"github.com/sharedesk/sharedesk/views/console"
)

// revocable checks the form, loads its links and checks that this person may revoke each: any link for
// helpdesk and admin, only links they created (per the audit log) for sharers.
func (c *Console) revocable(ec *echo.Context, form revokeLinksForm) ([]api.ShareLink, error) {
	if errs := form.Validate(); len(errs) > 0 {
		return nil, echo.NewHTTPError(http.StatusBadRequest, errs["id"])
	}
	ids := form.IDs
	links := make([]api.ShareLink, 0, len(ids))
	for _, id := range ids {
		res, err := c.api.LinkGet(ec.Request().Context(), api.LinkGetRequest{ID: id})
		if err != nil {
			return nil, err
		}
		ok, err := c.mayHandle(ec, id)
		if err != nil {
			return nil, err
		}
		if !ok {
			logDetail(ec, slog.String("refused", "not the creator of "+id))
			return nil, echo.NewHTTPError(
				http.StatusForbidden,
				fmt.Sprintf(
					"You can only revoke links you created; %q was created by someone else.",
					res.ShareLinkObject.Title,
				),
			)
		}
		links = append(links, res.ShareLinkObject)
	}
	return links, nil
}

// mayHandle is the one rule for acting on an existing link (revoking it, sending it): helpdesk and
// admins may act on any link, sharers only on the links they created (per the audit log).
func (c *Console) mayHandle(ec *echo.Context, linkID string) (bool, error) {
	s := staffOf(ec)
	if s.Can(auth.RevokeAny) {
		return true, nil
	}
	if !s.Can(auth.RevokeOwn) {
		return false, nil
	}
	return c.db.CreatedBy(ec.Request().Context(), s.Subject, linkID)
}

// backOrLinks keeps a return address only when it is a safe local path into the links pages.
func backOrLinks(b string) string {
	if p, ok := auth.SafeReturnPath(b); ok &&
		(p == "/links" || strings.HasPrefix(p, "/links?") || strings.HasPrefix(p, "/links/")) {
		return p
	}
	return "/links"
}

// confirmRevoke handles GET /links/revoke?id=…: names the links before anything happens.
func (c *Console) confirmRevoke(ec *echo.Context) error {
	form := newRevokeLinksForm(ec.QueryParams())
	links, err := c.revocable(ec, form)
	if err != nil {
		return err
	}
	rows, err := c.linkRows(ec, links)
	if err != nil {
		return err
	}
	back := backOrLinks(form.Back)
	if back == "/links" && ec.Request().Referer() != "" {
		if i := strings.Index(ec.Request().Referer(), "/links"); i >= 0 {
			back = backOrLinks(ec.Request().Referer()[i:])
		}
	}
	return c.render(
		ec,
		http.StatusOK,
		console.RevokeConfirm(console.RevokeVM{Page: c.page(ec, "Revoke links", "links"), Links: rows, Back: back}),
	)
}

// revokeLinks handles POST /links/revoke.
func (c *Console) revokeLinks(ec *echo.Context) error {
	fv, err := ec.FormValues()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	form := newRevokeLinksForm(fv)
	links, err := c.revocable(ec, form)
	if err != nil {
		return err
	}
	ids := form.IDs
	// The share server keeps who revoked each link on its record (ext_revoked_by, an extension).
	res, err := c.api.LinkDelete(
		ec.Request().Context(),
		api.LinkDeleteRequest{IDs: ids, ExtRevokedBy: staffOf(ec).Email},
	)
	if err != nil {
		for _, id := range ids {
			c.audit(ec, "revoke", id, err.Error(), "failed")
		}
		return err
	}
	for _, l := range res.ShareLinkObjects {
		c.audit(ec, "revoke", l.ID, fmt.Sprintf("%q to %s", l.Title, l.RecipientEmail), "ok")
	}
	c.flash(
		ec,
		"Revoked "+views.Quantity(len(links), "link", "links")+". "+titles(links),
		false,
	)
	return seeOther(ec, afterRevoke(backOrLinks(form.Back), ids))
}

// afterRevoke is where a revocation returns to: where the person came from, unless that was the page
// of a link just revoked (it is gone), then the list.
func afterRevoke(back string, revoked []string) string {
	for _, id := range revoked {
		if back == "/links/"+id || strings.HasPrefix(back, "/links/"+id+"?") {
			return "/links"
		}
	}
	return back
}

func titles(links []api.ShareLink) string {
	var t []string
	for _, l := range links {
		if l.Title != "" {
			t = append(t, "“"+l.Title+"”")
		}
	}
	if len(t) > 5 {
		t = append(t[:5], "…")
	}
	return strings.Join(t, ", ")
}
