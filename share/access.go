package share

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"time"

	"github.com/sharedesk/sharedesk/notify"
)

// accessStore keeps what a recipient does to open a link: accesses, codes, attempts and sessions, each
// limit reserved in one conditional statement.
type accessStore interface {
	LinkByTokenHash(ctx context.Context, hash string) (Link, error)
	// ConsumeAccess counts one access within the link's limit and expiry and, when it does, stores ev
	// with it, and limitEv too when that access was the last one allowed.
	ConsumeAccess(ctx context.Context, linkID string, now int64, ev, limitEv Event) (bool, error)
	// InsertOTP stores a code unless limit codes were issued for the link since a time (atomically).
	InsertOTP(ctx context.Context, c OTP, since int64, limit int) (bool, error)
	LatestOTP(ctx context.Context, linkID string, authIndex int) (OTP, error)
	// TryOTP counts a try against a live code before it is compared (atomically, at most maxAttempts).
	TryOTP(ctx context.Context, id string, now int64, maxAttempts int) (tries int, ok bool, err error)
	UseOTP(ctx context.Context, id string, now int64) (bool, error)
	// ReserveAuthAttempt records an attempt, pending, before the secret is checked, unless the link or
	// the client already has its limit of attempts since a time (atomically, across instances); a
	// refusal says whether failures fill the limit or attempts still pending (those reserved before
	// stale count as failures).
	ReserveAuthAttempt(
		ctx context.Context,
		linkID, client string,
		at, since, stale int64,
		perLink, perClient int,
	) (Reservation, error)
	// FailAuthAttempt turns a pending attempt into a failure; ReleaseAuthAttempt removes it.
	FailAuthAttempt(ctx context.Context, linkID, client string, at int64) error
	ReleaseAuthAttempt(ctx context.Context, linkID, client string, at int64) error
	InsertPortalSession(ctx context.Context, p PortalSession) error
	PortalSession(ctx context.Context, idHash string) (PortalSession, error)
	DeletePortalSession(ctx context.Context, idHash string) error
}

// Recipient access rules.
const (
	OTPLifetime        = 10 * time.Minute
	OTPMaxAttempts     = 5
	OTPPerLinkPerHour  = 5
	PortalSessionMax   = time.Hour
	FailureWindow      = 15 * time.Minute
	MaxFailuresPerLink = 10 // wrong passwords or codes against one link in FailureWindow
	MaxFailuresPerIP   = 20 // from one client address, across links, in FailureWindow
)

// Portal error codes (never sent through the API).
const (
	CodeGone       = "Gone"
	CodeTooMany    = "TooManyRequests"
	CodeBusy       = "Busy" // other sign-ins to the link are being checked: try again in a moment
	CodeAuthFailed = "AuthenticationFailed"
	CodeNotAllowed = "NotAllowed" // the link's type does not allow this action
)

// OpenLink finds the link behind a URL token, whatever its state; the caller shows expired and used-up
// links their own page. Unknown and revoked links are NotFound.
func (s *Service) OpenLink(ctx context.Context, token string) (Link, error) {
	if token == "" || len(token) > 64 {
		return Link{}, refuse(CodeNotFound, ReasonNoSuchLink)
	}
	l, err := s.store.LinkByTokenHash(ctx, hashToken(token))
	if isNotFound(err) {
		return Link{}, refuse(CodeNotFound, ReasonNoSuchLink)
	}
	if err != nil {
		return Link{}, err
	}
	return s.withURL(l), nil
}

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.now() }

// Usable says why recipients can no longer open a link (CodeGone), or nil while they can.
func (s *Service) Usable(l Link) error {
	switch l.Status(s.now()) {
	case "expired":
		return expiredError(l)
	case "exhausted":
		e := refuse(CodeGone, ReasonUsedUp)
		e.Count = l.MaxAccessCount
		return e
	}
	return nil
}

func expiredError(l Link) error {
	e := refuse(CodeGone, ReasonExpired)
	e.At = l.ExpiresAt
	return e
}

func (s *Service) authenticator(l Link, i int, types ...string) (Authenticator, error) {
	if i < 0 || i >= len(l.Authenticators) {
		return Authenticator{}, refuse(CodeAuthFailed, ReasonChooseAuth)
	}
	a := l.Authenticators[i]
	for _, t := range types {
		if a.Type == t {
			return a, nil
		}
	}
	return Authenticator{}, refuse(CodeAuthFailed, ReasonChooseAuth)
}

