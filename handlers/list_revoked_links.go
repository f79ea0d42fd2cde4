package handlers

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views"
	"github.com/sharedesk/sharedesk/views/console"
)

// listRevokedLinks handles GET /links?status=revoked: links revoked within the retention period, newest
// revocation first, searched by title and people (the search box and the recipient field, both
// case-insensitive substrings of the title or any address, phone number or name on the link).
func (c *Console) listRevokedLinks(ec *echo.Context, f console.LinkFilter) error {
	f = revokedView(f)
	res, f, err := c.revokedPage(ec, f)
	if err != nil {
		return err
	}
	rows, err := c.revokedRows(ec, res.RevokedLinks)
	if err != nil {
		return err
	}
	vm := console.RevokedLinksVM{
		Page:   c.page(ec, "Revoked links", "links"),
		Filter: f,
		Rows:   rows,
		Count:  res.Count,
		Now:    c.opt.Now(),
	}
	vm.NextURL, vm.PrevURL = pageURLs(f, res.Last, revokedURL)
	whole := console.RevokedLinks(vm)
	if r := ec.Request(); views.IsHTMX(r) && !onRevokedList(r.Header.Get("HX-Current-URL")) {
		// An in-place update asked from the Links page (its Status switched to Revoked): its filters do
		// not apply here, so the whole main part is replaced, with this page's own filters.
		h := ec.Response().Header()
		h.Set("HX-Retarget", "main")
		h.Set("HX-Reselect", "main")
		h.Set("HX-Reswap", "outerHTML")
		return c.renderWholeOrPart(ec, http.StatusOK, whole, nil)
	}
	return c.renderWholeOrPart(ec, http.StatusOK, whole, console.RevokedResults(vm))
}

// revokedView is the part of a Links view that applies to revoked links, so it alone stays in the
// page's address.
func revokedView(f console.LinkFilter) console.LinkFilter {
	return console.LinkFilter{Status: "revoked", Q: f.Q, Person: f.Person, Size: f.Size, Last: f.Last,
		Prev: f.Prev, Sort: "revoked_at", Order: "desc"}
}

// revokedPage is the page of revoked links view f shows, and the view as shown: a stale or foreign
// cursor starts the listing again rather than fail.
func (c *Console) revokedPage(ec *echo.Context, f console.LinkFilter,
) (*api.RevokedListResult, console.LinkFilter, error) {
	req := api.RevokedListRequest{Size: f.Size, Last: f.Last}
	for _, term := range []string{f.Q, f.Person} {
		if term != "" {
			req.Search = append(req.Search, term)
		}
	}
	ctx := ec.Request().Context()
	res, err := c.api.RevokedList(ctx, req)
	if api.IsStatus(err, "ValidationError") && f.Last != "" {
		f.Last, f.Prev, req.Last = "", nil, ""
		res, err = c.api.RevokedList(ctx, req)
	}
	return res, f, err
}

// revokedRows turns revoked links into rows, naming their targets with one listing call.
func (c *Console) revokedRows(ec *echo.Context, revoked []api.RevokedLink) ([]console.RevokedRow, error) {
	links := make([]api.ShareLink, len(revoked))
	for i, r := range revoked {
		links[i] = asShareLink(r)
	}
	names, err := c.objectNames(ec, links)
	if err != nil {
		return nil, err
	}
	var rows []console.RevokedRow
	for i, r := range revoked {
		rows = append(rows, console.RevokedRow{LinkRow: linkRow(links[i], "revoked", names),
			RevokedAt: r.RevokedAt, RevokedBy: r.RevokedBy, People: linkPeople(r)})
	}
	return rows, nil
}

// asShareLink is what revoked link r has in common with a live link (it has no address, message or
// tags any more).
func asShareLink(r api.RevokedLink) api.ShareLink {
	return api.ShareLink{ID: r.ID, BucketID: r.BucketID, Targets: r.Targets, LinkType: r.LinkType,
		AccessCount: r.AccessCount, MaxAccessCount: r.MaxAccessCount, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt,
		LastAccessedAt: r.LastAccessedAt, Authenticators: r.Authenticators, Title: r.Title,
		RecipientEmail: r.RecipientEmail, SenderEmail: r.SenderEmail, SenderName: r.SenderName}
}

// onRevokedList reports whether the page an htmx request came from is this list (its own filters and
// pager update the results in place).
func onRevokedList(current string) bool {
	u, err := url.Parse(current)
	return err == nil && u.Path == "/links" && u.Query().Get("status") == "revoked"
}

// linkPeople lists everyone a revoked link was for: the address it was sent to and those of its codes.
func linkPeople(r api.RevokedLink) []string {
	seen := map[string]bool{}
	var out []string
	add := func(s string) {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	add(r.RecipientEmail)
	for _, a := range r.Authenticators {
		if a.AuthType == "email_otp" || a.AuthType == "sms_otp" {
			add(a.AuthContext)
		}
	}
	return out
}

// revokedURL is the revoked list with its whole view in the query.
func revokedURL(f console.LinkFilter) string {
	q := url.Values{"status": {"revoked"}}
	if f.Q != "" {
		q.Set("q", f.Q)
	}
	if f.Person != "" {
		q.Set("person", f.Person)
	}
	if f.Size != 25 {
		q.Set("size", strconv.Itoa(f.Size))
	}
	if f.Last != "" {
		q.Set("last", f.Last)
	}
	for _, p := range f.Prev {
		q.Add("prev", p)
	}
	return "/links?" + q.Encode()
}
