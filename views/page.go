package views

import (
	"net/http"

	"github.com/a-h/templ"
)

// IsHTMX reports whether htmx sent r (any kind: a swap, a boosted navigation, a history restore).
func IsHTMX(r *http.Request) bool { return r.Header.Get("HX-Request") == "true" }

// WantsPart reports whether r asks for the part of a page htmx swaps in. A boosted navigation and a
// history restore (browser Back to a page htmx no longer holds in its cache) both put the answer in
// place of the whole body, so they need the whole page even though htmx sent them.
func WantsPart(r *http.Request) bool {
	return IsHTMX(r) && r.Header.Get("HX-Boosted") == "" && r.Header.Get("HX-History-Restore-Request") != "true"
}

// varyOn names the request headers WantsPart reads: a cache must not serve one answer for another.
const varyOn = "HX-Request, HX-Boosted, HX-History-Restore-Request"

// WholeOrPart decides between a whole page and the part of it htmx asked for (see WantsPart), the
// whole page always when part is nil, and says in Vary which headers the answer depends on.
func WholeOrPart(h http.Header, r *http.Request, whole, part templ.Component) templ.Component {
	h.Set("Vary", varyOn)
	if part != nil && WantsPart(r) {
		return part
	}
	return whole
}
