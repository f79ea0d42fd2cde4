package handlers

import (
	"fmt"
	"net/url"
)

// maxRevoke bounds the links one revocation takes.
const maxRevoke = 100

// revokeLinksForm is the links to revoke: the list's selection, posted or (without JavaScript) sent to
// the confirmation page in the query, and the confirmation page's post.
type revokeLinksForm struct {
	IDs  []string
	Back string // the page the person came from, to return to
}

func newRevokeLinksForm(v url.Values) revokeLinksForm {
	return revokeLinksForm{IDs: v["id"], Back: v.Get("back")}
}

// Validate says what the console can tell is wrong before looking the links up.
func (f revokeLinksForm) Validate() fieldErrors {
	errs := fieldErrors{}
	switch {
	case len(f.IDs) == 0:
		errs.add("id", "Select at least one link to revoke.")
	case len(f.IDs) > maxRevoke:
		errs.add("id", fmt.Sprintf("Revoke at most %d links at a time.", maxRevoke))
	}
	return errs
}
