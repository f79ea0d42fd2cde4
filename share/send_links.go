package share

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// SendItem asks for link ID to be emailed to Email.
type SendItem struct {
	ID    string
	Email string
}

// SendResult is the outcome of emailing one link to one address.
type SendResult struct {
	ID     string
	Email  string
	Sent   bool
	Detail string // why it was not sent
	// AuthenticatorAdded says the address was added to the link's email code authenticators, so the
	// person it went to can open it (SendOptions.AddAuthenticators).
	AuthenticatorAdded bool
}

// SendOptions are what link/send does beyond Pangea's behaviour (sharedesk extensions).
type SendOptions struct {
	// AddAuthenticators makes each address able to open what it was sent: a link that opens with an
	// email code gets the address as another email_otp authenticator when it lacks it. Links that open
	// only with a password or a text code are sent as they are (the sender shares those separately).
	AddAuthenticators bool
}

// SendLinks records recipient and sender on each link and emails the recipient, once per item, as
// Pangea's link/send does.
func (s *Service) SendLinks(
	ctx context.Context,
	bucketID string,
	items []SendItem,
	senderEmail, senderName string,
) ([]Link, []SendResult, error) {
	return s.SendLinksWith(ctx, bucketID, items, senderEmail, senderName, SendOptions{})
}

// SendLinksWith is SendLinks with sharedesk's extensions. When some emails go out and others fail, it
// still succeeds and says which failed: an error would make Pangea's SDKs retry the whole request (they
// retry 5xx) and email the good addresses again. Only when every email certainly failed is it an error
// (ProviderError), so a retry duplicates nothing (adding an authenticator again changes nothing).
func (s *Service) SendLinksWith(
	ctx context.Context,
	bucketID string,
	items []SendItem,
	senderEmail, senderName string,
	opt SendOptions,
) ([]Link, []SendResult, error) {
	bucketID, err := s.bucket(ctx, bucketID)
	if err != nil {
		return nil, nil, err
	}
	ids, err := checkSend(items, senderEmail, senderName)
	if err != nil {
		return nil, nil, err
	}
	ids = dedupe(ids)
	idSource := func(i int) string { return fmt.Sprintf("/links/%d/id", i) }
	if err := s.requireLinks(ctx, bucketID, ids, idSource); err != nil {
		return nil, nil, err
	}
	out, added, err := s.recordSends(ctx, bucketID, ids, items, senderEmail, senderName, opt)
	if err != nil {
		return nil, nil, err
	}
	results := s.sendEmails(ctx, out, senderEmail)
	var failed []string
	for i, r := range results {
		results[i].AuthenticatorAdded = added[items[i]]
		if r.Detail == notDelivered {
			failed = append(failed, r.Email)
		}
	}
	// Only when every email certainly failed is it an error (which SDKs retry); one that may still be
	// delivered makes it a 200 with per-address results, so nothing is sent twice by a retry.
	if len(failed) == len(items) {
		return nil, nil, Errf(
			CodeProvider,
			"The email could not be delivered to %s; the links were recorded, try sending again.",
			strings.Join(failed, ", "),
		)
	}
	return out, results, nil
}

// checkSend checks the sender and the addresses, and returns the ids of the items' links.
func checkSend(items []SendItem, senderEmail, senderName string) ([]string, error) {
	var v Validation
	if !ValidEmail(senderEmail) {
		v.Add("BadFormat", "/sender_email", "must be an email address")
	}
	if HasBidiControl(senderName) {
		v.Add("BadFormat", "/sender_name", BidiProblem)
	}
	ids := make([]string, len(items))
	for i, it := range items {
		if !ValidEmail(it.Email) {
			v.Add("BadFormat", fmt.Sprintf("/links/%d/email", i), "must be an email address")
		}
		ids[i] = it.ID
	}
	return ids, v.Err()
}

// recordSends stores on each link what sending it changes (sendChange), and returns the links as each
// item's email shows them, with the items whose address was added to their link's authenticators.
func (s *Service) recordSends(
	ctx context.Context,
	bucketID string,
	ids []string,
	items []SendItem,
	senderEmail, senderName string,
	opt SendOptions,
) ([]Link, map[SendItem]bool, error) {
	added := map[SendItem]bool{}
	var evs []Event
	stored, err := s.store.UpdateLinkAccess(ctx, bucketID, ids, func(l Link) (AccessChange, error) {
		ch, add, err := s.sendChange(ctx, l, items, senderEmail, senderName, opt)
		for _, it := range add {
			added[it] = true
		}
		evs = append(evs, ch.Events...)
		return ch, err
	})
	if isNotFound(err) {
		return nil, nil, Errf(CodeNotFound, "a share link was deleted by someone else meanwhile; nothing was sent")
	}
	if err != nil {
		return nil, nil, err
	}
	s.written(evs)
	byID := make(map[string]Link, len(stored))
	for _, l := range stored {
		byID[l.ID] = s.withURL(l)
	}
	out := make([]Link, len(items))
	for i, it := range items {
		l := byID[it.ID]
		l.RecipientEmail = it.Email // the same link may be sent to several people in one request
		out[i] = l
	}
	return out, added, nil
}

