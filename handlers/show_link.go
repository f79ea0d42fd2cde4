package handlers

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/auth"
	"github.com/sharedesk/sharedesk/views/console"
)

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
	vm := console.LinkDetailVM{Page: c.page(ec, "Link: "+orTitle(l.Title), "links"), ID: l.ID, Title: l.Title, Message: l.Message,
		Type: l.LinkType, Status: linkStatus(l, c.opt.Now()), URL: l.Link, Recipient: l.RecipientEmail, SenderEmail: l.SenderEmail,
		SenderName: l.SenderName, Accesses: l.AccessCount, MaxAccesses: l.MaxAccessCount, CreatedAt: l.CreatedAt, ExpiresAt: l.ExpiresAt,
		Tags: l.Tags, SendTo: l.RecipientEmail}
	if l.LastAccessedAt != nil {
		vm.LastAccess = *l.LastAccessedAt
	}
	for _, t := range l.Targets {
		o, ok := names[t]
		vm.Targets = append(vm.Targets, console.TargetVM{ID: t, Name: o.Name, Type: o.Type, Missing: !ok})
	}
	for _, a := range l.Authenticators {
		switch a.AuthType {
		case "email_otp":
			vm.Authenticators = append(vm.Authenticators, "email code to "+a.AuthContext)
		case "sms_otp":
			vm.Authenticators = append(vm.Authenticators, "text code to "+a.AuthContext)
		case "password":
			vm.Authenticators = append(vm.Authenticators, "password")
		default:
			vm.Authenticators = append(vm.Authenticators, a.AuthType)
		}
	}
	s := staffOf(ec)
	vm.SendName = s.Name
	handles, err := c.mayHandle(ec, l.ID)
	if err != nil {
		return console.LinkDetailVM{}, err
	}
	vm.CanRevokeThis = handles && auth.CanRevoke(s.Role)
	vm.CanSendThis = handles && s.Can(auth.Send)
	return vm, nil
}

func orTitle(t string) string {
	if t == "" {
		return "untitled"
	}
	return t
}

// showLink handles GET /links/:id.
func (c *Console) showLink(ec *echo.Context) error {
	vm, err := c.linkDetail(ec, ec.Param("id"))
	if err != nil {
		return err
	}
	return c.render(ec, http.StatusOK, console.LinkDetail(vm))
}

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
		return echo.NewHTTPError(http.StatusForbidden, "You can only send links you created. Ask the helpdesk to send this one.")
	}
	raw, name := ec.FormValue("email"), s.Name
	emails := splitList(raw)
	items := make([]api.LinkSendItem, len(emails))
	for i, e := range emails {
		items[i] = api.LinkSendItem{ID: id, Email: e}
	}
	if len(items) == 0 {
		err = &api.Error{Status: "ValidationError", Summary: "Enter at least one email address.", Errors: []api.FieldError{{Source: "/links/0/email"}}}
	} else if len(items) > 100 {
		err = &api.Error{Status: "ValidationError", Summary: "Send to at most 100 addresses at a time."}
	} else {
		_, err = c.api.LinkSend(ec.Request().Context(), api.LinkSendRequest{Links: items, SenderEmail: s.Email, SenderName: name})
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
