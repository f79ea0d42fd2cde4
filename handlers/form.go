package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/mail"
	"net/url"
	"regexp"
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

// newLinkFields are the New link form's fields in page order.
func newLinkFields() []fieldLabel {
	return []fieldLabel{{"targets", "What to share"}, {"new-up", "Upload"}, {"type", "What the recipient may do"},
		{"expiry", "Expires after"}, {"expires_at", "Expiry date"}, {"max_access", "Can be opened"},
		{"recipients", "Recipients"}, {"phone", "Mobile number"}, {"password", "Password"},
		{"auth", "Who may open it"}, {"title", "Title"}, {"message", "Message"}, {"tags", "Tags"}}
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

var batchPattern = regexp.MustCompile(`^[0-9a-f]{32}$`)

// newBatchKey is a New link form's one-time key.
func newBatchKey() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// parseLinkForm reads the New link form; sender is the signed-in person the emails are sent as. A form
// without a well-formed key (a script's post) gets a fresh one: it is created once all the same.
func parseLinkForm(fv url.Values, sender string) linkForm {
	batch := fv.Get("batch")
	if !batchPattern.MatchString(batch) {
		batch = newBatchKey()
	}
	return linkForm{
		Batch:      batch,
		Targets:    dedupeStrings(fv["target"]),
		Type:       fv.Get("type"),
		Expiry:     fv.Get("expiry"),
		ExpiresAt:  strings.TrimSpace(fv.Get("expires_at")),
		TZOffset:   fv.Get("tz_offset"),
		MaxAccess:  strings.TrimSpace(fv.Get("max_access")),
		Recipients: fv.Get("recipients"),
		Phone:      strings.TrimSpace(fv.Get("phone")),
		Password:   fv.Get("password"),
		Title:      strings.TrimSpace(fv.Get("title")),
		Message:    fv.Get("message"),
		Tags:       fv.Get("tags"),
		SendNow:    fv.Get("send_now") == "1",
		SenderName: sender,
	}
}

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

// validateExpiry turns a preset (days) or a chosen date into the moment the link stops working. A date
// wins over the preset whenever one is given: it is the more deliberate choice, and the result page
// shows the exact moment either way.
func (f linkForm) validateExpiry(lim linkLimits, errs fieldErrors) time.Time {
	if f.ExpiresAt != "" {
		return endOfDate(f.ExpiresAt, f.TZOffset, lim, "expires_at", errs)
	}
	switch f.Expiry {
	case "1", "7", "30":
		d, _ := strconv.Atoi(f.Expiry)
		return lim.Now.Add(time.Duration(d) * 24 * time.Hour)
	case "custom":
		errs.add("expires_at", "Pick a date, or choose 1, 7 or 30 days under “Expires after”.")
	default:
		errs.add("expiry", "Choose how long the link works.")
	}
	return time.Time{}
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

func (f linkForm) validateMaxAccess(lim linkLimits, errs fieldErrors) int {
	n, err := strconv.Atoi(f.MaxAccess)
	if err != nil || n < 1 || n > lim.MaxAccess {
		errs.add("max_access", fmt.Sprintf("Use a whole number from 1 to %d.", lim.MaxAccess))
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
		if !validEmail(r) {
			errs.add("recipients", fmt.Sprintf("%q is not an email address such as name@example.com.", r))
			break
		}
	}
	return recipients
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
