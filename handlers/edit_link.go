package handlers

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views/console"
)

// editLinkFields are the edit form's fields in page order.
func editLinkFields() []fieldLabel {
	return []fieldLabel{{"expires_on", "New expiry"}, {"max_access", "Can be opened"},
		{"remove", "Remove"}, {"add_emails", "Add email addresses"}, {"add_phones", "Add mobile numbers"}}
}

var phonePattern = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// editableLink loads link id for editing, refusing people who may not handle it (the rule of send and
// revoke: helpdesk and admins any link, sharers their own).
func (c *Console) editableLink(ec *echo.Context, id string) (api.ShareLink, error) {
	ok, err := c.mayHandle(ec, id)
	if err != nil {
		return api.ShareLink{}, err
	}
	if !ok {
		logDetail(ec, slog.String("refused", "not the creator of "+id))
		return api.ShareLink{}, echo.NewHTTPError(http.StatusForbidden,
			"You can only change links you created. Ask the helpdesk to change this one.")
	}
	res, err := c.api.LinkGet(ec.Request().Context(), api.LinkGetRequest{ID: id})
	if err != nil {
		return api.ShareLink{}, err
	}
	return res.ShareLinkObject, nil
}

// editLinkVM is the edit page of l with form as typed.
func (c *Console) editLinkVM(ec *echo.Context, l api.ShareLink, form console.EditLinkForm) console.EditLinkVM {
	first, last := dateBounds(c.limits())
	vm := console.EditLinkVM{Page: c.page(ec, "Edit: "+orTitle(l.Title), "links"), ID: l.ID, Title: l.Title,
		ExpiresAt: l.ExpiresAt, Accesses: l.AccessCount, MaxAccesses: l.MaxAccessCount,
		MaxAccessLimit: c.opt.MaxAccess, Form: form, MinDate: first, MaxDate: last, MaxDays: c.opt.MaxExpiryDays}
	for _, a := range l.Authenticators {
		if a.AuthType == "password" {
			vm.HasPassword = true
			continue
		}
		vm.Recipients = append(vm.Recipients,
			console.EditRecipient{Key: a.AuthType + ":" + a.AuthContext, Label: authenticatorLabel(a)})
	}
	return vm
}

// editLinkForm handles GET /links/:id/edit.
func (c *Console) editLinkForm(ec *echo.Context) error {
	l, err := c.editableLink(ec, ec.Param("id"))
	if err != nil {
		return err
	}
	form := console.EditLinkForm{MaxAccess: strconv.Itoa(l.MaxAccessCount)}
	return c.render(ec, http.StatusOK, console.EditLink(c.editLinkVM(ec, l, form)))
}

// editLink handles POST /links/:id/edit: the link's expiry, openings and email or phone recipients
// change in place through the share API's link/update extension; the link keeps its URL and nobody
// is emailed. Problems come back at their fields with everything typed kept.
func (c *Console) editLink(ec *echo.Context) error {
	l, err := c.editableLink(ec, ec.Param("id"))
	if err != nil {
		return err
	}
	fv, err := ec.FormValues()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	form := parseEditForm(fv)
	req, errs := editForm(form).request(l, c.limits())
	if len(errs) > 0 {
		return c.reshowEditForm(ec, l, form, errs, "")
	}
	if req.ExpiresAt == nil && *req.MaxAccessCount == l.MaxAccessCount && len(req.AddAuthenticators) == 0 &&
		len(req.RemoveAuthenticators) == 0 {
		return c.reshowEditForm(ec, l, form, nil,
			"Nothing to save: change the expiry, the openings or who may open the link, or go back with Cancel.")
	}
	req.Actor = staffOf(ec).Email
	res, err := c.api.LinkUpdate(ec.Request().Context(), req)
	var ae *api.Error
	if asAPIError(err, &ae) && ae.Status == "ValidationError" {
		c.audit(ec, "edit", l.ID, ae.Summary, "failed")
		return c.reshowEditForm(ec, l, form, editErrorsOf(ae, req), "")
	}
	if err != nil {
		c.audit(ec, "edit", l.ID, err.Error(), "failed")
		return err
	}
	after := res.ShareLinkObject
	if len(res.Changed) == 0 {
		c.flash(ec, "Nothing changed: the link already was like that.", false)
		return seeOther(ec, "/links/"+l.ID)
	}
	c.audit(ec, "edit", l.ID, describeEdit(l, after), "ok")
	saved := "Saved"
	if words := changedWords(res.Changed, l, after); len(words) > 0 {
		saved += ": " + strings.Join(words, ", ")
	}
	c.flash(ec, saved+". The link keeps its address; nobody was emailed.", false)
	return seeOther(ec, "/links/"+l.ID)
}

