package handlers

import (
	"fmt"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/sharedesk/sharedesk/views/console"
)

// fieldErrors maps a form field's name to what is wrong with it, as the page shows beside the field.
type fieldErrors map[string]string

// add keeps the first problem found for a field: it is the one the person should fix first.
func (e fieldErrors) add(field, msg string) {
	if _, taken := e[field]; !taken {
		e[field] = msg
	}
}

// maxRecipients bounds one New link post: each recipient becomes a link and an email.
const maxRecipients = 50

// linkForm is the New link form as posted. It stays strings so the page can show back exactly what was
// typed next to the field errors.
type linkForm console.NewLinkForm

// linkLimits are the share server's bounds the form is checked against before asking it.
type linkLimits struct {
	Now           time.Time
	MaxExpiryDays int
	MaxAccess     int
}

// linkOrder is a valid form turned into what the share API is asked for.
type linkOrder struct {
	Recipients []string
	ExpiresAt  time.Time
	MaxAccess  int
}

// parseLinkForm reads the New link form; sender is the signed-in person the emails are sent as.
func parseLinkForm(fv url.Values, sender string) linkForm {
	return linkForm{
		Targets:    fv["target"],
		Type:       fv.Get("type"),
		Expiry:     fv.Get("expiry"),
		ExpiresAt:  fv.Get("expires_at"),
		MaxAccess:  fv.Get("max_access"),
		Recipients: fv.Get("recipients"),
		Phone:      strings.TrimSpace(fv.Get("phone")),
		Password: fv.Get(
			"password",
		),
		Title:      strings.TrimSpace(fv.Get("title")),
		Message:    fv.Get("message"),
		Tags:       fv.Get("tags"),
		SendNow:    fv.Get("send_now") == "1",
		SenderName: sender,
	}
}

// Validate checks every field against lim; when it returns no errors the order is complete.
func (f linkForm) Validate(lim linkLimits) (linkOrder, fieldErrors) {
	errs := fieldErrors{}
	if len(f.Targets) == 0 {
		errs.add("targets", "Choose at least one file or folder.")
	}
	switch f.Type {
	case "download", "upload", "editor":
	default:
		errs.add("type", "Choose what the recipient may do.")
	}
	var order linkOrder
	order.ExpiresAt = f.validateExpiry(lim, errs)
	order.MaxAccess = f.validateMaxAccess(lim, errs)
	order.Recipients = f.validateRecipients(errs)
	if len(order.Recipients) == 0 && f.Phone == "" && f.Password == "" {
		errs.add("auth", "Give at least one way to prove identity: a recipient's email, a mobile number or a password.")
	}
	return order, errs
}

// validateExpiry turns a preset (days) or a chosen date into the moment the link stops working.
func (f linkForm) validateExpiry(lim linkLimits, errs fieldErrors) time.Time {
	switch f.Expiry {
	case "1", "7", "30":
		d, _ := strconv.Atoi(f.Expiry)
		return lim.Now.Add(time.Duration(d) * 24 * time.Hour)
	}
	t, err := time.Parse("2006-01-02", f.ExpiresAt)
	switch {
	case err != nil:
		errs.add("expires_at", "Choose a date, like 2026-03-31.")
	case !t.Add(24 * time.Hour).After(lim.Now):
		errs.add("expires_at", "Choose a date in the future.")
	case t.After(lim.Now.Add(time.Duration(lim.MaxExpiryDays) * 24 * time.Hour)):
		errs.add("expires_at", fmt.Sprintf("Links can last at most %d days here.", lim.MaxExpiryDays))
	default:
		return t.Add(24*time.Hour - time.Second) // through the end of that day
	}
	return time.Time{}
}

func (f linkForm) validateMaxAccess(lim linkLimits, errs fieldErrors) int {
	n, err := strconv.Atoi(f.MaxAccess)
	if err != nil || n < 1 || n > lim.MaxAccess {
		errs.add("max_access", fmt.Sprintf("Use a number from 1 to %d.", lim.MaxAccess))
	}
	return n
}

func (f linkForm) validateRecipients(errs fieldErrors) []string {
	recipients := splitList(f.Recipients)
	if len(recipients) > maxRecipients {
		// Before the address check: with too many, the count is what to fix.
		errs.add("recipients", fmt.Sprintf("At most %d recipients at once.", maxRecipients))
	}
	for _, r := range recipients {
		if a, err := mail.ParseAddress(r); err != nil || a.Address != r {
			errs.add("recipients", fmt.Sprintf("%q is not an email address.", r))
			break
		}
	}
	return recipients
}
