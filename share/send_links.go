package share

import (
	"context"
	"fmt"
	"strings"
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
}

// SendLinks records recipient and sender on each link and emails the recipient, once per item. When
// some emails go out and others fail, it still succeeds and says which failed: an error would make
// Pangea's SDKs retry the whole request (they retry 5xx) and email the good addresses again. Only when
// no email went out at all is it an error (ProviderError), so a retry duplicates nothing.
func (s *Service) SendLinks(
	ctx context.Context,
	bucketID string,
	items []SendItem,
	senderEmail, senderName string,
) ([]Link, []SendResult, error) {
	bucketID, err := s.bucket(ctx, bucketID)
	if err != nil {
		return nil, nil, err
	}
	var v Validation
	if !ValidEmail(senderEmail) {
		v.Add("BadFormat", "/sender_email", "must be an email address")
	}
	if HasBidiControl(senderName) {
		v.Add("BadFormat", "/sender_name", bidiProblem)
	}
	ids := make([]string, len(items))
	updates := make([]LinkRecipient, len(items))
	for i, it := range items {
		if !ValidEmail(it.Email) {
			v.Add("BadFormat", fmt.Sprintf("/links/%d/email", i), "must be an email address")
		}
		ids[i] = it.ID
		updates[i] = LinkRecipient{
			ID:             it.ID,
			RecipientEmail: it.Email,
			SenderEmail:    senderEmail,
			SenderName:     senderName,
		}
	}
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	idSource := func(i int) string { return fmt.Sprintf("/links/%d/id", i) }
	if err := s.requireLinks(ctx, bucketID, dedupe(ids), idSource); err != nil {
		return nil, nil, err
	}
	if _, err := s.store.SetLinkRecipients(ctx, bucketID, updates); err != nil {
		return nil, nil, err
	}
	out := make([]Link, 0, len(items))
	results := make([]SendResult, 0, len(items))
	var failed []string
	for _, it := range items {
		l, err := s.GetLink(ctx, bucketID, it.ID)
		if err != nil {
			return nil, nil, err
		}
		l.RecipientEmail = it.Email // the same link may be sent to several people in one request
		res := SendResult{ID: it.ID, Email: it.Email, Sent: true}
		if err := s.sendLinkEmail(ctx, l.displayable()); err != nil {
			s.cfg.Logger.ErrorContext(ctx, "link email not sent", "link", l.ID, "err", err)
			failed = append(failed, it.Email)
			res.Sent, res.Detail = false, "the email could not be delivered; send this one again"
		}
		out = append(out, l)
		results = append(results, res)
	}
	if len(failed) == len(items) {
		return nil, nil, Errf(
			CodeProvider,
			"The email could not be delivered to %s; the links were recorded, try sending again.",
			strings.Join(failed, ", "),
		)
	}
	return out, results, nil
}