// reshowEditForm shows the edit form again as posted, with its problems.
func (c *Console) reshowEditForm(ec *echo.Context, l api.ShareLink, form console.EditLinkForm, errs fieldErrors,
	problem string) error {
	vm := c.editLinkVM(ec, l, form)
	vm.Errors = errs.inOrder(editLinkFields())
	if problem != "" {
		vm.Error = problem
	}
	return c.render(ec, http.StatusBadRequest, console.EditLink(vm))
}

// editForm is the edit form as posted.
type editForm console.EditLinkForm

func parseEditForm(fv url.Values) console.EditLinkForm {
	return console.EditLinkForm{
		ExpiresOn: strings.TrimSpace(fv.Get("expires_on")),
		TZOffset:  fv.Get("tz_offset"),
		MaxAccess: strings.TrimSpace(fv.Get("max_access")),
		AddEmails: fv.Get("add_emails"),
		AddPhones: fv.Get("add_phones"),
		Remove:    dedupeStrings(fv["remove"]),
	}
}

// request checks the form against the link and the server's bounds and turns it into a link/update
// request (the share API checks again, against the link as it is then).
func (f editForm) request(l api.ShareLink, lim linkLimits) (api.LinkUpdateRequest, fieldErrors) {
	errs := fieldErrors{}
	req := api.LinkUpdateRequest{ID: l.ID}
	if f.ExpiresOn != "" {
		if t := endOfDate(f.ExpiresOn, f.TZOffset, lim, "expires_on", errs); !t.IsZero() {
			req.ExpiresAt = &t
		}
	}
	n, err := strconv.Atoi(f.MaxAccess)
	switch {
	case err != nil || n < 1 || n > lim.MaxAccess:
		errs.add("max_access", fmt.Sprintf("Use a whole number from 1 to %d.", lim.MaxAccess))
	case n < l.AccessCount:
		errs.add("max_access", fmt.Sprintf("It has been opened %d times already: use %d or more.",
			l.AccessCount, l.AccessCount))
	default:
		req.MaxAccessCount = &n
	}
	for _, key := range f.Remove {
		typ, ctx, _ := strings.Cut(key, ":")
		req.RemoveAuthenticators = append(req.RemoveAuthenticators, api.Authenticator{AuthType: typ, AuthContext: ctx})
	}
	for _, e := range splitList(f.AddEmails) {
		if !validEmail(e) {
			errs.add("add_emails", fmt.Sprintf("%q is not an email address such as name@example.com.", e))
			continue
		}
		// One recipient whatever the letter case: the share server compares addresses that way too.
		req.AddAuthenticators = addOnce(req.AddAuthenticators, api.Authenticator{AuthType: "email_otp", AuthContext: e})
	}
	for _, p := range splitList(f.AddPhones) {
		p = strings.ReplaceAll(p, " ", "")
		if !phonePattern.MatchString(p) {
			errs.add("add_phones", fmt.Sprintf("%q is not a mobile number in international form, such as +15551234567.",
				p))
			continue
		}
		req.AddAuthenticators = addOnce(req.AddAuthenticators, api.Authenticator{AuthType: "sms_otp", AuthContext: p})
	}
	if len(req.AddAuthenticators) > 10 {
		errs.add("add_emails", "Add at most 10 recipients at once.")
	}
	return req, errs
}