func (s *Service) otpHash(linkID string, authIndex int, code string) string {
	m := hmac.New(sha256.New, s.keys.signed)
	fmt.Fprintf(m, "otp|%s|%d|%s", linkID, authIndex, code)
	return hex.EncodeToString(m.Sum(nil))
}

// CodeDelivery says where a code went, for the page that asks for it.
type CodeDelivery struct {
	Outbox bool // no sender is configured: the code is in the outbox (demo)
}

// SendCode issues a new 6-digit code for an email or SMS authenticator and delivers it.
func (s *Service) SendCode(ctx context.Context, l Link, authIndex int) (CodeDelivery, error) {
	if err := s.Usable(l); err != nil {
		s.refused(ctx, l, err)
		return CodeDelivery{}, err
	}
	a, err := s.authenticator(l, authIndex, AuthEmailOTP, AuthSMSOTP)
	if err != nil {
		return CodeDelivery{}, err
	}
	now := s.now()
	num, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return CodeDelivery{}, err
	}
	code := fmt.Sprintf("%06d", num.Int64())
	otp := OTP{ID: NewID("otp_"), LinkID: l.ID, AuthIndex: authIndex, CodeHash: s.otpHash(l.ID, authIndex, code),
		CreatedAt: Micros(now), ExpiresAt: Micros(now.Add(OTPLifetime))}
	stored, err := s.store.InsertOTP(ctx, otp, Micros(now.Add(-time.Hour)), OTPPerLinkPerHour)
	if err != nil {
		return CodeDelivery{}, err
	}
	ev := s.recipientEvent(ctx, l, EventCodeRequested)
	ev.Method, ev.Detail = a.Type, MaskEmail(a.Context)
	if a.Type == AuthSMSOTP {
		ev.Detail = MaskPhone(a.Context)
	}
	if !stored {
		ev.Outcome = OutcomeRefused
		s.record(ctx, ev)
		return CodeDelivery{}, refuse(CodeTooMany, ReasonTooManyCodes)
	}
	if s.cfg.Composer == nil {
		s.cfg.Logger.ErrorContext(ctx, "code not delivered", "link", l.ID, "err", errNoComposer)
		return CodeDelivery{}, refuse(CodeProvider, ReasonCodeNotSent)
	}
	cm := CodeMessage{Kind: notify.KindEmail, To: a.Context, LinkTitle: Displayable(l.Title), Code: code}
	sender := s.cfg.Sender
	if a.Type == AuthSMSOTP {
		cm.Kind, sender = notify.KindSMS, s.cfg.SMS
	}
	msg := s.cfg.Composer.CodeMessage(cm)
	var d CodeDelivery
	_, d.Outbox = sender.(notify.Outbox)
	if err := sender.Send(ctx, msg); err != nil {
		s.cfg.Logger.ErrorContext(ctx, "code not delivered", "link", l.ID, "kind", msg.Kind, "err", err)
		ev.Outcome = OutcomeFailed
		s.record(ctx, ev)
		return CodeDelivery{}, refuse(CodeProvider, ReasonCodeNotSent)
	}
	s.record(ctx, ev)
	s.cfg.Logger.InfoContext(ctx, "code sent", "link", l.ID, "auth_index", authIndex, "kind", msg.Kind)
	return d, nil
}

// attempt is one authentication attempt counted against the failure limits before its secret is
// checked.
type attempt struct {
	linkID, client string
	at             int64
}

// staleAttempt is how long an attempt may stay pending before it counts as a failure: a check takes
// well under a second, so one pending this long was never finished (the process stopped).
const staleAttempt = time.Minute

