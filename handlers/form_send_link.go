package handlers

import (
	"fmt"

	"github.com/labstack/echo/v5"
)

// maxSendTo bounds the addresses one send takes.
const maxSendTo = 100

// sendLinkForm is a link page's Send form: the addresses to email the link to.
type sendLinkForm struct {
	To string // as typed: one address a line, or separated by commas or semicolons
}

func newSendLinkForm(ec *echo.Context) sendLinkForm {
	return sendLinkForm{To: ec.FormValue("email")}
}

// Emails are the addresses typed, in order; the share API checks each.
func (f sendLinkForm) Emails() []string { return splitList(f.To) }

// Validate says what the console can tell is wrong before asking the share service. The errors are
// keyed by the field's id on the link page.
func (f sendLinkForm) Validate() fieldErrors {
	errs := fieldErrors{}
	switch n := len(f.Emails()); {
	case n == 0:
		errs.add("send-to", "Enter at least one email address.")
	case n > maxSendTo:
		errs.add("send-to", fmt.Sprintf("Send to at most %d addresses at a time.", maxSendTo))
	}
	return errs
}
