package handlers

import (
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views/console"
)

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

// showEditLink handles GET /links/:id/edit.
func (c *Console) showEditLink(ec *echo.Context) error {
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
	form := newEditLinkForm(fv)
	req, errs := form.Validate(l, c.limits())
	if len(errs) > 0 {
		return c.reshowEditForm(ec, l, form, errs, "")
	}
	if changesNothing(req, l) {
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
func (c *Console) reshowEditForm(ec *echo.Context, l api.ShareLink, form editLinkForm, errs fieldErrors,
	problem string) error {
	vm := c.editLinkVM(ec, l, console.EditLinkForm(form))
	vm.Errors = errs.inOrder(editLinkFields())
	if problem != "" {
		vm.Error = problem
	}
	return c.render(ec, http.StatusBadRequest, console.EditLink(vm))
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