// reserveAttempt counts an attempt against the link's and the client's limits before the secret is
// checked, in one atomic step in the store: the limits then hold for a concurrent burst exactly as for
// a sequential one, and no expensive check runs past them. The caller settles the reservation: kept
// as a failure, or released when the secret was right (or never checked).
//
// Attempts still being checked count against the limits too (that is what makes them exact), but they
// are not failures: when only they fill a limit, this waits for them to settle (up to
// Config.AttemptWait) and tries again, and then answers Busy, never "too many wrong attempts".
//
// recheck, when set, runs before each look after a wait: an error from it (the code died meanwhile)
// ends the wait with that answer.
func (s *Service) reserveAttempt(
	ctx context.Context,
	l Link,
	client, method string,
	recheck func() error,
) (attempt, error) {
	giveUp := time.Now().Add(s.cfg.AttemptWait)
	seen := s.settled.count()
	waited := false
	for {
		if waited {
			// Attempts are settling, so the wait is going somewhere: it runs out only after
			// AttemptWait without any.
			if n := s.settled.count(); n != seen {
				seen, giveUp = n, time.Now().Add(s.cfg.AttemptWait)
			}
			if recheck != nil {
				if err := recheck(); err != nil {
					s.settled.notifyAll()
					return attempt{}, err
				}
			}
		}
		// Queued before the look, so a settling between the look and the wait is not missed.
		wake := s.settled.wait()
		now := s.now()
		a := attempt{linkID: l.ID, client: client, at: Micros(now)}
		res, err := s.store.ReserveAuthAttempt(ctx, a.linkID, a.client, a.at, Micros(now.Add(-FailureWindow)),
			Micros(now.Add(-staleAttempt)), MaxFailuresPerLink, MaxFailuresPerIP)
		if err == nil && res == ReservedBusy {
			if left := time.Until(giveUp); left > 0 {
				// Attempts settled by another instance wake nobody here: look again now and then.
				t := time.NewTimer(min(left, time.Second))
				select {
				case <-wake:
					t.Stop()
					waited = true
					continue
				case <-t.C:
					s.settled.leave(wake)
					waited = true
					continue
				case <-ctx.Done():
					t.Stop()
					s.settled.leave(wake)
					return attempt{}, ctx.Err()
				}
			}
		}
		s.settled.leave(wake)
		switch {
		case waited && err == nil && res == ReservedRefused:
			// Failures fill a limit now: everyone waiting may as well learn it at once.
			s.settled.notifyAll()
		case waited && res != Reserved:
			// This one was woken and goes away without an attempt of its own to settle: pass the
			// wake on, so the others waiting learn where things stand.
			s.settled.notify()
		}
		switch {
		case err != nil:
			return attempt{}, err
		case res == Reserved:
			return a, nil
		case res == ReservedBusy:
			s.cfg.Logger.InfoContext(ctx, "recipient authentication busy", "link", l.ID, "client", client)
			return attempt{}, refuse(CodeBusy, ReasonBusy)
		}
		s.cfg.Logger.WarnContext(ctx, "recipient authentication throttled", "link", l.ID, "client", client)
		// Counted (metrics) but not stored: a flood of refused guesses must not turn into a flood of
		// writes; the wrong guesses that led here are in the history already.
		ev := s.recipientEvent(ctx, l, EventFailedAttempt)
		ev.Client, ev.Method, ev.Outcome, ev.Detail = client, method, OutcomeRefused, "too many wrong attempts"
		s.written([]Event{ev})
		return attempt{}, refuse(CodeTooMany, ReasonTooManyTries)
	}
}

// settle ends a reserved attempt: kept as a failure, or taken back when the secret was right (or was
// never checked), so only failures count. It runs even when the client has gone away: an attempt left
// pending would hold back others until it goes stale.
func (s *Service) settle(ctx context.Context, a attempt, failure bool) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var err error
	if failure {
		err = s.store.FailAuthAttempt(ctx, a.linkID, a.client, a.at)
	} else {
		err = s.store.ReleaseAuthAttempt(ctx, a.linkID, a.client, a.at)
	}
	if err != nil {
		s.cfg.Logger.ErrorContext(ctx, "settle attempt", "err", err)
	}
	s.settled.notify()
}

// signal wakes waiters one at a time, in order: each settled attempt frees at most one slot, so
// waking everyone would only make them all look again (and write) for nothing.
type signal struct {
	mu sync.Mutex
	q  []chan struct{}
	n  uint64 // notifications so far
}

// count returns how many notifications there have been.
func (g *signal) count() uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.n
}

// notifyAll wakes every waiter.
func (g *signal) notifyAll() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n++
	for _, c := range g.q {
		close(c)
	}
	g.q = nil
}

// wait queues a waiter; its channel closes when it is woken.
func (g *signal) wait() chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	ch := make(chan struct{})
	g.q = append(g.q, ch)
	return ch
}

// leave takes a waiter out of the queue; one already woken passes its wake on.
func (g *signal) leave(ch chan struct{}) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i, c := range g.q {
		if c == ch {
			g.q = append(g.q[:i], g.q[i+1:]...)
			return
		}
	}
	g.wakeLocked()
}

// notify wakes the longest waiting.
func (g *signal) notify() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n++
	g.wakeLocked()
}

func (g *signal) wakeLocked() {
	if len(g.q) > 0 {
		close(g.q[0])
		g.q = g.q[1:]
	}
}

