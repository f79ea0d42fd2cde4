package share

import (
	"context"
	"fmt"
	"time"
)

// eventStore keeps link events (see Event). RecordEvents stores events that go with no other change;
// RecordExpired stores a link's expiry event unless one was stored already, and says whether it did.
type eventStore interface {
	RecordEvents(ctx context.Context, evs []Event) error
	RecordExpired(ctx context.Context, ev Event) (bool, error)
	// LinkEvents returns up to limit events of a link with sequence after after, oldest first; with
	// newestFirst, those before after (0: from the newest), newest first.
	LinkEvents(ctx context.Context, bucketID, linkID string, after int64, limit int, newestFirst bool) ([]Event, error)
	// UnnotedExpiredLinks returns up to limit links expired at now whose expiry is not recorded yet.
	UnnotedExpiredLinks(ctx context.Context, now int64, limit int) ([]Link, error)
	// PurgeEvents deletes events from before a time whose link no longer exists and has no tombstone
	// (a revoked link's history goes with its tombstone, see revokedStore).
	PurgeEvents(ctx context.Context, before int64) (int, error)
}

// Link event types: what happened to a link, for its history, webhooks and metrics.
const (
	EventCreated       = "created"
	EventSent          = "sent"
	EventOpened        = "opened"         // the portal page of the link was viewed
	EventCodeRequested = "code_requested" // Method says email or SMS, Detail the masked address
	EventSignedIn      = "signed_in"      // Method says how
	EventFailedAttempt = "failed_attempt" // a wrong password or code, or one refused by the limits
	EventDownloaded    = "file_downloaded"
	EventZipDownloaded = "zip_downloaded"
	EventUploaded      = "file_uploaded"
	EventRenamed       = "renamed"
	EventDeleted       = "deleted"
	EventLimitReached  = "access_limit_reached"
	EventRevoked       = "revoked"
	EventExpired       = "expired"
	EventEdited        = "edited" // staff changed expiry, limit or recipients; Detail says what, addresses masked
)

// EventTypes lists every event type, in the order a link's life usually runs.
func EventTypes() []string {
	return []string{EventCreated, EventSent, EventOpened, EventCodeRequested, EventSignedIn, EventFailedAttempt,
		EventDownloaded, EventZipDownloaded, EventUploaded, EventRenamed, EventDeleted, EventLimitReached,
		EventRevoked, EventExpired, EventEdited}
}

// Event outcomes, where an event can go more than one way.
const (
	OutcomeFailed  = "failed"  // a code or email could not be delivered; a wrong secret
	OutcomeRefused = "refused" // a limit was reached before anything was checked
)

// Event is one thing that happened to a link. It never holds a token, a secret or a code; the address
// a code went to is masked. Staff see the address a link was sent to (Detail of EventSent), as they
// see it on the link itself.
type Event struct {
	Seq        int64 // store order; set when read back
	ID         string
	LinkID     string
	BucketID   string
	Type       string
	At         time.Time
	Actor      string // staff email or API token name for staff actions, "recipient", or "sweeper"
	Client     string // the recipient's network address, for portal events
	Method     string // password, email_otp or sms_otp
	ObjectID   string
	ObjectName string
	// Detail is the history's description, written when the event happens and stored with it: an
	// audit record of what was true then (a masked address, a count), returned as it is by the
	// events API, whose history page in the console shows it. It is data, not wording a reader could
	// redo: the facts behind it are not kept.
	Detail  string
	Outcome string // "", OutcomeFailed or OutcomeRefused
}

type clientKey struct{}
type actorKey struct{}

// WithClient records the network address of the person behind a request, for the events it causes.
func WithClient(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientKey{}, addr)
}

// WithActor records who (a staff email, an API token's name) is behind a request, for its events.
func WithActor(ctx context.Context, who string) context.Context {
	return context.WithValue(ctx, actorKey{}, who)
}

func clientFrom(ctx context.Context) string { v, _ := ctx.Value(clientKey{}).(string); return v }
func actorFrom(ctx context.Context) string  { v, _ := ctx.Value(actorKey{}).(string); return v }

// event makes an event of l at now, filling in who and from where from ctx.
func (s *Service) event(ctx context.Context, l Link, typ string) Event {
	return Event{
		ID:       NewID("evt_"),
		LinkID:   l.ID,
		BucketID: l.BucketID,
		Type:     typ,
		At:       s.now(),
		Actor:    actorFrom(ctx),
		Client:   clientFrom(ctx),
	}
}

// recipientEvent is an event caused by the link's recipient in the portal.
func (s *Service) recipientEvent(ctx context.Context, l Link, typ string) Event {
	ev := s.event(ctx, l, typ)
	ev.Actor = "recipient"
	return ev
}

// record writes events that go with no other change. A failure to record is logged, not returned: the
// recipient's download or the sender's action already happened and must not fail for it.
func (s *Service) record(ctx context.Context, evs ...Event) {
	if len(evs) == 0 {
		return
	}
	if err := s.store.RecordEvents(context.WithoutCancel(ctx), evs); err != nil {
		s.cfg.Logger.ErrorContext(
			ctx,
			"link event not recorded",
			"type",
			evs[0].Type,
			"link",
			evs[0].LinkID,
			"err",
			err,
		)
		return
	}
	s.written(evs)
}

