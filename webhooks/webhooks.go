// Package webhooks tells other systems what happened to share links. Events are written to a durable
// outbox in the database first and delivered afterwards, signed per the Standard Webhooks specification
// (webhook-id, webhook-timestamp, webhook-signature), with retries and backoff, so neither a restart nor a
// receiver outage loses one. Each endpoint receives its events one at a time in the order they were
// written: an event that fails holds back the ones after it until it is delivered or given up, so a
// receiver sees every link's events in order. A retry after a crash may repeat an event, always with the
// same webhook-id, which receivers use to drop the repeat.
package webhooks

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// Event types.
const (
	LinkCreated    = "link.created"
	LinkSent       = "link.sent"
	LinkOpened     = "link.opened"
	LinkDownloaded = "link.downloaded"
	LinkUploaded   = "link.uploaded"
	LinkRevoked    = "link.revoked"
	LinkExpired    = "link.expired"
)

// Event is one thing that happened to a link. Data never holds tokens, secrets or codes.
type Event struct {
	ID     string         `json:"-"` // the webhook-id; receivers drop repeats by it
	Type   string         `json:"type"`
	At     time.Time      `json:"timestamp"`
	LinkID string         `json:"-"`
	Data   map[string]any `json:"data"`
}

// Payload is the JSON body of the event, the bytes that are signed.
func (e Event) Payload() ([]byte, error) {
	data := map[string]any{"link_id": e.LinkID}
	for k, v := range e.Data {
		data[k] = v
	}
	return json.Marshal(struct {
		Type string         `json:"type"`
		At   string         `json:"timestamp"`
		Data map[string]any `json:"data"`
	}{e.Type, e.At.UTC().Format(time.RFC3339Nano), data})
}

// Delivery is one event on its way to one endpoint.
type Delivery struct {
	Seq      int64
	Endpoint string
	EventID  string
	At       time.Time
	Payload  []byte
	Attempts int
}

// Store is the outbox. Implementations claim a delivery for a lease so that several instances sharing
// one database never send the same delivery at the same time.
type Store interface {
	// EnqueueWebhook stores the event once per endpoint.
	EnqueueWebhook(ctx context.Context, eventID, linkID string, at time.Time, payload []byte, endpoints []string) error
	// NextWebhook returns the oldest delivery of endpoint that is neither delivered nor given up. ready
	// is false when it is not due yet or another instance holds it; retry tells when to look again.
	// When ready, the delivery is claimed until now+lease.
	NextWebhook(
		ctx context.Context,
		endpoint string,
		now time.Time,
		lease time.Duration,
	) (d Delivery, ready bool, retry time.Time, found bool, err error)
	// WebhookDelivered marks the delivery done.
	WebhookDelivered(ctx context.Context, seq int64, at time.Time) error
	// WebhookFailed records a failed attempt and when to try again; dead gives the delivery up.
	WebhookFailed(ctx context.Context, seq int64, attempts int, next time.Time, dead bool, reason string) error
}

// Config sets up delivery.
type Config struct {
	URLs   []string
	Secret string // "whsec_" + base64, as the specification gives it
	Log    *slog.Logger
	Client *http.Client                    // default: 10 s timeout, no redirects
	Now    func() time.Time                // default time.Now
	Delay  func(attempt int) time.Duration // default Backoff
	Poll   time.Duration                   // how often to look for work written by other instances; default 2 s
}

// Backoff is the wait before attempt n+1 after n failed attempts; after the last step the delivery is
// given up (about a day and a half after the event).
func Backoff(attempts int) time.Duration {
	steps := []time.Duration{5 * time.Second, 30 * time.Second, 2 * time.Minute, 10 * time.Minute, 30 * time.Minute,
		time.Hour, 2 * time.Hour, 4 * time.Hour, 8 * time.Hour, 12 * time.Hour, 12 * time.Hour}
	if attempts-1 < len(steps) {
		return steps[max(attempts-1, 0)]
	}
	return -1
}

// Dispatcher publishes events into the outbox and delivers them.
type Dispatcher struct {
	store  Store
	cfg    Config
	signer *standardwebhooks.Webhook
	wake   map[string]chan struct{}
}

// New checks the settings. With no URLs it returns nil: a nil *Dispatcher publishes nothing.
func New(store Store, cfg Config) (*Dispatcher, error) {
	if len(cfg.URLs) == 0 {
		return nil, nil
	}
	for _, u := range cfg.URLs {
		p, err := url.Parse(u)
		if err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return nil, fmt.Errorf("--webhook-url %q is not an http(s) URL", u)
		}
	}
	const secretHelp = "webhooks need a signing secret: put whsec_ followed by base64 of 24 to 64 random bytes in " +
		"--webhook-secret-file (e.g. echo \"whsec_$(head -c 32 /dev/urandom | base64)\")"
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(cfg.Secret, "whsec_"))
	if !strings.HasPrefix(cfg.Secret, "whsec_") || err != nil || len(key) < 24 || len(key) > 64 {
		// A short key would let anyone forge events a receiver trusts.
		return nil, errors.New(secretHelp)
	}
	signer, err := standardwebhooks.NewWebhook(cfg.Secret)
	if err != nil {
		return nil, fmt.Errorf("--webhook-secret-file: %w", err)
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: 10 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Delay == nil {
		cfg.Delay = Backoff
	}
	if cfg.Poll == 0 {
		cfg.Poll = 2 * time.Second
	}
	d := &Dispatcher{store: store, cfg: cfg, signer: signer, wake: map[string]chan struct{}{}}
	for _, u := range cfg.URLs {
		d.wake[u] = make(chan struct{}, 1)
	}
	return d, nil
}

