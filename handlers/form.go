package handlers

import (
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v5"

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

// confirmed reports whether a destructive action's post was asked and answered (by the confirmation
// page, or by the browser on the list); any other post is sent to the confirmation page.
func confirmed(ec *echo.Context) bool { return ec.FormValue("confirmed") == "yes" }

// nameForm is a form of one field, "name" (Rename, New API token). Name is as typed, so the page can
// show it back.
type nameForm struct{ Name string }

func newNameForm(ec *echo.Context) nameForm { return nameForm{Name: ec.FormValue("name")} }

// trimmed is the name asked for, without the spaces around it.
func (f nameForm) trimmed() string { return strings.TrimSpace(f.Name) }

// fieldLabel names a form field (its input's id) as the error summary calls it.
type fieldLabel struct{ field, label string }

// inOrder lists the problems in the order the fields appear on the form (fields), so the summary reads
// top to bottom and the first field on the page gets the focus; a problem of a field not listed comes
// last.
func (e fieldErrors) inOrder(fields []fieldLabel) console.FormErrors {
	out := make(console.FormErrors, 0, len(e))
	seen := map[string]bool{}
	for _, f := range fields {
		if msg, ok := e[f.field]; ok {
			out = append(out, console.FieldError{Field: f.field, Label: f.label, Message: msg})
			seen[f.field] = true
		}
	}
	for field, msg := range e {
		if !seen[field] {
			out = append(out, console.FieldError{Field: field, Label: "This form", Message: msg})
		}
	}
	return out
}

// linkLimits are the share server's bounds the link forms (New link, edit) are checked against before
// asking it.
type linkLimits struct {
	Now           time.Time
	MaxExpiryDays int
	MaxAccess     int
}

// dedupeStrings is in without empty strings and repeats, in order.
func dedupeStrings(in []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// maxTZOffset bounds the viewer's offset from UTC, in minutes (UTC+14 is the furthest there is).
const maxTZOffset = 14 * 60

// endOfDate is the last second of date (yyyy-mm-dd) in the viewer's time zone (tzOffset, minutes east
// of UTC, as the page's script reports it; UTC without script), checked to be in the future and within
// the server's maximum.
func endOfDate(date, tzOffset string, lim linkLimits, field string, errs fieldErrors) time.Time {
	d, err := time.Parse("2006-01-02", date)
	if err != nil {
		errs.add(field, "Give the date as year-month-day, like "+lim.Now.AddDate(0, 0, 7).Format("2006-01-02")+".")
		return time.Time{}
	}
	offset, err := strconv.Atoi(tzOffset)
	if err != nil || offset < -maxTZOffset || offset > maxTZOffset {
		offset = 0
	}
	zone := time.Duration(offset) * time.Minute
	end := d.Add(24*time.Hour - time.Second - zone)
	latest := lim.Now.Add(time.Duration(lim.MaxExpiryDays) * 24 * time.Hour)
	switch {
	case !end.After(lim.Now):
		errs.add(field, "Choose today or a later date.")
	case end.After(latest):
		errs.add(field, fmt.Sprintf("Links can last at most %d days here: choose %s or earlier.", lim.MaxExpiryDays,
			lastDate(latest, zone)))
	default:
		return end
	}
	return time.Time{}
}

// lastDate is the last date whose end, in a zone offset from UTC, is not after latest.
func lastDate(latest time.Time, zone time.Duration) string {
	local := latest.Add(zone)
	d := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	if d.Add(24*time.Hour - time.Second - zone).After(latest) {
		d = d.AddDate(0, 0, -1)
	}
	return d.Format("2006-01-02")
}

// dateBounds are the first and last dates a date field may offer (in UTC: the page does not know the
// viewer's zone; the server checks the exact moment).
func dateBounds(lim linkLimits) (first, last string) {
	return lim.Now.UTC().Format("2006-01-02"),
		lastDate(lim.Now.Add(time.Duration(lim.MaxExpiryDays)*24*time.Hour), 0)
}

// validEmail reports whether s is a bare email address, as the share API takes it.
func validEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s
}

// limits are the share server's bounds for the forms, as of now.
func (c *Console) limits() linkLimits {
	return linkLimits{Now: c.opt.Now(), MaxExpiryDays: c.opt.MaxExpiryDays, MaxAccess: c.opt.MaxAccess}
}
