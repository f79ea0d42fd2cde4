package share

import (
	"context"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
	"unicode"
)

// LinkInput is one link to create. Nil pointers take the configured defaults.
type LinkInput struct {
	Targets        []string
	LinkType       string
	ExpiresAt      *time.Time
	MaxAccessCount *int
	Authenticators []Authenticator
	Title          string
	Message        string
	Tags           []string
	RecipientEmail string
	SenderEmail    string
	SenderName     string
}

var phonePattern = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// ValidEmail reports whether s is a bare email address (no display name), with no control or invisible
// formatting characters (direction controls, zero-width spaces), which would show it as another address.
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && len(s) <= 254 &&
		!strings.ContainsFunc(s, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) })
}

// CreateLinks validates every item and creates all links, or none.
func (s *Service) CreateLinks(ctx context.Context, bucketID string, items []LinkInput) ([]Link, error) {
	bucketID, err := s.bucket(ctx, bucketID)
	if err != nil {
		return nil, err
	}
	now := s.now()
	var v Validation
	links := make([]Link, 0, len(items))
	for i, in := range items {
		links = append(links, s.newLink(ctx, bucketID, now, in, fmt.Sprintf("/links/%d", i), &v))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	hashPasswords(links)
	evs := make([]Event, len(links))
	for i, l := range links {
		evs[i] = s.event(ctx, l, EventCreated)
		if evs[i].Actor == "" {
			evs[i].Actor = l.SenderEmail
		}
		evs[i].Detail = l.LinkType
	}
	if err := s.store.InsertLinks(ctx, links, evs); err != nil {
		return nil, err
	}
	s.written(evs)
	for _, l := range links {
		if l.RecipientEmail != "" {
			err := s.sendLinkEmail(ctx, l.displayable())
			if err != nil {
				// The links exist and are returned; the sender can resend with link/send.
				s.cfg.Logger.ErrorContext(ctx, "link email not sent", "link", l.ID, "err", err)
			}
			s.record(ctx, s.sentEvent(ctx, l, l.RecipientEmail, l.SenderEmail, err))
		}
	}
	return links, nil
}

// newLink builds the link item in asks for, with its token, adding each problem under src to v.
func (s *Service) newLink(ctx context.Context, bucketID string, now time.Time, in LinkInput, src string,
	v *Validation) Link {
	l := Link{ID: NewID("psl_"), BucketID: bucketID, LinkType: in.LinkType, CreatedAt: now, Title: in.Title,
		Message: in.Message, Tags: dedupe(in.Tags), RecipientEmail: in.RecipientEmail, SenderEmail: in.SenderEmail,
		SenderName: in.SenderName, Targets: dedupe(in.Targets)}
	if l.LinkType == "" {
		l.LinkType = LinkDownload
	}
	s.checkTargets(ctx, bucketID, l.LinkType, in.Targets, src, v)
	l.MaxAccessCount = s.maxAccessCount(in.MaxAccessCount, src, v)
	l.ExpiresAt = s.expiresAt(now, in.ExpiresAt, src, v)
	l.Authenticators = checkAuthenticators(in.Authenticators, src, v)
	checkLinkTexts(in, src, v)
	token, hash, sealed := s.keys.NewLinkToken(l.ID)
	l.TokenHash, l.TokenSealed, l.URL = hash, sealed, s.linkURL(token)
	return l
}

// maxAccessCount is the asked-for limit within this server's bounds, or the server's default.
func (s *Service) maxAccessCount(asked *int, src string, v *Validation) int {
	if asked == nil {
		return s.cfg.DefaultMaxAccess
	}
	if *asked < 1 {
		v.Add("BadFormat", src+"/max_access_count", "must be at least 1")
	} else if *asked > s.cfg.MaxAccessLimit {
		v.Add("BadState", src+"/max_access_count",
			fmt.Sprintf("must be at most %d on this server", s.cfg.MaxAccessLimit))
	}
	return *asked
}

// expiresAt is the asked-for expiry, in the future and within this server's bounds, or the default.
func (s *Service) expiresAt(now time.Time, asked *time.Time, src string, v *Validation) time.Time {
	if asked == nil {
		return now.Add(s.cfg.DefaultExpiry)
	}
	t := asked.UTC().Truncate(time.Microsecond)
	if !t.After(now) {
		v.Add("BadState", src+"/expires_at", "must be in the future")
	} else if t.After(now.Add(s.cfg.MaxExpiry)) {
		v.Add("BadState", src+"/expires_at",
			fmt.Sprintf("must be at most %s from now on this server", humanDuration(s.cfg.MaxExpiry)))
	}
	return t
}

// checkAuthenticators checks each way of proving identity. Passwords stay in clear here and are hashed
// by hashPasswords once the whole batch is valid: argon2id is deliberately expensive.
func checkAuthenticators(in []Authenticator, src string, v *Validation) []Authenticator {
	var out []Authenticator
	for j, a := range in {
		if checkAuthenticator(a, fmt.Sprintf("%s/authenticators/%d", src, j), v) {
			out = append(out, Authenticator{Type: a.Type, Context: a.Context})
		}
	}
	return out
}

// checkAuthenticator checks one way of proving identity, at src, and reports whether its type is known.
func checkAuthenticator(a Authenticator, src string, v *Validation) bool {
	asrc := src + "/auth_context"
	switch a.Type {
	case AuthEmailOTP:
		if !ValidEmail(a.Context) {
			v.Add("BadFormat", asrc, "must be an email address such as name@example.com")
		}
	case AuthSMSOTP:
		if !phonePattern.MatchString(a.Context) {
			v.Add("BadFormat", asrc, "must be a phone number in international form, such as +15551234567")
		}
	case AuthPassword:
		if n := len([]rune(a.Context)); n < 8 {
			v.Add("BelowMinLength", asrc, "a password must have at least 8 characters")
			return false
		} else if n > 128 {
			v.Add("AboveMaxLength", asrc, "a password must have at most 128 characters")
			return false
		}
	default:
		v.Add("NotEnumMember", src+"/auth_type", "must be email_otp, sms_otp or password")
		return false
	}
	return true
}

// checkLinkTexts refuses direction controls in what recipients read, and malformed send addresses.
func checkLinkTexts(in LinkInput, src string, v *Validation) {
	texts := []struct{ text, src string }{{in.Title, "/title"}, {in.Message, "/message"},
		{in.SenderName, "/send_params/sender_name"}}
	for _, f := range texts {
		if HasBidiControl(f.text) {
			v.Add("BadFormat", src+f.src, BidiProblem)
		}
	}
	for j, tag := range in.Tags {
		if HasBidiControl(tag) {
			v.Add("BadFormat", fmt.Sprintf("%s/tags/%d", src, j), BidiProblem)
		}
	}
	if in.RecipientEmail != "" && !ValidEmail(in.RecipientEmail) {
		v.Add("BadFormat", src+"/send_params/recipient_email", "must be an email address")
	}
	if in.SenderEmail != "" && !ValidEmail(in.SenderEmail) {
		v.Add("BadFormat", src+"/send_params/sender_email", "must be an email address")
	}
}

// hashPasswords replaces each password with its hash, hashing each distinct password in the request
// once, which bounds the cost of one request.
func hashPasswords(links []Link) {
	hashes := map[string]string{}
	for i := range links {
		for j, a := range links[i].Authenticators {
			if a.Type != AuthPassword {
				continue
			}
			h, ok := hashes[a.Context]
			if !ok {
				h = HashPassword(a.Context)
				hashes[a.Context] = h
			}
			links[i].Authenticators[j] = Authenticator{Type: AuthPassword, Hash: h}
		}
	}
}

func (s *Service) checkTargets(
	ctx context.Context,
	bucketID, linkType string,
	targets []string,
	src string,
	v *Validation,
) {
	for j, id := range targets {
		o, err := s.store.Object(ctx, bucketID, id)
		tsrc := fmt.Sprintf("%s/targets/%d", src, j)
		switch {
		case isNotFound(err):
			v.Add("DoesNotExist", tsrc, fmt.Sprintf("no file or folder %s in this bucket", id))
		case err != nil:
			v.Add("DoesNotExist", tsrc, "could not be checked")
			s.cfg.Logger.ErrorContext(ctx, "check link target", "target", id, "err", err)
		case linkType == LinkUpload && o.Type != TypeFolder:
			v.Add("BadState", tsrc, fmt.Sprintf("upload links can only target folders; %q is a file", o.Name))
		}
	}
}

func humanDuration(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return d.String()
}
