package handlers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/consoledb"
	"github.com/sharedesk/sharedesk/views"
	"github.com/sharedesk/sharedesk/views/console"
)

// batchKeep is how long the result of a New link form can be shown again (and the form's key refuses a
// second post).
const batchKeep = 7 * 24 * time.Hour

// pendingWait is how long a second post of a form waits for the first to finish before showing that
// the links are still being created.
const pendingWait = 30 * time.Second

// createLinks handles POST /links/new: one link per recipient (or one link when there is none), each
// with every way of proving identity the form gives, then the emails when asked; then a redirect to
// the result (Post/Redirect/Get). The form's one-time key is claimed first, so a reload, Back and
// Resend, or a second click create nothing more: they are sent to the result of the first.
func (c *Console) createLinks(ec *echo.Context) error {
	fv, err := ec.FormValues()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	s := staffOf(ec)
	form := parseLinkForm(fv, s.Name)
	order, errs := form.Validate(c.limits())
	if pendingFiles(fv) {
		// Without the Upload button the browser sends only the files' names: they would be silently
		// left out of what is shared.
		errs.add("new-up", "The files you picked are not uploaded yet: press Upload, then Create.")
	}
	if len(errs) > 0 {
		return c.reshowLinkForm(ec, form, errs)
	}
	if claimed, err := c.claimBatch(ec, form.Batch); err != nil || !claimed {
		return err
	}
	ctx := ec.Request().Context()
	items := linkItems(form, order)
	links, errs, err := c.createLinkItems(ec, items, order.Recipients)
	if err != nil || len(errs) > 0 {
		// Nothing was created (link/create is all or nothing): the corrected form may claim its key again.
		if rerr := c.db.ReleaseBatch(context.WithoutCancel(ctx), form.Batch); rerr != nil {
			c.log.ErrorContext(ctx, "release link batch", "err", rerr)
		}
		if err != nil {
			return err
		}
		return c.reshowLinkForm(ec, form, errs)
	}
	result := newBatchResult(links, order.Recipients)
	if form.SendNow && len(order.Recipients) > 0 {
		c.sendCreated(ec, links, order.Recipients, &result)
	}
	return c.finishBatch(ec, form.Batch, result)
}

// claimBatch claims the form's one-time key for this post. When the key was claimed before, the answer
// (the first post's result, or a refusal) is given here: it reports false, with the error to return.
func (c *Console) claimBatch(ec *echo.Context, key string) (bool, error) {
	for {
		claimed, err := c.db.ClaimBatch(ec.Request().Context(), key, staffOf(ec).Subject, c.opt.Now().UnixMicro())
		if err != nil || claimed {
			return claimed, err
		}
		again, err := c.awaitBatch(ec, key)
		if err != nil || !again {
			return false, err
		}
	}
}

// newBatchResult is the result of links just created, one for each recipient (or one for nobody), none
// emailed yet.
func newBatchResult(links []api.ShareLink, recipients []string) batchResult {
	result := batchResult{Links: make([]batchLink, len(links))}
	for i, l := range links {
		result.Links[i] = batchLink{ID: l.ID, Email: "none"}
		if i < len(recipients) {
			result.Links[i].Recipient, result.Links[i].Email = recipients[i], "not-asked"
		}
	}
	return result
}

// finishBatch keeps the result with the form's key and sends the browser to it.
func (c *Console) finishBatch(ec *echo.Context, key string, result batchResult) error {
	ctx := ec.Request().Context()
	raw, _ := json.Marshal(result)
	if err := c.db.FinishBatch(context.WithoutCancel(ctx), key, string(raw)); err != nil {
		// The links exist; only the result page is lost. The list shows them.
		c.log.ErrorContext(ctx, "finish link batch", "err", err)
		n := len(result.Links)
		c.flash(ec, fmt.Sprintf("Created %d %s; the result could not be kept, so find them in the list.",
			n, views.Plural(n, "link", "links")), false)
		return seeOther(ec, "/links")
	}
	if err := c.db.PurgeBatches(context.WithoutCancel(ctx), c.opt.Now().Add(-batchKeep).UnixMicro()); err != nil {
		c.log.WarnContext(ctx, "purge link batches", "err", err)
	}
	return seeOther(ec, "/links/created/"+key)
}

