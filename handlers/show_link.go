package handlers

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/auth"
	"github.com/sharedesk/sharedesk/consoledb"
	"github.com/sharedesk/sharedesk/views/console"
)

// linkDetail is a live link's page: its fields, what this person may do with it, and its history.
func (c *Console) linkDetail(ec *echo.Context, id string) (console.LinkDetailVM, error) {
	res, err := c.api.LinkGet(ec.Request().Context(), api.LinkGetRequest{ID: id})
	if err != nil {
		return console.LinkDetailVM{}, err
	}
	l := res.ShareLinkObject
	names, err := c.objectNames(ec, []api.ShareLink{l})
	if err != nil {
		return console.LinkDetailVM{}, err
	}
	vm := linkDetailVM(l, names)
	vm.Page = c.page(ec, "Link: "+orTitle(l.Title), "links")
	vm.Status = linkStatus(l, c.opt.Now())
	vm.SendTo = l.RecipientEmail
	for _, a := range l.Authenticators {
		vm.OpensByEmailCode = vm.OpensByEmailCode || a.AuthType == "email_otp"
	}
	s := staffOf(ec)
	vm.SendName = s.Name
	handles, err := c.mayHandle(ec, l.ID)
	if err != nil {
		return console.LinkDetailVM{}, err
	}
	vm.CanRevokeThis = handles && auth.CanRevoke(s.Role)
	vm.CanSendThis = handles && s.Can(auth.Send)
	vm.CanEditThis = vm.CanSendThis // who may send a link may change who can open it, and until when
	vm.History = c.linkHistory(ec, l.ID, handles)
	return vm, nil
}

// revokedLinkDetail is what stays of a revoked link (the share server keeps it for the retention
// period): its fields, who revoked it and when, and its history. Nothing can be done with it any more.
func (c *Console) revokedLinkDetail(ec *echo.Context, id string) (console.LinkDetailVM, error) {
	res, err := c.api.RevokedGet(ec.Request().Context(), api.RevokedGetRequest{ID: id})
	if err != nil {
		return console.LinkDetailVM{}, err
	}
	r := res.RevokedLink
	l := asShareLink(r)
	names, err := c.objectNames(ec, []api.ShareLink{l})
	if err != nil {
		return console.LinkDetailVM{}, err
	}
	vm := linkDetailVM(l, names)
	vm.Page = c.page(ec, "Revoked link: "+orTitle(r.Title), "links")
	vm.Status = "revoked"
	vm.Revoked = console.RevokedVM{At: r.RevokedAt, By: r.RevokedBy, Via: r.RevokedVia}
	// Revoked here, by the person named: the token is this console's own, which says nothing to anyone.
	if mine, err := c.db.Audit(ec.Request().Context(), consoledb.AuditFilter{Action: "revoke", Target: r.ID,
		Actor: r.RevokedBy, Limit: 10}); err == nil && slices.ContainsFunc(mine, func(e consoledb.Entry) bool {
		return e.Outcome == "ok"
	}) {
		vm.Revoked.Via = ""
	}
	handles, err := c.mayHandle(ec, r.ID)
	if err != nil {
		return console.LinkDetailVM{}, err
	}
	vm.History = c.linkHistory(ec, r.ID, handles)
	return vm, nil
}

// linkDetailVM is what a link's page says of l whether it is live or revoked; its shared items are
// named from names.
func linkDetailVM(l api.ShareLink, names map[string]api.Object) console.LinkDetailVM {
	vm := console.LinkDetailVM{
		ID:             l.ID,
		Title:          l.Title,
		Message:        l.Message,
		Type:           l.LinkType,
		URL:            l.Link,
		Recipient:      l.RecipientEmail,
		SenderEmail:    l.SenderEmail,
		SenderName:     l.SenderName,
		Accesses:       l.AccessCount,
		MaxAccesses:    l.MaxAccessCount,
		CreatedAt:      l.CreatedAt,
		ExpiresAt:      l.ExpiresAt,
		Tags:           l.Tags,
		Targets:        targetRows(l.Targets, names),
		Authenticators: authenticatorWords(l.Authenticators),
	}
	if l.LastAccessedAt != nil {
		vm.LastAccess = *l.LastAccessedAt
	}
	return vm
}

