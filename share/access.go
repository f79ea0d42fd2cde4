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
		return Link{}, Refuse(CodeNotFound, ReasonNoSuchLink)
	}
	l, err := s.store.LinkByTokenHash(ctx, hashToken(token))
	if isNotFound(err) {
		return Link{}, Refuse(CodeNotFound, ReasonNoSuchLink)
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
		e := Refuse(CodeGone, ReasonUsedUp)
		e.Count = l.MaxAccessCount
		return e
	}
	return nil
}

func expiredError(l Link) error {
	e := Refuse(CodeGone, ReasonExpired)
	e.At = l.ExpiresAt
	return e
}

func (s *Service) authenticator(l Link, i int, types ...string) (Authenticator, error) {
	if i < 0 || i >= len(l.Authenticators) {
		return Authenticator{}, Refuse(CodeAuthFailed, ReasonChooseAuth)
	}
	a := l.Authenticators[i]
	for _, t := range types {
		if a.Type == t {
			return a, nil
		}
	}
	return Authenticator{}, Refuse(CodeAuthFailed, ReasonChooseAuth)
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
	ev.Method, ev.Detail = a.Type, a.Masked()
	if !stored {
		ev.Outcome = OutcomeRefused
		s.record(ctx, ev)
		return CodeDelivery{}, Refuse(CodeTooMany, ReasonTooManyCodes)
	}
	if s.cfg.Composer == nil {
		s.cfg.Logger.ErrorContext(ctx, "code not delivered", "link", l.ID, "err", errNoComposer)
		return CodeDelivery{}, Refuse(CodeProvider, ReasonCodeNotSent)
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
		return CodeDelivery{}, Refuse(CodeProvider, ReasonCodeNotSent)
	}
	s.record(ctx, ev)
	s.cfg.Logger.InfoContext(ctx, "code sent", "link", l.ID, "auth_index", authIndex, "kind", msg.Kind)
	return d, nil
}

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
		return "", Refuse(CodeAuthFailed, ReasonNoCode)
	}
	if err != nil {
		return "", err
	}
	a, err := s.reserveAttempt(ctx, l, client, auth.Type, s.codeDied(ctx, l.ID, authIndex))
	if err != nil {
		return "", err
	}
	wrong := true // until the code is found right, or was never compared
	defer func() { s.settle(ctx, a, wrong) }()
	now := Micros(s.now())
	if wrong, err = s.compareCode(ctx, l, auth.Type, c, code, client, now); err != nil {
		return "", err
	}
	used, err := s.store.UseOTP(ctx, c.ID, now)
	if err != nil {
		return "", err
	}
	if !used {
		return "", Refuse(CodeAuthFailed, ReasonCodeDead)
	}
	return s.startSession(ctx, l, auth.Type, auth.Masked(), client)
}

// codeDied is the recheck of a reservation's wait: a code that died while it waited (used, expired or
// out of tries) answers at once.
func (s *Service) codeDied(ctx context.Context, linkID string, authIndex int) func() error {
	return func() error {
		c, err := s.store.LatestOTP(ctx, linkID, authIndex)
		switch {
		case err != nil:
			return err
		case c.UsedAt != 0 || Micros(s.now()) >= c.ExpiresAt || c.Attempts >= OTPMaxAttempts:
			return Refuse(CodeAuthFailed, ReasonCodeDead)
		}
		return nil
	}
}

// compareCode counts a try against c and compares code with it. It reports whether this was a wrong
// guess: a code that could not be tried any more was never compared, so it is not.
func (s *Service) compareCode(
	ctx context.Context,
	l Link,
	method string,
	c OTP,
	code, client string,
	now int64,
) (wrong bool, err error) {
	tries, ok, err := s.store.TryOTP(ctx, c.ID, now, OTPMaxAttempts)
	if err != nil {
		return true, err
	}
	if !ok {
		// Nothing was compared: this is not a wrong guess.
		return false, untriedCode(c, now)
	}
	s.checks.Add(1)
	code = strings.TrimSpace(strings.ReplaceAll(code, " ", ""))
	if subtle.ConstantTimeCompare([]byte(s.otpHash(l.ID, c.AuthIndex, code)), []byte(c.CodeHash)) != 1 {
		s.failed(ctx, l, client, method, "wrong code")
		if left := OTPMaxAttempts - tries; left > 0 {
			e := Refuse(CodeAuthFailed, ReasonWrongCode)
			e.Count = left
			return true, e
		}
		return true, Refuse(CodeAuthFailed, ReasonCodeBlocked)
	}
	return false, nil
}

// untriedCode is why a code the store would not count a try against is refused.
func untriedCode(c OTP, now int64) error {
	switch {
	case c.UsedAt != 0:
		return Refuse(CodeAuthFailed, ReasonCodeUsed)
	case now >= c.ExpiresAt:
		return Refuse(CodeAuthFailed, ReasonCodeExpired)
	case c.Attempts < OTPMaxAttempts:
		return Refuse(CodeAuthFailed, ReasonCodeDead)
	}
	return Refuse(CodeAuthFailed, ReasonCodeTriesUsed)
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
		return "", Refuse(CodeAuthFailed, ReasonWrongPassword)
	}
	wrong = false
	return s.startSession(ctx, l, AuthPassword, "", client)
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
