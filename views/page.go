package views

import (
	"net/http"

	"github.com/a-h/templ"
)

// WholeOrPart decides between a whole page and the part of it htmx asked for: the part for an htmx
// request that is not a boosted navigation, the whole page otherwise (and always when part is nil). The
// answer depends on HX-Request, so the response says so, or a cache could serve a fragment to a full
// page load.
func WholeOrPart(h http.Header, r *http.Request, whole, part templ.Component) templ.Component {
	h.Set("Vary", "HX-Request")
	if part != nil && r.Header.Get("HX-Request") == "true" && r.Header.Get("HX-Boosted") == "" {
		return part
	}
	return whole
}