// NewEventID makes a webhook-id.
func NewEventID() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	return "evt_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// Publish writes the event to the outbox for every endpoint and wakes the senders.
func (d *Dispatcher) Publish(ctx context.Context, ev Event) error {
	if d == nil {
		return nil
	}
	if ev.ID == "" {
		ev.ID = NewEventID()
	}
	if ev.At.IsZero() {
		ev.At = d.cfg.Now()
	}
	payload, err := ev.Payload()
	if err != nil {
		return err
	}
	if err := d.store.EnqueueWebhook(ctx, ev.ID, ev.LinkID, ev.At, payload, d.cfg.URLs); err != nil {
		return fmt.Errorf("webhook outbox: %w", err)
	}
	for _, c := range d.wake {
		select {
		case c <- struct{}{}:
		default:
		}
	}
	return nil
}

// Wake tells the senders that events were written to the outbox by someone other than Publish (the
// share store writes them in the transaction of the change they describe).
func (d *Dispatcher) Wake() {
	if d == nil {
		return
	}
	for _, c := range d.wake {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// Run delivers until ctx ends, one sender per endpoint.
func (d *Dispatcher) Run(ctx context.Context) {
	if d == nil {
		return
	}
	var wg sync.WaitGroup
	for _, u := range d.cfg.URLs {
		wg.Go(func() { d.send(ctx, u) })
	}
	wg.Wait()
}

func (d *Dispatcher) send(ctx context.Context, endpoint string) {
	log := d.cfg.Log.With("webhook", redact(endpoint))
	for ctx.Err() == nil {
		wait := d.cfg.Poll
		dl, ready, retry, found, err := d.store.NextWebhook(ctx, endpoint, d.cfg.Now(), time.Minute)
		switch {
		case err != nil:
			if ctx.Err() == nil {
				log.Warn("webhook outbox unreadable; trying again", "err", err)
			}
		case found && ready:
			d.attempt(ctx, log, dl)
			continue
		case found:
			if until := retry.Sub(d.cfg.Now()); until < wait {
				wait = max(until, 10*time.Millisecond)
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-d.wake[endpoint]:
		case <-t.C:
		}
		t.Stop()
	}
}

func (d *Dispatcher) attempt(ctx context.Context, log *slog.Logger, dl Delivery) {
	now := d.cfg.Now()
	err := d.post(ctx, dl, now)
	if ctx.Err() != nil {
		// Stopping: give the claim back at once, so the next start (or another instance) sends it
		// without waiting for the lease to run out. It may have arrived: the same id is sent again.
		release, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := d.store.WebhookFailed(release, dl.Seq, dl.Attempts, now, false, "interrupted by a stop"); err != nil {
			log.Warn(
				"webhook claim not released; it is sent again when its lease runs out",
				"id",
				dl.EventID,
				"err",
				err,
			)
		}
		return
	}
	if err == nil {
		if err := d.store.WebhookDelivered(ctx, dl.Seq, now); err != nil {
			log.Warn(
				"webhook delivered but not recorded; it may be sent again with the same id",
				"id",
				dl.EventID,
				"err",
				err,
			)
		}
		return
	}
	attempts := dl.Attempts + 1
	delay := d.cfg.Delay(attempts)
	dead := delay < 0
	reason := err.Error()
	if len(reason) > 300 {
		reason = reason[:300]
	}
	if dead {
		log.Error("webhook given up after repeated failures", "id", dl.EventID, "attempts", attempts, "err", reason)
	} else {
		log.Warn("webhook failed; will retry",
			"id", dl.EventID, "attempts", attempts, "retry_in", delay.String(), "err", reason)
	}
	if err := d.store.WebhookFailed(ctx, dl.Seq, attempts, now.Add(max(delay, 0)), dead, reason); err != nil {
		log.Warn("webhook failure not recorded", "id", dl.EventID, "err", err)
	}
}

func (d *Dispatcher) post(ctx context.Context, dl Delivery, now time.Time) error {
	sig, err := d.signer.Sign(dl.EventID, now, dl.Payload)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, dl.Endpoint, bytes.NewReader(dl.Payload))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "sharedesk-webhooks")
	req.Header.Set(standardwebhooks.HeaderWebhookID, dl.EventID)
	req.Header.Set(standardwebhooks.HeaderWebhookTimestamp, fmt.Sprint(now.Unix()))
	req.Header.Set(standardwebhooks.HeaderWebhookSignature, sig)
	resp, err := d.cfg.Client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("receiver answered %s", resp.Status)
	}
	return nil
}

// redact keeps credentials and query strings of endpoint URLs out of logs.
func redact(endpoint string) string {
	u, err := url.Parse(endpoint)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return u.String()
}
