package handlers

import (
	"fmt"
	"net/http"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views/console"
)

func (c *Console) newLinkVM(ec *echo.Context, form console.NewLinkForm) (console.NewLinkVM, error) {
	vm := console.NewLinkVM{Page: c.page(ec, "New link", "links"), Form: form, Errors: map[string]string{},
		MaxDays: c.opt.MaxExpiryDays, MaxAccesses: c.opt.MaxAccess, Search: ec.QueryParam("search"), In: ec.QueryParam("in")}
	req := api.ListRequest{Filter: map[string]any{"parent_id": vm.In}, OrderBy: "name", Size: 200}
	vm.ChoicesIn = "the top folder"
	if vm.In != "" {
		f, err := c.api.Get(ec.Request().Context(), api.GetRequest{ID: vm.In})
		if err != nil {
			return vm, err
		}
		vm.ChoicesIn = "folder " + f.Object.Name
	}
	vm.ReturnURL = vm.OpenURL(vm.In)
	if vm.Search != "" {
		req.Filter = map[string]any{"name__contains": []string{vm.Search}}
		vm.ChoicesIn = "names containing “" + vm.Search + "”"
	}
	res, err := c.api.List(ec.Request().Context(), req)
	if err != nil {
		return vm, err
	}
	for _, o := range res.Objects {
		vm.Choices = append(vm.Choices, console.FileRow{ID: o.ID, Name: o.Name, Type: o.Type, Size: o.Size, Updated: o.UpdatedAt})
	}
	// Targets chosen elsewhere (Share from the Files page) stay choosable here.
	have := map[string]bool{}
	for _, ch := range vm.Choices {
		have[ch.ID] = true
	}
	var missing []string
	for _, t := range form.Targets {
		if !have[t] {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		extra, err := c.api.List(ec.Request().Context(), api.ListRequest{Filter: map[string]any{"id__in": missing}, Size: len(missing)})
		if err != nil {
			return vm, err
		}
		for _, o := range extra.Objects {
			vm.Choices = append([]console.FileRow{{ID: o.ID, Name: o.Name + " (in " + o.Folder + ")", Type: o.Type, Size: o.Size}}, vm.Choices...)
		}
	}
	return vm, nil
}

// newLinkForm handles GET /links/new.
func (c *Console) newLinkForm(ec *echo.Context) error {
	form := console.NewLinkForm{Type: "download", Expiry: "7", MaxAccess: "10", SendNow: true, SenderName: staffOf(ec).Name}
	form.Targets = ec.QueryParams()["target"]
	vm, err := c.newLinkVM(ec, form)
	if err != nil {
		return err
	}
	return c.render(ec, http.StatusOK, console.NewLink(vm))
}

// createLinks handles POST /links/new: one link per recipient (or one link when there is none), each
// with every way of proving identity the form gives, then emails them when asked.
func (c *Console) createLinks(ec *echo.Context) error {
	fv, err := ec.FormValues()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	form := console.NewLinkForm{Targets: fv["target"], Type: fv.Get("type"), Expiry: fv.Get("expiry"), ExpiresAt: fv.Get("expires_at"),
		MaxAccess: fv.Get("max_access"), Recipients: fv.Get("recipients"), Phone: strings.TrimSpace(fv.Get("phone")),
		Password: fv.Get("password"), Title: strings.TrimSpace(fv.Get("title")), Message: fv.Get("message"), Tags: fv.Get("tags"),
		SendNow: fv.Get("send_now") == "1", SenderName: staffOf(ec).Name}
	errs := map[string]string{}
	if len(form.Targets) == 0 {
		errs["targets"] = "Choose at least one file or folder."
	}
	switch form.Type {
	case "download", "upload", "editor":
	default:
		errs["type"] = "Choose what the recipient may do."
	}
	now := c.opt.Now()
	var expires time.Time
	switch form.Expiry {
	case "1", "7", "30":
		d, _ := strconv.Atoi(form.Expiry)
		expires = now.Add(time.Duration(d) * 24 * time.Hour)
	default:
		t, err := time.Parse("2006-01-02", form.ExpiresAt)
		switch {
		case err != nil:
			errs["expires_at"] = "Choose a date, like 2026-03-31."
		case !t.Add(24 * time.Hour).After(now):
			errs["expires_at"] = "Choose a date in the future."
		case t.After(now.Add(time.Duration(c.opt.MaxExpiryDays) * 24 * time.Hour)):
			errs["expires_at"] = fmt.Sprintf("Links can last at most %d days here.", c.opt.MaxExpiryDays)
		default:
			expires = t.Add(24*time.Hour - time.Second) // through the end of that day
		}
	}
	maxAccess, err := strconv.Atoi(form.MaxAccess)
	if err != nil || maxAccess < 1 || maxAccess > c.opt.MaxAccess {
		errs["max_access"] = fmt.Sprintf("Use a number from 1 to %d.", c.opt.MaxAccess)
	}
	recipients := splitList(form.Recipients)
	for _, r := range recipients {
		if a, err := mail.ParseAddress(r); err != nil || a.Address != r {
			errs["recipients"] = fmt.Sprintf("%q is not an email address.", r)
			break
		}
	}
	if len(recipients) == 0 && form.Phone == "" && form.Password == "" {
		errs["auth"] = "Give at least one way to prove identity: a recipient's email, a mobile number or a password."
	}
	if len(recipients) > 50 {
		errs["recipients"] = "At most 50 recipients at once."
	}
	if len(errs) == 0 {
		created, urls, apiErrs, err := c.callCreate(ec, form, recipients, expires, maxAccess)
		if err != nil {
			return err
		}
		if len(apiErrs) == 0 {
			vm, err := c.newLinkVM(ec, console.NewLinkForm{Type: "download", Expiry: "7", MaxAccess: "10", SendNow: true, SenderName: form.SenderName})
			if err != nil {
				return err
			}
			vm.Created, vm.CreatedURLs = created, urls
			return c.render(ec, http.StatusOK, console.NewLink(vm))
		}
		errs = apiErrs
	}
	vm, err := c.newLinkVM(ec, form)
	if err != nil {
		return err
	}
	vm.Errors = errs
	vm.Page.Error = "The link was not created. Check the marked fields."
	return c.render(ec, http.StatusBadRequest, console.NewLink(vm))
}

// callCreate creates the links and sends them. API validation errors come back keyed by form field.
func (c *Console) callCreate(ec *echo.Context, form console.NewLinkForm, recipients []string, expires time.Time, maxAccess int) ([]console.LinkRow, []string, map[string]string, error) {
	base := func() api.LinkCreateItem {
		item := api.LinkCreateItem{Targets: form.Targets, LinkType: form.Type, ExpiresAt: &expires, MaxAccessCount: &maxAccess,
			Title: form.Title, Message: form.Message, Tags: splitList(form.Tags)}
		if form.Phone != "" {
			item.Authenticators = append(item.Authenticators, api.Authenticator{AuthType: "sms_otp", AuthContext: form.Phone})
		}
		if form.Password != "" {
			item.Authenticators = append(item.Authenticators, api.Authenticator{AuthType: "password", AuthContext: form.Password})
		}
		return item
	}
	var items []api.LinkCreateItem
	for _, r := range recipients {
		item := base()
		item.Authenticators = append([]api.Authenticator{{AuthType: "email_otp", AuthContext: r}}, item.Authenticators...)
		items = append(items, item)
	}
	if len(items) == 0 {
		items = append(items, base())
	}
	res, err := c.api.LinkCreate(ec.Request().Context(), api.LinkCreateRequest{Links: items})
	var ae *api.Error
	if asAPIError(err, &ae) && ae.Status == "ValidationError" {
		c.audit(ec, "create", "", ae.Summary, "failed")
		return nil, nil, fieldErrors(ae, items), nil
	}
	if err != nil {
		c.audit(ec, "create", "", err.Error(), "failed")
		return nil, nil, nil, err
	}
	links := res.ShareLinkObjects
	for i, l := range links {
		to := ""
		if i < len(recipients) {
			to = recipients[i]
		}
		c.audit(ec, "create", l.ID, fmt.Sprintf("%s link %q for %s", l.LinkType, l.Title, orNobody(to)), "ok")
	}
	if form.SendNow && len(recipients) > 0 {
		var send []api.LinkSendItem
		for i, l := range links {
			send = append(send, api.LinkSendItem{ID: l.ID, Email: recipients[i]})
		}
		sent, err := c.api.LinkSend(ec.Request().Context(), api.LinkSendRequest{Links: send, SenderEmail: staffOf(ec).Email, SenderName: staffOf(ec).Name})
		if err != nil {
			for _, s := range send {
				c.audit(ec, "send", s.ID, "to "+s.Email+": "+err.Error(), "failed")
			}
			c.flash(ec, "The links were created, but the emails could not be sent. Use Send on each link to try again.", true)
		} else {
			links = sent.ShareLinkObjects
			for _, s := range send {
				c.audit(ec, "send", s.ID, "to "+s.Email, "ok")
			}
		}
	}
	rows, err := c.linkRows(ec, links)
	if err != nil {
		return nil, nil, nil, err
	}
	urls := make([]string, len(links))
	for i, l := range links {
		urls[i] = l.Link
		if i < len(recipients) {
			rows[i].Recipient = recipients[i]
		}
	}
	return rows, urls, nil, nil
}

func orNobody(s string) string {
	if s == "" {
		return "no named recipient"
	}
	return s
}

// fieldErrors maps the API's JSON pointers onto the form's fields.
func fieldErrors(ae *api.Error, items []api.LinkCreateItem) map[string]string {
	out := map[string]string{}
	for _, fe := range ae.Errors {
		parts := strings.Split(strings.TrimPrefix(fe.Source, "/"), "/")
		field := "auth"
		if len(parts) >= 3 && parts[0] == "links" {
			switch parts[2] {
			case "targets":
				field = "targets"
			case "expires_at":
				field = "expires_at"
			case "max_access_count":
				field = "max_access"
			case "title":
				field = "title"
			case "link_type":
				field = "type"
			case "authenticators":
				i, _ := strconv.Atoi(parts[1])
				j := 0
				if len(parts) >= 4 {
					j, _ = strconv.Atoi(parts[3])
				}
				if i < len(items) && j < len(items[i].Authenticators) {
					switch items[i].Authenticators[j].AuthType {
					case "email_otp":
						field = "recipients"
					case "sms_otp":
						field = "phone"
					case "password":
						field = "password"
					}
				}
			}
		}
		if _, taken := out[field]; !taken {
			out[field] = fe.Detail
		}
	}
	if len(out) == 0 {
		out["auth"] = ae.Summary
	}
	return out
}
