package handlers

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views/console"
)

// editLinkFields are the edit form's fields in page order.
func editLinkFields() []fieldLabel {
	return []fieldLabel{{"expires_on", "New expiry"}, {"max_access", "Can be opened"},
		{"remove", "Remove"}, {"add_emails", "Add email addresses"}, {"add_phones", "Add mobile numbers"}}
}

var phonePattern = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// maxAddedRecipients bounds the recipients one edit adds.
const maxAddedRecipients = 10

// editLinkForm is a link's edit form as posted. It stays strings so the page can show back exactly what
// was typed next to the field errors.
type editLinkForm console.EditLinkForm

func newEditLinkForm(fv url.Values) editLinkForm {
	return editLinkForm{
		ExpiresOn: strings.TrimSpace(fv.Get("expires_on")),
		TZOffset:  fv.Get("tz_offset"),
		MaxAccess: strings.TrimSpace(fv.Get("max_access")),
		AddEmails: fv.Get("add_emails"),
		AddPhones: fv.Get("add_phones"),
		Remove:    dedupeStrings(fv["remove"]),
	}
}

// Validate checks the form against link l and the server's bounds and turns it into a link/update
// request (the share API checks again, against the link as it is then).
func (f editLinkForm) Validate(l api.ShareLink, lim linkLimits) (api.LinkUpdateRequest, fieldErrors) {
	errs := fieldErrors{}
	req := api.LinkUpdateRequest{ID: l.ID}
	if f.ExpiresOn != "" {
		if t := endOfDate(f.ExpiresOn, f.TZOffset, lim, "expires_on", errs); !t.IsZero() {
			req.ExpiresAt = &t
		}
	}
	req.MaxAccessCount = f.validateMaxAccess(l, lim, errs)
	for _, key := range f.Remove {
		typ, ctx, _ := strings.Cut(key, ":")
		req.RemoveAuthenticators = append(req.RemoveAuthenticators, api.Authenticator{AuthType: typ, AuthContext: ctx})
	}
	req.AddAuthenticators = f.validateAdded(errs)
	if len(req.AddAuthenticators) > maxAddedRecipients {
		errs.add("add_emails", fmt.Sprintf("Add at most %d recipients at once.", maxAddedRecipients))
	}
	return req, errs
}

// validateMaxAccess is the new number of openings, nil when it is not one the link can take.
func (f editLinkForm) validateMaxAccess(l api.ShareLink, lim linkLimits, errs fieldErrors) *int {
	n, err := strconv.Atoi(f.MaxAccess)
	switch {
	case err != nil || n < 1 || n > lim.MaxAccess:
		errs.add("max_access", fmt.Sprintf("Use a whole number from 1 to %d.", lim.MaxAccess))
	case n < l.AccessCount:
		errs.add("max_access", fmt.Sprintf("It has been opened %d times already: use %d or more.",
			l.AccessCount, l.AccessCount))
	default:
		return &n
	}
	return nil
}

// validateAdded is the email and SMS code recipients to add, each once.
func (f editLinkForm) validateAdded(errs fieldErrors) []api.Authenticator {
	var added []api.Authenticator
	for _, e := range splitList(f.AddEmails) {
		if !validEmail(e) {
			errs.add("add_emails", fmt.Sprintf("%q is not an email address such as name@example.com.", e))
			continue
		}
		// One recipient whatever the letter case: the share server compares addresses that way too.
		added = addOnce(added, api.Authenticator{AuthType: "email_otp", AuthContext: e})
	}
	for _, p := range splitList(f.AddPhones) {
		p = strings.ReplaceAll(p, " ", "")
		if !phonePattern.MatchString(p) {
			errs.add("add_phones", fmt.Sprintf("%q is not a mobile number in international form, such as +15551234567.",
				p))
			continue
		}
		added = addOnce(added, api.Authenticator{AuthType: "sms_otp", AuthContext: p})
	}
	return added
}

// changesNothing reports whether a valid request asks for the link as it is.
func changesNothing(req api.LinkUpdateRequest, l api.ShareLink) bool {
	return req.ExpiresAt == nil && *req.MaxAccessCount == l.MaxAccessCount && len(req.AddAuthenticators) == 0 &&
		len(req.RemoveAuthenticators) == 0
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
