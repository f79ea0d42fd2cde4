package handlers

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/sharedesk/sharedesk/views/console"
)

// linkFilterForm is the Links view as the query string holds it (a GET form, so a view can be
// bookmarked). Bad values are reported per field and left out of the query, so a typo narrows nothing
// by surprise.
type linkFilterForm console.LinkFilter

// newLinkFilterForm reads the view from the query string. A choice the page offers as a list that the
// address holds but the page does not offer is back to its default.
func newLinkFilterForm(q url.Values) linkFilterForm {
	f := console.LinkFilter{Status: q.Get("status"), Type: q.Get("type"), Q: strings.TrimSpace(q.Get("q")),
		Person: strings.TrimSpace(q.Get("person")), Activity: q.Get("activity"),
		Target: strings.TrimSpace(q.Get("target")),
		Tags:   q.Get("tags"), CreatedFrom: q.Get("created_from"), CreatedTo: q.Get("created_to"),
		ExpiresFrom: q.Get("expires_from"), ExpiresTo: q.Get("expires_to"),
		MinAccess: q.Get("min_access"), MaxAccess: q.Get("max_access"), Sort: q.Get("sort"), Order: q.Get("order"),
		Last: q.Get("last"), Prev: q["prev"]}
	if f.Person == "" {
		// The Recipient box became the Person box: old bookmarks and shared views still find their links.
		f.Person = strings.TrimSpace(q.Get("recipient"))
	}
	f.AsOf, _ = strconv.ParseInt(q.Get("asof"), 10, 64)
	f.Size, _ = strconv.Atoi(q.Get("size"))
	if len(f.Prev) > 50 {
		f.Prev = f.Prev[len(f.Prev)-50:]
	}
	return linkFilterForm(withKnownChoices(f))
}

// Validate says which of the view's dates and numbers of openings cannot be read.
func (f linkFilterForm) Validate() fieldErrors {
	errs := fieldErrors{}
	for _, d := range linkFilterDates(console.LinkFilter(f)) {
		if _, err := time.Parse("2006-01-02", d.value); d.value != "" && err != nil {
			errs.add(d.field, "Use a date like 2026-03-31.")
		}
	}
	for _, n := range linkFilterCounts(console.LinkFilter(f)) {
		if v, err := strconv.Atoi(n.value); n.value != "" && (err != nil || v < 0) {
			errs.add(n.field, "Use a whole number.")
		}
	}
	return errs
}

// withKnownChoices puts each choice the page offers as a list (sort, order, status, type, activity, page
// size) back to its default when the address holds one the page does not offer.
func withKnownChoices(f console.LinkFilter) console.LinkFilter {
	f.Sort = oneOf(f.Sort, "created_at",
		"created_at", "expires_at", "last_accessed_at", "access_count", "title", "recipient_email", "link_type")
	f.Order = oneOf(f.Order, "desc", "asc")
	f.Status = oneOf(f.Status, "", "active", "used_up", "expired", "revoked")
	f.Type = oneOf(f.Type, "", "download", "upload", "editor")
	f.Activity = oneOf(f.Activity, "", "opened", "never_opened", "downloaded")
	if !slices.Contains([]int{10, 25, 50, 100}, f.Size) {
		f.Size = 25
	}
	return f
}

// oneOf is v when it is one of allowed, otherwise fallback.
func oneOf(v, fallback string, allowed ...string) string {
	if slices.Contains(allowed, v) {
		return v
	}
	return fallback
}

// linkFilterBound is a field of the view that bounds a value of the links (a date, a number of
// openings), and the share/link/list filter key it becomes.
type linkFilterBound struct{ field, value, key string }

// linkFilterDates are the view's date bounds. Expiry dates narrow a status too: "not expired" and
// "expires before" is what expires soon (the dashboard's "expiring within 7 days" links here).
func linkFilterDates(f console.LinkFilter) []linkFilterBound {
	return []linkFilterBound{
		{"created_from", f.CreatedFrom, "created_at__gte"}, {"created_to", f.CreatedTo, "created_at__lt"},
		{"expires_from", f.ExpiresFrom, "expires_at__gte"}, {"expires_to", f.ExpiresTo, "expires_at__lt"},
	}
}

// linkFilterCounts are the view's bounds on how often links were opened.
func linkFilterCounts(f console.LinkFilter) []linkFilterBound {
	return []linkFilterBound{
		{"min_access", f.MinAccess, "access_count__gte"}, {"max_access", f.MaxAccess, "access_count__lte"},
	}
}
