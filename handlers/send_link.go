package handlers

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views/console"
)

// sendLink handles POST /links/:id/send: email the link (again) to one or more addresses, from the
// signed-in person, under their own name. Who may send a link is who may revoke it (mayHandle).
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
	raw, name := ec.FormValue("email"), s.Name
	emails := splitList(raw)
	items := make([]api.LinkSendItem, len(emails))
	for i, e := range emails {
		items[i] = api.LinkSendItem{ID: id, Email: e}
	}
	switch {
	case len(items) == 0:
		err = &api.Error{
			Status:  "ValidationError",
			Summary: "Enter at least one email address.",
			Errors:  []api.FieldError{{Source: "/links/0/email"}},
		}
	case len(items) > 100:
		err = &api.Error{Status: "ValidationError", Summary: "Send to at most 100 addresses at a time."}
	default:
		_, err = c.api.LinkSend(ec.Request().Context(),
			api.LinkSendRequest{Links: items, SenderEmail: s.Email, SenderName: name})
	}
	var ae *api.Error
	if asAPIError(err, &ae) && (ae.Status == "ValidationError" || ae.Status == "ProviderError") {
		c.audit(ec, "send", id, "to "+strings.Join(emails, ", ")+": "+ae.Summary, "failed")
		vm, derr := c.linkDetail(ec, id)
		if derr != nil {
			return derr
		}
		vm.SendTo, vm.SendName, vm.SendError = raw, name, sendProblem(ae, emails)
		return c.render(ec, http.StatusBadRequest, console.LinkDetail(vm))
	}
	if err != nil {
		c.audit(ec, "send", id, "to "+strings.Join(emails, ", "), "failed")
		return err
	}
	for _, e := range emails {
		c.audit(ec, "send", id, "to "+e, "ok")
	}
	c.flash(ec, fmt.Sprintf("Sent the link to %s.", strings.Join(emails, ", ")), false)
	return seeOther(ec, "/links/"+id)
}

func sendProblem(ae *api.Error, emails []string) string {
	for _, fe := range ae.Errors {
		var i int
		if _, err := fmt.Sscanf(fe.Source, "/links/%d/email", &i); err == nil {
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
