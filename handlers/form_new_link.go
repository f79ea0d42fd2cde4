package handlers

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/sharedesk/sharedesk/views/console"
)

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
