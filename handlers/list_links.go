package handlers

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views"
	"github.com/sharedesk/sharedesk/views/console"
)

// linkListRequest turns the view into a share/link/list request; fields with errors (errs) narrow
// nothing.
func linkListRequest(f console.LinkFilter, errs fieldErrors, now time.Time) api.LinkListRequest {
	filter := map[string]any{}
	addSearchFilter(filter, f)
	addStatusFilter(filter, f, now)
	for _, d := range linkFilterDates(f) {
		if d.value != "" && errs[d.field] == "" {
			t, _ := time.Parse("2006-01-02", d.value)
			filter[d.key] = t.UTC().Format(time.RFC3339)
		}
	}
	for _, n := range linkFilterCounts(f) {
		if n.value != "" && errs[n.field] == "" {
			filter[n.key], _ = strconv.Atoi(n.value)
		}
	}
	// An estimate: exact up to 10,000 matches, so a broad filter over a million links does not walk
	// every match just to print its total.
	return api.LinkListRequest{
		Filter:   filter,
		OrderBy:  f.Sort,
		Order:    f.Order,
		Size:     f.Size,
		Last:     f.Last,
		ExtCount: "estimate",
	}
}

// addSearchFilter adds what the view searches for: words of the title, a person, what recipients did,
// the kind of link, a shared item, tags.
func addSearchFilter(filter map[string]any, f console.LinkFilter) {
	if f.Q != "" {
		filter["title__contains"] = []string{f.Q}
	}
	// Sharedesk extensions of link/list: a person by any address or phone the link is for (sent-to,
	// email code, SMS code), and what recipients did, from the links' history.
	if f.Person != "" {
		filter["ext_person__contains"] = []string{f.Person}
	}
	for key, v := range map[string]string{"ext_activity": f.Activity, "link_type": f.Type, "target_id": f.Target} {
		if v != "" {
			filter[key] = v
		}
	}
	if tags := splitList(f.Tags); len(tags) > 0 {
		filter["tags"] = tags
	}
}

