// Package notify delivers messages to people: email over SMTP, SMS over a signed webhook, and the
// outbox that keeps messages when no sender is configured (the demo shows it).
package notify

import (
	"context"
	"errors"
	"time"
)

// Message kinds.
const (
	KindEmail = "email"
	KindSMS   = "sms"
)

// Message is one email or SMS. HTML is empty for SMS.
type Message struct {
	ID        int64
	Kind      string
	To        string
	Subject   string
	Text      string
	HTML      string
	ReplyTo   string // not stored in the outbox
	CreatedAt time.Time
}

// Sender delivers a message.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// MessageSaver is where the outbox keeps messages.
type MessageSaver interface {
	SaveMessage(ctx context.Context, m Message) error
}

// Unconfigured is the sender of a service that was given none: it refuses every message, so a code or
// link is never reported as sent when it went nowhere.
type Unconfigured struct{}

// Send refuses m.
func (Unconfigured) Send(context.Context, Message) error {
	return errors.New("no sender is configured for this kind of message")
}

// Outbox is a Sender that only records messages, for deployments without SMTP or SMS and for demo.
type Outbox struct{ Store MessageSaver }

// Send records m.
func (o Outbox) Send(ctx context.Context, m Message) error {
	if m.CreatedAt.IsZero() {
		m.CreatedAt = time.Now().UTC()
	}
	return o.Store.SaveMessage(ctx, m)
}