func (s *Service) failed(ctx context.Context, l Link, client, method, why string) {
	s.cfg.Logger.WarnContext(ctx, "recipient authentication failed", "link", l.ID, "method", method, "client", client)
	ev := s.recipientEvent(ctx, l, EventFailedAttempt)
	ev.Client, ev.Method, ev.Outcome, ev.Detail = client, method, OutcomeFailed, why
	s.record(ctx, ev)
}

// SecretChecks returns how many passwords and codes have been compared with the stored ones since the
// service started, so tests can prove that no burst gets more checks than the limits allow.
func (s *Service) SecretChecks() int64 { return s.checks.Load() }

// VerifyCode checks a code and, when right, counts an access and starts a portal session whose
// secret it returns. After OTPMaxAttempts wrong tries a code is dead, even if the right one follows.
func (s *Service) VerifyCode(ctx context.Context, l Link, authIndex int, code, client string) (string, error) {
	if err := s.Usable(l); err != nil {
		s.refused(ctx, l, err)
		return "", err
	}
	auth, err := s.authenticator(l, authIndex, AuthEmailOTP, AuthSMSOTP)
	if err != nil {
		return "", err
	}
	c, err := s.store.LatestOTP(ctx, l.ID, authIndex)
	if isNotFound(err) {
		return "", refuse(CodeAuthFailed, ReasonNoCode)
	}
	if err != nil {
		return "", err
	}
	// A code that died while this waited (used, expired or out of tries) answers at once.
	dead := func() error {
		c, err := s.store.LatestOTP(ctx, l.ID, authIndex)
		switch {
		case err != nil:
			return err
		case c.UsedAt != 0 || Micros(s.now()) >= c.ExpiresAt || c.Attempts >= OTPMaxAttempts:
			return refuse(CodeAuthFailed, ReasonCodeDead)
		}
		return nil
	}
	a, err := s.reserveAttempt(ctx, l, client, auth.Type, dead)
	if err != nil {
		return "", err
	}
	wrong := true // until the code is found right, or was never compared
	defer func() { s.settle(ctx, a, wrong) }()
	now := Micros(s.now())
	tries, ok, err := s.store.TryOTP(ctx, c.ID, now, OTPMaxAttempts)
	if err != nil {
		return "", err
	}
	if !ok {
		// Nothing was compared: this is not a wrong guess.
		wrong = false
		switch {
		case c.UsedAt != 0:
			return "", refuse(CodeAuthFailed, ReasonCodeUsed)
		case now >= c.ExpiresAt:
			return "", refuse(CodeAuthFailed, ReasonCodeExpired)
		case c.Attempts < OTPMaxAttempts:
			return "", refuse(CodeAuthFailed, ReasonCodeDead)
		}
		return "", refuse(CodeAuthFailed, ReasonCodeTriesUsed)
	}
	s.checks.Add(1)
	code = strings.TrimSpace(strings.ReplaceAll(code, " ", ""))
	if subtle.ConstantTimeCompare([]byte(s.otpHash(l.ID, authIndex, code)), []byte(c.CodeHash)) != 1 {
		s.failed(ctx, l, client, auth.Type, "wrong code")
		if left := OTPMaxAttempts - tries; left > 0 {
			e := refuse(CodeAuthFailed, ReasonWrongCode)
			e.Count = left
			return "", e
		}
		return "", refuse(CodeAuthFailed, ReasonCodeBlocked)
	}
	wrong = false
	used, err := s.store.UseOTP(ctx, c.ID, now)
	if err != nil {
		return "", err
	}
	if !used {
		return "", refuse(CodeAuthFailed, ReasonCodeDead)
	}
	return s.startSession(ctx, l, auth.Type, maskedIdentity(auth), client)
}

