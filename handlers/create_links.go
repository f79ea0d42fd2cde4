package handlers

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views/console"
)

func (c *Console) newLinkVM(ec *echo.Context, form console.NewLinkForm) (console.NewLinkVM, error) {
	vm := console.NewLinkVM{Page: c.page(ec, "New link", "links"), Form: form, Errors: fieldErrors{},
		MaxDays: c.opt.MaxExpiryDays, MaxAccesses: c.opt.MaxAccess,
		Search: ec.QueryParam("search"), In: ec.QueryParam("in")}
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
		vm.Choices = append(
			vm.Choices,
			console.FileRow{ID: o.ID, Name: o.Name, Type: o.Type, Size: o.Size, Updated: o.UpdatedAt},
		)
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
		extra, err := c.api.List(
			ec.Request().Context(),
			api.ListRequest{Filter: map[string]any{"id__in": missing}, Size: len(missing)},
		)
		if err != nil {
			return vm, err
		}
		for _, o := range extra.Objects {
			vm.Choices = append(
				[]console.FileRow{{ID: o.ID, Name: o.Name + " (in " + o.Folder + ")", Type: o.Type, Size: o.Size}},
				vm.Choices...)
		}
	}
	return vm, nil
}

// newLinkForm handles GET /links/new.
func (c *Console) newLinkForm(ec *echo.Context) error {
	form := console.NewLinkForm{
		Type:       "download",
		Expiry:     "7",
		MaxAccess:  "10",
		SendNow:    true,
		SenderName: staffOf(ec).Name,
	}
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
	form := parseLinkForm(fv, staffOf(ec).Name)
	order, errs := form.Validate(
		linkLimits{Now: c.opt.Now(), MaxExpiryDays: c.opt.MaxExpiryDays, MaxAccess: c.opt.MaxAccess},
	)
	if len(errs) > 0 {
		return c.reshowLinkForm(ec, form, errs)
	}
	items := linkItems(form, order)
	links, errs, err := c.createLinkItems(ec, items, order.Recipients)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return c.reshowLinkForm(ec, form, errs)
	}
	if form.SendNow && len(order.Recipients) > 0 {
		links = c.sendCreated(ec, links, order.Recipients)
	}
	return c.showCreated(ec, form, links, order.Recipients)
}

// reshowLinkForm shows the form again as it was posted, with what is wrong next to each field.
func (c *Console) reshowLinkForm(ec *echo.Context, form linkForm, errs fieldErrors) error {
	vm, err := c.newLinkVM(ec, console.NewLinkForm(form))
	if err != nil {
		return err
	}
	vm.Errors = errs
	vm.Error = "The link was not created. Check the marked fields."
	return c.render(ec, http.StatusBadRequest, console.NewLink(vm))
}

// showCreated shows a fresh form with the links just made (and their URLs) above it.
func (c *Console) showCreated(ec *echo.Context, form linkForm, links []api.ShareLink, recipients []string) error {
	rows, err := c.linkRows(ec, links)
	if err != nil {
		return err
	}
	urls := make([]string, len(links))
	for i, l := range links {
		urls[i] = l.Link
		if i < len(recipients) {
			rows[i].Recipient = recipients[i]
		}
	}
	vm, err := c.newLinkVM(ec, console.NewLinkForm{Type: "download", Expiry: "7", MaxAccess: "10", SendNow: true,
		SenderName: form.SenderName})
	if err != nil {
		return err
	}
	vm.Created, vm.CreatedURLs = rows, urls
	return c.render(ec, http.StatusOK, console.NewLink(vm))
}

// linkItems is one link per recipient, each also openable by the form's phone and password; with no
// recipient, one link openable by those alone.
func linkItems(form linkForm, order linkOrder) []api.LinkCreateItem {
	base := func() api.LinkCreateItem {
		item := api.LinkCreateItem{Targets: form.Targets, LinkType: form.Type, ExpiresAt: &order.ExpiresAt,
			MaxAccessCount: &order.MaxAccess, Title: form.Title, Message: form.Message, Tags: splitList(form.Tags)}
		if form.Phone != "" {
			item.Authenticators = append(
				item.Authenticators,
				api.Authenticator{AuthType: "sms_otp", AuthContext: form.Phone},
			)
		}
		if form.Password != "" {
			item.Authenticators = append(item.Authenticators,
				api.Authenticator{AuthType: "password", AuthContext: form.Password})
		}
		return item
	}
	var items []api.LinkCreateItem
	for _, r := range order.Recipients {
		item := base()
		item.Authenticators = append(
			[]api.Authenticator{{AuthType: "email_otp", AuthContext: r}},
			item.Authenticators...)
		items = append(items, item)
	}
	if len(items) == 0 {
		items = append(items, base())
	}
	return items
}

// createLinkItems asks the share API for the links and audits each. What the API rejects comes back
// as field errors of the form.
func (c *Console) createLinkItems(ec *echo.Context, items []api.LinkCreateItem, recipients []string,
) ([]api.ShareLink, fieldErrors, error) {
	res, err := c.api.LinkCreate(ec.Request().Context(), api.LinkCreateRequest{Links: items})
	var ae *api.Error
	if asAPIError(err, &ae) && ae.Status == "ValidationError" {
		c.audit(ec, "create", "", ae.Summary, "failed")
		return nil, fieldErrorsOf(ae, items), nil
	}
	if err != nil {
		c.audit(ec, "create", "", err.Error(), "failed")
		return nil, nil, err
	}
	for i, l := range res.ShareLinkObjects {
		to := ""
		if i < len(recipients) {
			to = recipients[i]
		}
		c.audit(ec, "create", l.ID, fmt.Sprintf("%s link %q for %s", l.LinkType, l.Title, orNobody(to)), "ok")
	}
	return res.ShareLinkObjects, nil, nil
}

// sendCreated emails each recipient their link. The links exist whatever happens here, so a failure
// is a flash with what to do next, and the links are shown as they were created.
func (c *Console) sendCreated(ec *echo.Context, links []api.ShareLink, recipients []string) []api.ShareLink {
	var send []api.LinkSendItem
	for i, l := range links {
		send = append(send, api.LinkSendItem{ID: l.ID, Email: recipients[i]})
	}
	s := staffOf(ec)
	sent, err := c.api.LinkSend(ec.Request().Context(),
		api.LinkSendRequest{Links: send, SenderEmail: s.Email, SenderName: s.Name})
	if err != nil {
		for _, s := range send {
			c.audit(ec, "send", s.ID, "to "+s.Email+": "+err.Error(), "failed")
		}
		c.flash(
			ec,
			"The links were created, but the emails could not be sent. Use Send on each link to try again.",
			true,
		)
		return links
	}
	for _, s := range send {
		c.audit(ec, "send", s.ID, "to "+s.Email, "ok")
	}
	return sent.ShareLinkObjects
}

func orNobody(s string) string {
	if s == "" {
		return "no named recipient"
	}
	return s
}

// fieldErrorsOf maps the API's JSON pointers onto the form's fields.
func fieldErrorsOf(ae *api.Error, items []api.LinkCreateItem) fieldErrors {
	out := fieldErrors{}
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
