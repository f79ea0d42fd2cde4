package handlers

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views"
	"github.com/sharedesk/sharedesk/views/console"
)

// sendLink handles POST /links/:id/send: email the link (again) to one or more addresses, from the
// signed-in person, under their own name. Who may send a link is who may revoke it (mayHandle). Each
// address can open what it was sent: a link that opens with an email code gets every new address as
// another email code recipient (the share API's ext_add_authenticators), and the page says so.
func (c *Console) sendLink(ec *echo.Context) error {
	id := ec.Param("id")
	s := staffOf(ec)
	ok, err := c.mayHandle(ec, id)
	if err != nil {
		return err
	}
	if !ok {
		logDetail(ec, slog.String("refused", "not the creator of "+id))
		return echo.NewHTTPError(
			http.StatusForbidden,
			"You can only send links you created. Ask the helpdesk to send this one.",
		)
	}
	form := newSendLinkForm(ec)
	if errs := form.Validate(); len(errs) > 0 {
		return c.refuseSend(ec, id, form, errs["send-to"], errs["send-to"])
	}
	emails := form.Emails()
	items := make([]api.LinkSendItem, len(emails))
	for i, e := range emails {
		items[i] = api.LinkSendItem{ID: id, Email: e}
	}
	res, err := c.api.LinkSend(ec.Request().Context(), api.LinkSendRequest{Links: items, SenderEmail: s.Email,
		SenderName: s.Name, ExtAddAuthenticators: true})
	var ae *api.Error
	if asAPIError(err, &ae) && (ae.Status == "ValidationError" || ae.Status == "ProviderError") {
		return c.refuseSend(ec, id, form, ae.Summary, sendProblem(ae, emails))
	}
	if err != nil {
		c.audit(ec, "send", id, "to "+strings.Join(emails, ", "), "failed")
		return err
	}
	c.reportSent(ec, id, res.SendResults)
	return seeOther(ec, "/links/"+id)
}

// refuseSend audits a send of link id that did not happen (why, for the log) and shows the link's page
// again with the form as typed and the problem (msg) at its field.
func (c *Console) refuseSend(ec *echo.Context, id string, form sendLinkForm, why, msg string) error {
	c.audit(ec, "send", id, "to "+strings.Join(form.Emails(), ", ")+": "+why, "failed")
	vm, err := c.linkDetail(ec, id)
	if err != nil {
		return err
	}
	vm.SendTo, vm.SendName = form.To, staffOf(ec).Name
	vm.SendErrors = console.FormErrors{{Field: "send-to", Label: "Recipient emails", Message: msg}}
	return c.render(ec, http.StatusBadRequest, console.LinkDetail(vm))
}

// reportSent audits and says, on the next page, which addresses the link went to, which of them can
// now open it with their own code, and which emails did not go out and why.
func (c *Console) reportSent(ec *echo.Context, id string, results []api.SendResult) {
	var sent, added, failed []string
	for _, r := range results {
		if !r.Sent {
			c.audit(ec, "send", id, "to "+r.Email+": "+r.Detail, "failed")
			failed = append(failed, r.Email+": "+sentence(r.Detail))
			continue
		}
		detail := "to " + r.Email
		if r.AuthenticatorAdded {
			detail += " (added as an email code recipient)"
			added = append(added, r.Email)
		}
		c.audit(ec, "send", id, detail, "ok")
		sent = append(sent, r.Email)
	}
	if len(sent) > 0 {
		msg := fmt.Sprintf("Sent the link to %s.", strings.Join(sent, ", "))
		if len(added) > 0 {
			msg += fmt.Sprintf(" %s can now open it with a code sent to %s.", strings.Join(added, ", "),
				views.Plural(len(added), "that address", "their own address"))
		}
		c.flash(ec, msg, false)
	}
	if len(failed) > 0 {
		c.flash(ec, "Not sent to "+strings.Join(failed, " "), true)
	}
}

// sendProblem words what the share API refused about a send, for the address field.
func sendProblem(ae *api.Error, emails []string) string {
	for _, fe := range ae.Errors {
		var i int
		if _, err := fmt.Sscanf(fe.Source, "/links/%d/email", &i); err == nil {
			if i < len(emails) && fe.Code == "BadState" {
				return sentence(fe.Detail)
			}
			if i < len(emails) {
				return fmt.Sprintf("%q is not an email address such as name@example.com.", emails[i])
			}
			return "Enter an email address such as name@example.com."
		}
		if fe.Source == "/sender_email" {
			return "Your account has no usable email address to send from."
		}
	}
	return ae.Summary
}
