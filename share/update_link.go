package share

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// LinkUpdate changes an existing link without giving it a new URL (a sharedesk extension: Pangea's
// API cannot edit a link). Nil and empty fields leave the link as it is.
type LinkUpdate struct {
	BucketID       string
	ID             string
	ExpiresAt      *time.Time
	MaxAccessCount *int
	// AddAuthenticators and RemoveAuthenticators are email or SMS code authenticators (passwords are
	// not changed here: they are stored hashed and shown masked, so they cannot be named).
	AddAuthenticators    []Authenticator
	RemoveAuthenticators []Authenticator
	// Via names the API token that asked, when the actor recorded is someone it speaks for: the
	// history keeps both, so a token cannot put an edit in another person's name unseen.
	Via string
}

// What UpdateLink reports as changed.
const (
	ChangedExpiry         = "expires_at"
	ChangedMaxAccess      = "max_access_count"
	ChangedAuthenticators = "authenticators"
)

// MaxAuthenticators is the most ways of proving identity one link may have.
const MaxAuthenticators = 10

// UpdateLink changes a link's expiry (longer or shorter), its access limit and its email and SMS
// recipients. The token, and so the URL recipients hold, stays. What changed is recorded as one
// EventEdited in the same transaction; asking for what the link already has changes nothing and
// records nothing. Removing a recipient ends the link's open portal sessions.
func (s *Service) UpdateLink(ctx context.Context, u LinkUpdate) (Link, []string, error) {
	bucketID, err := s.bucket(ctx, u.BucketID)
	if err != nil {
		return Link{}, nil, err
	}
	expires, err := s.checkLinkUpdate(u)
	if err != nil {
		return Link{}, nil, err
	}
	var edit linkEdit
	links, err := s.store.UpdateLinkAccess(ctx, bucketID, []string{u.ID}, func(l Link) (AccessChange, error) {
		edit = linkEdit{ch: AccessChange{Link: l}}
		err := s.editLink(ctx, &edit, l, u, expires)
		return edit.ch, err
	})
	if isNotFound(err) {
		return Link{}, nil, notFound("share link", u.ID)
	}
	if err != nil {
		return Link{}, nil, err
	}
	if len(edit.changed) > 0 {
		s.written(edit.ch.Events)
	}
	return s.withURL(links[0]), edit.changed, nil
}

// checkLinkUpdate checks what can be checked of u without the link, and returns the new expiry when u
// asks for one.
func (s *Service) checkLinkUpdate(u LinkUpdate) (time.Time, error) {
	var v Validation
	if u.ExpiresAt == nil && u.MaxAccessCount == nil && len(u.AddAuthenticators) == 0 &&
		len(u.RemoveAuthenticators) == 0 {
		v.Add("FieldRequired", "", "give at least one of expires_at, max_access_count, add_authenticators, "+
			"remove_authenticators")
	}
	var expires time.Time
	if u.ExpiresAt != nil {
		expires = s.expiresAt(s.now(), u.ExpiresAt, "", &v)
	}
	if u.MaxAccessCount != nil {
		s.maxAccessCount(u.MaxAccessCount, "", &v)
	}
	checkCodeAuthenticators(u.AddAuthenticators, "/add_authenticators", &v)
	checkCodeAuthenticators(u.RemoveAuthenticators, "/remove_authenticators", &v)
	for i, a := range u.AddAuthenticators {
		if slices.ContainsFunc(u.RemoveAuthenticators, func(b Authenticator) bool { return sameIdentity(a, b) }) {
			v.Add("BadState", fmt.Sprintf("/add_authenticators/%d", i), "is also in remove_authenticators")
		}
	}
	return expires, v.Err()
}

// linkEdit is one link's update as it is worked out: the change to store, the names of what changed
// (ChangedExpiry, …) and their wording for the history.
type linkEdit struct {
	ch      AccessChange
	changed []string
	what    []string
}

func (e *linkEdit) add(changed, what string) {
	e.changed = append(e.changed, changed)
	e.what = append(e.what, what)
}

// editLink works out what u changes on l, and the EventEdited that says so when anything does.
func (s *Service) editLink(ctx context.Context, e *linkEdit, l Link, u LinkUpdate, expires time.Time) error {
	if u.ExpiresAt != nil && !expires.Equal(l.ExpiresAt) {
		e.ch.Link.ExpiresAt = expires
		e.add(ChangedExpiry, fmt.Sprintf("expiry %s → %s", eventTime(l.ExpiresAt), eventTime(expires)))
	}
	if n := u.MaxAccessCount; n != nil && *n != l.MaxAccessCount {
		if *n < l.AccessCount {
			return Invalid("BadState", "/max_access_count", fmt.Sprintf(
				"the link has been opened %d times already: the limit cannot be below %d",
				l.AccessCount, l.AccessCount))
		}
		e.ch.Link.MaxAccessCount = *n
		e.add(ChangedMaxAccess, fmt.Sprintf("openings %d → %d", l.MaxAccessCount, *n))
	}
	if err := editRecipients(e, l, u); err != nil {
		return err
	}
	if len(e.changed) > 0 {
		ev := s.event(ctx, l, EventEdited)
		ev.Detail = strings.Join(e.what, "; ")
		if u.Via != "" {
			ev.Detail += " (through API token " + u.Via + ")"
		}
		e.ch.Events = []Event{ev}
	}
	return nil
}