// CheckPassword checks a password and, when right, counts an access and starts a portal session.
func (s *Service) CheckPassword(ctx context.Context, l Link, authIndex int, password, client string) (string, error) {
	if err := s.Usable(l); err != nil {
		s.refused(ctx, l, err)
		return "", err
	}
	a, err := s.authenticator(l, authIndex, AuthPassword)
	if err != nil {
		return "", err
	}
	att, err := s.reserveAttempt(ctx, l, client, AuthPassword, nil)
	if err != nil {
		return "", err
	}
	wrong := true // until the password is found right
	defer func() { s.settle(ctx, att, wrong) }()
	// argon2id takes 19 MiB and tens of milliseconds: bound how many run at once.
	select {
	case s.kdfSlots <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	s.checks.Add(1)
	ok := CheckPassword(a.Hash, password)
	<-s.kdfSlots
	if !ok {
		s.failed(ctx, l, client, AuthPassword, "wrong password")
		return "", refuse(CodeAuthFailed, ReasonWrongPassword)
	}
	wrong = false
	return s.startSession(ctx, l, AuthPassword, "", client)
}

// maskedIdentity is how the history shows which email or phone signed in.
func maskedIdentity(a Authenticator) string {
	switch a.Type {
	case AuthEmailOTP:
		return MaskEmail(a.Context)
	case AuthSMSOTP:
		return MaskPhone(a.Context)
	}
	return ""
}

// StartSession counts one access (refused past the limit or expiry) and returns a new session secret.
func (s *Service) StartSession(ctx context.Context, l Link) (string, error) {
	return s.startSession(ctx, l, "", "", clientFrom(ctx))
}

// startSession is StartSession recording how the recipient signed in, with the access it counts.
func (s *Service) startSession(ctx context.Context, l Link, method, identity, client string) (string, error) {
	now := s.now()
	ev := s.recipientEvent(ctx, l, EventSignedIn)
	ev.Method, ev.Detail = method, identity
	if client != "" {
		ev.Client = client
	}
	limitEv := s.recipientEvent(ctx, l, EventLimitReached)
	limitEv.Client = ev.Client
	ok, err := s.store.ConsumeAccess(ctx, l.ID, Micros(now), ev, limitEv)
	if err != nil {
		return "", err
	}
	if !ok {
		// The conditional update refused: the link expired, or its limit was reached meanwhile.
		if l.Status(now) == "active" {
			l.AccessCount = l.MaxAccessCount
		}
		err := s.Usable(l)
		s.refused(ctx, l, err)
		return "", err
	}
	s.written([]Event{ev})
	if l.AccessCount+1 >= l.MaxAccessCount {
		s.written([]Event{limitEv}) // the store wrote it with the access when the count reached the limit
	}
	secret := randomString()
	expires := now.Add(PortalSessionMax)
	if l.ExpiresAt.Before(expires) {
		expires = l.ExpiresAt
	}
	ps := PortalSession{IDHash: hashToken(secret), LinkID: l.ID, CreatedAt: Micros(now), ExpiresAt: Micros(expires)}
	if err := s.store.InsertPortalSession(ctx, ps); err != nil {
		return "", err
	}
	s.cfg.Logger.InfoContext(ctx, "recipient signed in", "link", l.ID)
	return secret, nil
}

// Session returns the link of a live portal session. A revoked link, an expired link or an expired
// session all end it.
func (s *Service) Session(ctx context.Context, secret string) (Link, error) {
	gone := refuse(CodeNotFound, ReasonSessionEnded)
	if secret == "" {
		return Link{}, gone
	}
	p, err := s.store.PortalSession(ctx, hashToken(secret))
	if isNotFound(err) {
		return Link{}, gone
	}
	if err != nil {
		return Link{}, err
	}
	l, err := s.store.Link(ctx, s.defaultBucket.ID, p.LinkID)
	if isNotFound(err) {
		l, err = s.linkAnyBucket(ctx, p.LinkID)
	}
	if isNotFound(err) {
		return Link{}, refuse(CodeNotFound, ReasonRevoked)
	}
	if err != nil {
		return Link{}, err
	}
	if !s.now().Before(l.ExpiresAt) {
		return Link{}, expiredError(l)
	}
	if Micros(s.now()) >= p.ExpiresAt {
		_ = s.store.DeletePortalSession(ctx, p.IDHash)
		return Link{}, gone
	}
	return s.withURL(l), nil
}

func (s *Service) linkAnyBucket(ctx context.Context, id string) (Link, error) {
	bs, err := s.store.Buckets(ctx)
	if err != nil {
		return Link{}, err
	}
	for _, b := range bs {
		l, err := s.store.Link(ctx, b.ID, id)
		if err == nil || !isNotFound(err) {
			return l, err
		}
	}
	return Link{}, ErrNotFound
}

// EndSession signs a recipient out.
func (s *Service) EndSession(ctx context.Context, secret string) error {
	return s.store.DeletePortalSession(ctx, hashToken(secret))
}

// errorCode returns the code of a *Error, or "".
func errorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// IsCode reports whether err is a *Error with the given code.
func IsCode(err error, code string) bool { return errorCode(err) == code }