// written tells the observer (metrics, webhook delivery) about events that are stored.
func (s *Service) written(evs []Event) {
	if s.cfg.OnEvents != nil && len(evs) > 0 {
		s.cfg.OnEvents(evs)
	}
}

// LinkOpened records that the recipient viewed the link's page, or, when the link can no longer be
// used, what the refusal means (its expiry, its used-up limit) and returns why (see Usable).
func (s *Service) LinkOpened(ctx context.Context, l Link) error {
	if err := s.Usable(l); err != nil {
		s.refused(ctx, l, err)
		return err
	}
	s.record(ctx, s.recipientEvent(ctx, l, EventOpened))
	return nil
}

// FileDownloaded records a recipient's download of one file.
func (s *Service) FileDownloaded(ctx context.Context, l Link, o Object) {
	ev := s.recipientEvent(ctx, l, EventDownloaded)
	ev.ObjectID, ev.ObjectName = o.ID, o.Name
	s.record(ctx, ev)
}

// ZipDownloaded records a recipient's download of several items as one archive.
func (s *Service) ZipDownloaded(ctx context.Context, l Link, objs []Object) {
	ev := s.recipientEvent(ctx, l, EventZipDownloaded)
	names := make([]string, 0, len(objs))
	for _, o := range objs {
		names = append(names, o.Name)
	}
	if len(objs) == 1 {
		ev.ObjectID = objs[0].ID
	}
	ev.ObjectName = joinNames(names, 300)
	ev.Detail = countOf(len(objs), "item")
	s.record(ctx, ev)
}

// joinNames lists names up to about limit bytes, saying how many more there were.
func joinNames(names []string, limit int) string {
	out := ""
	for i, n := range names {
		if len(out)+len(n) > limit {
			return out + ", and " + countOf(len(names)-i, "more")
		}
		if out != "" {
			out += ", "
		}
		out += n
	}
	return out
}

// noteExpired records the link's expiry once, the first time anyone sees it expired.
func (s *Service) noteExpired(ctx context.Context, l Link) {
	ev := s.event(ctx, l, EventExpired)
	ev.At = s.now()
	ok, err := s.store.RecordExpired(context.WithoutCancel(ctx), ev)
	if err != nil {
		s.cfg.Logger.ErrorContext(ctx, "link expiry not recorded", "link", l.ID, "err", err)
		return
	}
	if ok {
		s.written([]Event{ev})
	}
}

// refused records what a refusal of l means for its history: its expiry, or its access limit.
func (s *Service) refused(ctx context.Context, l Link, err error) {
	switch l.Status(s.now()) {
	case "expired":
		s.noteExpired(ctx, l)
	case "exhausted":
		if IsCode(err, CodeGone) {
			ev := s.recipientEvent(ctx, l, EventFailedAttempt)
			ev.Outcome, ev.Detail = OutcomeRefused, "access limit reached"
			s.record(ctx, ev)
		}
	}
}

// EventsRequest asks for a page of one link's events, oldest first, after the event with sequence
// After (0: from the start); with NewestFirst, newest first, before After (0: from the newest), as a
// timeline shows them.
type EventsRequest struct {
	BucketID    string
	LinkID      string
	After       int64
	Size        int
	NewestFirst bool
}

// MaxEventsPage is the largest page of events one request may ask for.
const MaxEventsPage = 1000

// LinkEvents returns a page of a link's events; the link may have been revoked meanwhile, its history
// stays until the retention ends. more says whether events follow the page.
func (s *Service) LinkEvents(ctx context.Context, r EventsRequest) (evs []Event, more bool, err error) {
	bucketID, err := s.bucket(ctx, r.BucketID)
	if err != nil {
		return nil, false, err
	}
	if r.Size <= 0 {
		r.Size = 100
	}
	if r.Size > MaxEventsPage {
		return nil, false, Invalid("BadFormat", "/size", "must be at most 1000")
	}
	evs, err = s.store.LinkEvents(ctx, bucketID, r.LinkID, r.After, r.Size+1, r.NewestFirst)
	if err != nil {
		return nil, false, err
	}
	if len(evs) > r.Size {
		return evs[:r.Size], true, nil
	}
	return evs, false, nil
}

// Served tells the observer that n file bytes went out to a client.
func (s *Service) Served(n int64) {
	if s.cfg.OnBytes != nil && n > 0 {
		s.cfg.OnBytes(false, n)
	}
}

// countOf reads "an item", "3 items", "2 more" in an event's detail (stored data, see Event.Detail).
func countOf(n int, noun string) string {
	switch {
	case n == 1 && noun == "more":
		return "1 more"
	case n == 1:
		return "an " + noun
	default:
		if noun == "more" {
			return fmt.Sprintf("%d more", n)
		}
		return fmt.Sprintf("%d %ss", n, noun)
	}
}