// editRecipients adds and removes the authenticators u names; removing one ends the link's portal
// sessions.
func editRecipients(e *linkEdit, l Link, u LinkUpdate) error {
	auths, added, removed, err := changeAuthenticators(l.Authenticators, u.AddAuthenticators,
		u.RemoveAuthenticators)
	if err != nil {
		return err
	}
	if len(added)+len(removed) == 0 {
		return nil
	}
	e.ch.Link.Authenticators = auths
	e.ch.EndSessions = len(removed) > 0
	// Someone removed is no longer who the link is for: the address it was sent to goes too, so
	// neither the link's page nor a search by person names them any more.
	if slices.ContainsFunc(removed, func(r Authenticator) bool {
		return r.Type == AuthEmailOTP && strings.EqualFold(r.Context, l.RecipientEmail)
	}) {
		e.ch.Link.RecipientEmail = ""
	}
	e.changed = append(e.changed, ChangedAuthenticators)
	e.what = append(e.what, describeAuthenticators("added", added)...)
	e.what = append(e.what, describeAuthenticators("removed", removed)...)
	return nil
}

// checkCodeAuthenticators checks email and SMS authenticators to add or remove.
func checkCodeAuthenticators(in []Authenticator, src string, v *Validation) {
	for j, a := range in {
		if a.Type == AuthPassword {
			v.Add("NotEnumMember", fmt.Sprintf("%s/%d/auth_type", src, j),
				"only email_otp and sms_otp recipients can be added or removed; passwords cannot be changed")
			continue
		}
		checkAuthenticator(a, fmt.Sprintf("%s/%d", src, j), v)
	}
}

// changeAuthenticators applies additions and removals to a link's authenticators, keeping the order of
// those that stay (codes in flight are keyed by position). Adding one the link has is no change;
// removing one it lacks, or the last, is refused.
func changeAuthenticators(have, add, remove []Authenticator) (out, added, removed []Authenticator, err error) {
	out = slices.Clone(have)
	var v Validation
	for j, r := range remove {
		i := slices.IndexFunc(out, func(a Authenticator) bool { return sameIdentity(a, r) })
		if i < 0 {
			v.Add("DoesNotExist", fmt.Sprintf("/remove_authenticators/%d/auth_context", j),
				fmt.Sprintf("%s is not a way to open this link", r.Context))
			continue
		}
		removed = append(removed, out[i])
		out = slices.Delete(out, i, i+1)
	}
	for _, a := range add {
		if slices.ContainsFunc(out, func(b Authenticator) bool { return sameIdentity(a, b) }) {
			continue
		}
		out = append(out, Authenticator{Type: a.Type, Context: a.Context})
		added = append(added, a)
	}
	switch {
	case len(out) == 0 && len(have) > 0:
		v.Add("BadState", "/remove_authenticators",
			"a link needs at least one way to open it: add another recipient before removing the last")
	case len(out) > MaxAuthenticators && len(added) > 0:
		v.Add("BadState", "/add_authenticators", fmt.Sprintf(
			"a link can have at most %d ways to open it; it would have %d", MaxAuthenticators, len(out)))
	}
	return out, added, removed, v.Err()
}

// sameIdentity reports whether two authenticators name the same person: email addresses compared
// without regard to case (mail systems treat them so), phone numbers exactly.
func sameIdentity(a, b Authenticator) bool {
	if a.Type != b.Type {
		return false
	}
	if a.Type == AuthEmailOTP {
		return strings.EqualFold(a.Context, b.Context)
	}
	return a.Context == b.Context
}

// describeAuthenticators words added or removed recipients for the history, addresses masked as in
// every other event. The words are stored with the event (see Event.Detail), so they stay here.
func describeAuthenticators(verb string, as []Authenticator) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		switch a.Type {
		case AuthEmailOTP:
			out = append(out, verb+" email code to "+MaskEmail(a.Context))
		case AuthSMSOTP:
			out = append(out, verb+" text code to "+MaskPhone(a.Context))
		}
	}
	return out
}

// eventTime is a moment as an event's detail shows it: UTC, to the second.
func eventTime(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05 UTC") }