// addStatusFilter adds the view's status, as of the listing's "now".
func addStatusFilter(filter map[string]any, f console.LinkFilter, now time.Time) {
	// "Now" is fixed for a listing (AsOf travels in the paging links): the cursor is bound to the exact
	// filter, and a moving "now" would make every next page a different listing.
	asOf := now.UTC().Truncate(time.Second)
	if f.AsOf > 0 {
		asOf = time.Unix(f.AsOf, 0).UTC()
	}
	// Active is what recipients can still open, as the rows' status says: not expired and not used up.
	switch f.Status {
	case "active":
		filter["expires_at__gt"] = asOf.Format(time.RFC3339)
		filter["ext_used_up"] = false
	case "used_up":
		filter["expires_at__gt"] = asOf.Format(time.RFC3339)
		filter["ext_used_up"] = true
	case "expired":
		filter["expires_at__lte"] = asOf.Format(time.RFC3339)
	}
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == ';' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// filterURL is /links with the whole view in the query, so a view can be bookmarked or shared.
func filterURL(f console.LinkFilter) string {
	q := url.Values{}
	set := func(k, v string) {
		if v != "" {
			q.Set(k, v)
		}
	}
	for _, p := range [][2]string{{"q", f.Q}, {"person", f.Person}, {"status", f.Status},
		{"activity", f.Activity}, {"type", f.Type}, {"target", f.Target}, {"tags", f.Tags},
		{"created_from", f.CreatedFrom}, {"created_to", f.CreatedTo}, {"expires_from", f.ExpiresFrom},
		{"expires_to", f.ExpiresTo}, {"min_access", f.MinAccess}, {"max_access", f.MaxAccess}} {
		set(p[0], p[1])
	}
	if f.Sort != "created_at" {
		set("sort", f.Sort)
	}
	if f.Order != "desc" {
		set("order", f.Order)
	}
	if f.Size != 25 {
		set("size", strconv.Itoa(f.Size))
	}
	set("last", f.Last)
	for _, p := range f.Prev {
		q.Add("prev", p)
	}
	if f.Status != "" && f.AsOf > 0 && (f.Last != "" || len(f.Prev) > 0) {
		q.Set("asof", strconv.FormatInt(f.AsOf, 10))
	}
	if len(q) == 0 {
		return "/links"
	}
	return "/links?" + q.Encode()
}

// linkStatus says whether recipients can still open a link.
func linkStatus(l api.ShareLink, now time.Time) string {
	switch {
	case !now.Before(l.ExpiresAt):
		return "expired"
	case l.AccessCount >= l.MaxAccessCount:
		return "exhausted"
	}
	return "active"
}

// linkRows turns links into rows, naming their targets with one listing call.
func (c *Console) linkRows(ec *echo.Context, links []api.ShareLink) ([]console.LinkRow, error) {
	names, err := c.objectNames(ec, links)
	if err != nil {
		return nil, err
	}
	now := c.opt.Now()
	rows := make([]console.LinkRow, len(links))
	for i, l := range links {
		rows[i] = linkRow(l, linkStatus(l, now), names)
		rows[i].For, rows[i].PasswordOnly = linkFor(l)
	}
	return rows, nil
}

// linkRow is link l's row in a list, saying status, its shared items named from names.
func linkRow(l api.ShareLink, status string, names map[string]api.Object) console.LinkRow {
	r := console.LinkRow{
		ID:          l.ID,
		Status:      status,
		Title:       l.Title,
		Type:        l.LinkType,
		Recipient:   l.RecipientEmail,
		Accesses:    l.AccessCount,
		MaxAccesses: l.MaxAccessCount,
		ExpiresAt:   l.ExpiresAt,
		CreatedAt:   l.CreatedAt,
		Targets:     targetNames(l.Targets, names),
	}
	if l.LastAccessedAt != nil {
		r.LastAccess = *l.LastAccessedAt
	}
	return r
}

// targetNames names a link's shared items as looked up in names; one deleted since keeps its place.
func targetNames(targets []string, names map[string]api.Object) []string {
	var out []string
	for _, t := range targets {
		if o, ok := names[t]; ok {
			out = append(out, o.Name)
		} else {
			out = append(out, "(deleted)")
		}
	}
	return out
}

// linkFor is who a link is for: the address it was sent to, then the address or number of each
// email-code and SMS-code authenticator, each once (addresses compared without case). Staff see them in
// full, as on the link's page; a password is never shown, only that one opens a link naming nobody.
func linkFor(l api.ShareLink) (people []string, passwordOnly bool) {
	seen := map[string]bool{}
	add := func(s string) {
		if k := strings.ToLower(s); s != "" && !seen[k] {
			seen[k] = true
			people = append(people, s)
		}
	}
	add(l.RecipientEmail)
	password := false
	for _, a := range l.Authenticators {
		switch a.AuthType {
		case "email_otp", "sms_otp":
			add(a.AuthContext)
		case "password":
			password = true
		}
	}
	return people, password && len(people) == 0
}

// objectNames looks up the shared items of links in one listing call.
func (c *Console) objectNames(ec *echo.Context, links []api.ShareLink) (map[string]api.Object, error) {
	seen := map[string]bool{}
	var ids []string
	for _, l := range links {
		for _, t := range l.Targets {
			if !seen[t] && len(ids) < 100 {
				seen[t] = true
				ids = append(ids, t)
			}
		}
	}
	names := map[string]api.Object{}
	if len(ids) == 0 {
		return names, nil
	}
	res, err := c.api.List(
		ec.Request().Context(),
		api.ListRequest{Filter: map[string]any{"id__in": ids}, Size: len(ids)},
	)
	if err != nil {
		return nil, err
	}
	for _, o := range res.Objects {
		names[o.ID] = o
	}
	return names, nil
}

// listLinks handles GET /links: the table, or just its fragment for htmx.
func (c *Console) listLinks(ec *echo.Context) error {
	form := newLinkFilterForm(ec.QueryParams())
	errs := form.Validate()
	f := console.LinkFilter(form)
	if f.Status == "revoked" {
		return c.listRevokedLinks(ec, f)
	}
	if f.Status != "" && f.AsOf == 0 {
		f.AsOf = c.opt.Now().Unix()
	}
	res, err := c.api.LinkList(ec.Request().Context(), linkListRequest(f, errs, c.opt.Now()))
	if api.IsStatus(err, "ValidationError") && f.Last != "" {
		// A stale or foreign cursor: start the listing again rather than fail.
		f.Last, f.Prev = "", nil
		res, err = c.api.LinkList(ec.Request().Context(), linkListRequest(f, errs, c.opt.Now()))
	}
	if err != nil {
		return err
	}
	rows, err := c.linkRows(ec, res.ShareLinkObjects)
	if err != nil {
		return err
	}
	vm := console.LinksVM{
		Page:      c.page(ec, "Links", "links"),
		Filter:    f,
		Here:      filterURL(f),
		Rows:      rows,
		Count:     res.Count,
		CountKind: res.ExtCountKind,
		Now:       c.opt.Now(),
		Errors:    errs,
	}
	vm.NextURL, vm.PrevURL = pageURLs(f, res.Last, filterURL)
	if views.WantsPart(ec.Request()) {
		// The address htmx pushes is the view's own (filterURL), not the form's every empty field: the
		// same address a bookmark, Back and a colleague get.
		ec.Response().Header().Set("HX-Push-Url", filterURL(f))
	}
	return c.renderWholeOrPart(ec, http.StatusOK, console.Links(vm), console.LinkResults(vm))
}

// pageURLs are the addresses (written by at) of the pages after and before view f, whose listing
// continues after cursor last ("" when this is the last page). Back goes through the cursors already
// seen, kept in the URL; "-" stands for the first page.
func pageURLs(f console.LinkFilter, last string, at func(console.LinkFilter) string) (next, prev string) {
	if last != "" {
		n := f
		cur := f.Last
		if cur == "" {
			cur = "-"
		}
		n.Prev, n.Last = append(append([]string(nil), f.Prev...), cur), last
		next = at(n)
	}
	if len(f.Prev) > 0 {
		back := f
		back.Last, back.Prev = f.Prev[len(f.Prev)-1], f.Prev[:len(f.Prev)-1]
		if back.Last == "-" {
			back.Last = ""
		}
		prev = at(back)
	}
	return next, prev
}