// pendingFiles reports files picked in the form's upload field but not uploaded.
func pendingFiles(fv url.Values) bool {
	for _, name := range fv["files"] {
		if name != "" {
			return true
		}
	}
	return false
}

// awaitBatch handles a form whose key was claimed before: another person's key is refused; a finished
// batch sends the browser to its result; one still being created is waited for. It reports true when
// the claim was given up meanwhile (the first post was refused), so this post may claim it.
func (c *Console) awaitBatch(ec *echo.Context, key string) (bool, error) {
	ctx := ec.Request().Context()
	deadline := time.Now().Add(pendingWait)
	for {
		b, err := c.db.LinkBatch(ctx, key)
		switch {
		case errors.Is(err, consoledb.ErrNotFound):
			return true, nil
		case err != nil:
			return false, err
		case b.Subject != staffOf(ec).Subject:
			return false, echo.NewHTTPError(http.StatusConflict,
				"This form was already used. Open New link again to share something else.")
		case b.Done || time.Now().After(deadline):
			return false, seeOther(ec, "/links/created/"+key)
		}
		select {
		case <-ctx.Done():
			return false, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// batchResult is what the result page of a New link form shows, kept with the form's key.
type batchResult struct {
	Links []batchLink `json:"links"`
}

// batchLink is one link created and what became of its email.
type batchLink struct {
	ID        string `json:"id"`
	Recipient string `json:"recipient,omitempty"`
	// Email is sent, failed (Detail says why), not-asked (the sharer chose not to email) or none (no
	// address).
	Email  string `json:"email"`
	Detail string `json:"detail,omitempty"`
}

// reshowLinkForm shows the form again as it was posted, with what is wrong next to each field.
func (c *Console) reshowLinkForm(ec *echo.Context, form linkForm, errs fieldErrors) error {
	vm, err := c.newLinkVM(ec, console.NewLinkForm(form), ec.FormValue("at"), strings.TrimSpace(ec.FormValue("search")))
	if err != nil {
		return err
	}
	vm.Errors = errs.inOrder(newLinkFields())
	return c.render(ec, http.StatusBadRequest, console.NewLink(vm))
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

// sendCreated emails each recipient their link and notes in result, per recipient, whether it went
// out. The links exist whatever happens here.
func (c *Console) sendCreated(ec *echo.Context, links []api.ShareLink, recipients []string, result *batchResult) {
	var send []api.LinkSendItem
	for i, l := range links {
		send = append(send, api.LinkSendItem{ID: l.ID, Email: recipients[i]})
	}
	s := staffOf(ec)
	sent, err := c.api.LinkSend(ec.Request().Context(),
		api.LinkSendRequest{Links: send, SenderEmail: s.Email, SenderName: s.Name})
	var ae *api.Error
	switch {
	case asAPIError(err, &ae) && ae.Status == "ProviderError":
		for i := range send {
			result.Links[i].Email, result.Links[i].Detail = "failed", "The email could not be delivered."
		}
	case err != nil:
		for i := range send {
			result.Links[i].Email = "failed"
			result.Links[i].Detail = "The share service did not confirm sending it; check with the recipient " +
				"before sending it again."
		}
	default:
		for i, r := range sent.SendResults {
			if i >= len(send) {
				break
			}
			result.Links[i].Email = "sent"
			if !r.Sent {
				result.Links[i].Email, result.Links[i].Detail = "failed", sentence(r.Detail)
			}
		}
	}
	for i, it := range send {
		outcome, detail := "ok", "to "+it.Email
		if result.Links[i].Email != "sent" {
			outcome, detail = "failed", detail+": "+result.Links[i].Detail
		}
		c.audit(ec, "send", it.ID, detail, outcome)
	}
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
			case "message":
				field = "message"
			case "tags":
				field = "tags"
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
		out.add(field, sentence(fe.Detail))
	}
	if len(out) == 0 {
		out["auth"] = ae.Summary
	}
	return out
}