// addOnce appends a unless list has it already, in any letter case.
func addOnce(list []api.Authenticator, a api.Authenticator) []api.Authenticator {
	if slices.ContainsFunc(list, func(b api.Authenticator) bool {
		return a.AuthType == b.AuthType && strings.EqualFold(a.AuthContext, b.AuthContext)
	}) {
		return list
	}
	return append(list, a)
}

// editErrorsOf maps the share API's refusal of an update onto the edit form's fields.
func editErrorsOf(ae *api.Error, req api.LinkUpdateRequest) fieldErrors {
	out := fieldErrors{}
	for _, fe := range ae.Errors {
		parts := strings.Split(strings.TrimPrefix(fe.Source, "/"), "/")
		field := "remove"
		switch parts[0] {
		case "expires_at":
			field = "expires_on"
		case "max_access_count":
			field = "max_access"
		case "add_authenticators":
			field = "add_emails"
			if len(parts) > 1 {
				if i, err := strconv.Atoi(parts[1]); err == nil && i < len(req.AddAuthenticators) &&
					req.AddAuthenticators[i].AuthType == "sms_otp" {
					field = "add_phones"
				}
			} else if len(req.AddAuthenticators) > 0 && req.AddAuthenticators[0].AuthType == "sms_otp" {
				field = "add_phones"
			}
		}
		out.add(field, sentence(fe.Detail))
	}
	if len(out) == 0 {
		out["remove"] = ae.Summary
	}
	return out
}

// describeEdit is the audit log's record of an edit: before and after, with whole addresses (the audit
// log is for admins; the link's own history masks them).
func describeEdit(before, after api.ShareLink) string {
	var parts []string
	if !before.ExpiresAt.Equal(after.ExpiresAt) {
		parts = append(parts, fmt.Sprintf("expiry %s → %s", before.ExpiresAt.UTC().Format(time.RFC3339),
			after.ExpiresAt.UTC().Format(time.RFC3339)))
	}
	if before.MaxAccessCount != after.MaxAccessCount {
		parts = append(parts, fmt.Sprintf("openings %d → %d", before.MaxAccessCount, after.MaxAccessCount))
	}
	added, removed := authenticatorChanges(before, after)
	for _, a := range added {
		parts = append(parts, "added "+authenticatorLabel(a))
	}
	for _, a := range removed {
		parts = append(parts, "removed "+authenticatorLabel(a))
	}
	return fmt.Sprintf("%q: %s", before.Title, strings.Join(parts, "; "))
}

// authenticatorChanges is who may open the link now and could not before, and the reverse: what the
// link says, not what was typed ("Kim@x" and "kim@x" in one form are one recipient, and an address the
// link had already is no change).
func authenticatorChanges(before, after api.ShareLink) (added, removed []api.Authenticator) {
	key := func(a api.Authenticator) string { return a.AuthType + ":" + strings.ToLower(a.AuthContext) }
	in := func(list []api.Authenticator, a api.Authenticator) bool {
		return slices.ContainsFunc(list, func(b api.Authenticator) bool { return key(a) == key(b) })
	}
	for _, a := range after.Authenticators {
		if !in(before.Authenticators, a) {
			added = append(added, a)
		}
	}
	for _, a := range before.Authenticators {
		if !in(after.Authenticators, a) {
			removed = append(removed, a)
		}
	}
	return added, removed
}

// changedWords says what an edit changed, for the confirmation.
func changedWords(changed []string, before, after api.ShareLink) []string {
	var out []string
	for _, ch := range changed {
		switch ch {
		case "expires_at":
			out = append(out, "new expiry")
		case "max_access_count":
			out = append(out, fmt.Sprintf("can be opened %d times", after.MaxAccessCount))
		case "authenticators":
			added, removed := authenticatorChanges(before, after)
			var who []string
			for _, a := range added {
				who = append(who, "added "+a.AuthContext)
			}
			for _, a := range removed {
				who = append(who, "removed "+a.AuthContext)
			}
			if len(who) > 0 {
				out = append(out, strings.Join(who, ", "))
			}
		}
	}
	return out
}