// targetRows names a link's shared items; ids without a name were deleted since.
func targetRows(ids []string, names map[string]api.Object) []console.TargetVM {
	var out []console.TargetVM
	for _, t := range ids {
		o, ok := names[t]
		out = append(out, console.TargetVM{ID: t, Name: o.Name, Type: o.Type, Missing: !ok})
	}
	return out
}

// authenticatorWords says how recipients prove who they are, for people.
func authenticatorWords(auths []api.Authenticator) []string {
	var out []string
	for _, a := range auths {
		out = append(out, authenticatorLabel(a))
	}
	return out
}

// authenticatorLabel says how a recipient proves who they are with a.
func authenticatorLabel(a api.Authenticator) string {
	switch a.AuthType {
	case "email_otp":
		return "email code to " + a.AuthContext
	case "sms_otp":
		return "text code to " + a.AuthContext
	case "password":
		return "password"
	}
	return a.AuthType
}

func orTitle(t string) string {
	if t == "" {
		return "untitled"
	}
	return t
}

// showLink handles GET /links/:id: a link, or what stays of it once revoked, with its history; with
// ?older=N, the page of history before event N (only that part for htmx, which adds it below).
func (c *Console) showLink(ec *echo.Context) error {
	id := ec.Param("id")
	vm, err := c.linkDetail(ec, id)
	if api.IsStatus(err, "NotFound") {
		// Gone from link/get, as on Pangea: revoked links are kept apart, for the retention period.
		// Anything but a record of it (never revoked, purged, a server without the extension) is the
		// link's own "not found".
		if rvm, rerr := c.revokedLinkDetail(ec, id); rerr == nil {
			vm, err = rvm, nil
		} else if !api.IsStatus(rerr, "NotFound") {
			c.log.WarnContext(ec.Request().Context(), "revoked link", "link", id, "err", rerr)
		}
	}
	if err != nil {
		return err
	}
	// The list the person came from, so Back and a revocation return to that view, filters and all.
	if from := backOrLinks(ec.QueryParam("from")); from == "/links" || strings.HasPrefix(from, "/links?") {
		vm.BackURL = from
	}
	var part templ.Component
	if ec.QueryParam("older") != "" {
		part = console.HistoryPage(vm.History, true)
	}
	return c.renderWholeOrPart(ec, http.StatusOK, console.LinkDetail(vm), part)
}

// historyPageSize is how many events the link page shows at a time.
const historyPageSize = 25

// linkHistory is the page of a link's timeline the request asks for (?older=N: the events before
// event N), newest first. The page still shows when the history cannot be had (Pangea's hosted
// service has no such endpoint), saying so.
func (c *Console) linkHistory(ec *echo.Context, id string, mayExport bool) console.HistoryVM {
	vm := console.HistoryVM{LinkID: id}
	if mayExport {
		vm.CSVURL = "/links/" + id + "/history.csv"
	}
	req := api.LinkEventsRequest{ID: id, Size: historyPageSize, Order: "desc"}
	// The cursor is an event's sequence number: anything else is ignored, not an error page.
	if n, err := strconv.ParseInt(ec.QueryParam("older"), 10, 64); err == nil && n > 0 {
		req.Last, vm.Older = strconv.FormatInt(n, 10), true
	}
	res, err := c.api.LinkEvents(ec.Request().Context(), req)
	if err != nil {
		c.log.WarnContext(ec.Request().Context(), "link history", "link", id, "err", err)
		vm.Unavailable = true
		return vm
	}
	c.withCreator(ec.Request().Context(), id, res.Events)
	for _, ev := range res.Events {
		row := eventRow(ev)
		if !mayExport {
			row.Client = "" // network addresses are for those who may act on the link, as the export is
		}
		vm.Events = append(vm.Events, row)
	}
	if res.Last != "" {
		vm.OlderURL = "/links/" + id + "?older=" + res.Last
	}
	return vm
}