// sendChange is what sending link l to the items' addresses changes on it: the recipient (the last
// address it is sent to, as Pangea records it) and sender, and with opt.AddAuthenticators the
// addresses it cannot be opened with yet, when it opens with an email code. It returns the items whose
// address was added.
func (s *Service) sendChange(ctx context.Context, l Link, items []SendItem, senderEmail, senderName string,
	opt SendOptions) (AccessChange, []SendItem, error) {
	ch := AccessChange{Link: l}
	ch.Link.SenderEmail, ch.Link.SenderName = senderEmail, senderName
	byEmail := slices.ContainsFunc(l.Authenticators, func(a Authenticator) bool { return a.Type == AuthEmailOTP })
	var add []SendItem
	var v Validation
	for i, it := range items {
		if it.ID != l.ID {
			continue
		}
		ch.Link.RecipientEmail = it.Email
		a := Authenticator{Type: AuthEmailOTP, Context: it.Email}
		if !opt.AddAuthenticators || !byEmail ||
			slices.ContainsFunc(ch.Link.Authenticators, func(b Authenticator) bool { return sameIdentity(a, b) }) {
			continue
		}
		if len(ch.Link.Authenticators) >= MaxAuthenticators {
			v.Add("BadState", fmt.Sprintf("/links/%d/email", i), fmt.Sprintf(
				"link %s can be opened in at most %d ways and has that many: remove a recipient before adding %s",
				l.ID, MaxAuthenticators, it.Email))
			continue
		}
		ch.Link.Authenticators = append(slices.Clone(ch.Link.Authenticators), a)
		add = append(add, it)
	}
	if err := v.Err(); err != nil {
		return ch, nil, err
	}
	if len(add) > 0 {
		ev := s.event(ctx, l, EventEdited)
		if ev.Actor == "" {
			ev.Actor = senderEmail
		}
		as := make([]Authenticator, len(add))
		for i, it := range add {
			as[i] = Authenticator{Type: AuthEmailOTP, Context: it.Email}
		}
		ev.Detail = strings.Join(describeAuthenticators("added", as), "; ")
		ch.Events = []Event{ev}
	}
	return ch, add, nil
}

// sentEvent is the event of emailing l to an address: recorded after the attempt, so it can say
// whether the email went out.
func (s *Service) sentEvent(ctx context.Context, l Link, to, sender string, err error) Event {
	ev := s.event(ctx, l, EventSent)
	if ev.Actor == "" {
		ev.Actor = sender
	}
	ev.Method = "email"
	ev.Detail = to
	if err != nil {
		ev.Outcome = OutcomeFailed
	}
	return ev
}

// What SendResult.Detail says of an email that did not go out.
const (
	notDelivered = "the email could not be delivered; send this one again"
	notAnswered  = "the mail server did not answer in time; it may still deliver it: " +
		"check with the recipient before sending again"
)

// sendEmails emails each link's recipient, a few at a time, within a budget, and says per address
// whether it went out.
//
// The budget (Config.SendBudget) keeps the answer, with its per-address results, ahead of the server's
// own write deadline: a client that never got the answer would retry and email again the addresses
// that did go out.
func (s *Service) sendEmails(ctx context.Context, links []Link, senderEmail string) []SendResult {
	budget := s.cfg.SendBudget
	if budget <= 0 {
		budget = 40 * time.Second
	}
	ctx, cancel := context.WithTimeout(ctx, budget)
	defer cancel()
	type done struct {
		i   int
		res SendResult
	}
	finished := make(chan done, len(links)) // buffered: a sender that finishes after the answer still exits
	sem := make(chan struct{}, 16)
	for i, l := range links {
		go func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			res := SendResult{ID: l.ID, Email: l.RecipientEmail, Sent: true}
			err := ctx.Err()
			if err == nil {
				err = s.sendLinkEmail(ctx, l.displayable())
			}
			if err != nil {
				res.Sent, res.Detail = false, notDelivered
				s.cfg.Logger.ErrorContext(ctx, "link email not sent", "link", l.ID, "err", err)
			}
			s.record(context.WithoutCancel(ctx), s.sentEvent(ctx, l, l.RecipientEmail, senderEmail, err))
			finished <- done{i, res}
		}()
	}
	results := make([]SendResult, len(links))
	got := make([]bool, len(links))
	for range links {
		select {
		case d := <-finished:
			results[d.i], got[d.i] = d.res, true
			continue
		case <-ctx.Done():
		}
		break
	}
	// Mail servers that have not answered within the budget (an SMTP conversation does not always
	// notice the deadline) are reported as such; their senders finish in the background.
	for i, l := range links {
		if !got[i] {
			results[i] = SendResult{ID: l.ID, Email: l.RecipientEmail, Detail: notAnswered}
		}
	}
	return results
}
