package share

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"
	"time"
)

// linkStore keeps share links.
type linkStore interface {
	InsertLinks(ctx context.Context, links []Link) error // all or nothing
	Link(ctx context.Context, bucketID, id string) (Link, error)
	LinksByID(ctx context.Context, bucketID string, ids []string) ([]Link, error)
	ListLinks(ctx context.Context, q ListQuery) ([]Link, int, error)
	DeleteLinks(ctx context.Context, bucketID string, ids []string) ([]Link, error) // all or nothing
	SetLinkRecipients(ctx context.Context, bucketID string, updates []LinkRecipient) ([]Link, error)
}

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

// SendItem asks for link ID to be emailed to Email.
type SendItem struct {
	ID    string
	Email string
}

var phonePattern = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// ValidEmail reports whether s is a bare email address (no display name).
func ValidEmail(s string) bool {
	a, err := mail.ParseAddress(s)
	return err == nil && a.Address == s && len(s) <= 254
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
	if err := s.store.InsertLinks(ctx, links); err != nil {
		return nil, err
	}
	for _, l := range links {
		if l.RecipientEmail != "" {
			if err := s.sendLinkEmail(ctx, l.displayable()); err != nil {
				// The links exist and are returned; the sender can resend with link/send.
				s.cfg.Logger.ErrorContext(ctx, "link email not sent", "link", l.ID, "err", err)
			}
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
		asrc := fmt.Sprintf("%s/authenticators/%d/auth_context", src, j)
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
				continue
			} else if n > 128 {
				v.Add("AboveMaxLength", asrc, "a password must have at most 128 characters")
				continue
			}
		default:
			v.Add("NotEnumMember", fmt.Sprintf("%s/authenticators/%d/auth_type", src, j),
				"must be email_otp, sms_otp or password")
			continue
		}
		out = append(out, Authenticator{Type: a.Type, Context: a.Context})
	}
	return out
}

// checkLinkTexts refuses direction controls in what recipients read, and malformed send addresses.
func checkLinkTexts(in LinkInput, src string, v *Validation) {
	texts := []struct{ text, src string }{{in.Title, "/title"}, {in.Message, "/message"},
		{in.SenderName, "/send_params/sender_name"}}
	for _, f := range texts {
		if HasBidiControl(f.text) {
			v.Add("BadFormat", src+f.src, bidiProblem)
		}
	}
	for j, tag := range in.Tags {
		if HasBidiControl(tag) {
			v.Add("BadFormat", fmt.Sprintf("%s/tags/%d", src, j), bidiProblem)
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

func (s *Service) linkURL(token string) string { return s.cfg.PublicURL + "/s/" + token }

// withURL fills in the link's URL from its sealed token.
func (s *Service) withURL(l Link) Link {
	token, err := s.keys.openToken(l.TokenSealed, l.ID)
	if err != nil {
		// A wrong --secret-key: the link still works for recipients holding the URL, but cannot be shown.
		s.cfg.Logger.Error("cannot open link token; was the secret key changed?", "link", l.ID)
		return l
	}
	l.URL = s.linkURL(token)
	return l
}

// GetLink returns one link.
func (s *Service) GetLink(ctx context.Context, bucketID, id string) (Link, error) {
	bucketID, err := s.bucket(ctx, bucketID)
	if err != nil {
		return Link{}, err
	}
	l, err := s.store.Link(ctx, bucketID, id)
	if isNotFound(err) {
		return Link{}, notFound("share link", id)
	}
	if err != nil {
		return Link{}, err
	}
	return s.withURL(l), nil
}

// tokenFromURL returns the token of a link URL (or the value itself when it is a bare token).
func tokenFromURL(u string) string {
	if i := strings.LastIndex(u, "/s/"); i >= 0 {
		u = u[i+3:]
	}
	return strings.TrimRight(u, "/")
}

// ListLinks lists links with filters, order and keyset paging.
func (s *Service) ListLinks(ctx context.Context, r ListRequest) (Page[Link], error) {
	bucketID, err := s.bucket(ctx, r.BucketID)
	if err != nil {
		return Page[Link]{}, err
	}
	q, kind, err := s.buildQuery(LinkListSpec(), r, bucketID, func(conds []Cond, v *Validation) []Cond {
		for i, c := range conds {
			if c.Field != "link" {
				continue
			}
			if c.Op == OpContains {
				// Link tokens are stored hashed, so a substring of one cannot be searched.
				v.Add(
					"UnexpectedProperty",
					"/filter/link__contains",
					"link URLs are stored hashed: filter by the whole URL with link or link__in",
				)
				continue
			}
			hashed := make([]any, len(c.Values))
			for j, val := range c.Values {
				hashed[j] = hashToken(tokenFromURL(val.(string)))
			}
			conds[i].Values = hashed
		}
		return conds
	})
	if err != nil {
		return Page[Link]{}, err
	}
	items, count, err := s.store.ListLinks(ctx, q)
	if err != nil {
		return Page[Link]{}, err
	}
	page := Page[Link]{Count: count}
	if len(items) > q.Limit {
		items = items[:q.Limit]
		last := items[len(items)-1]
		page.Last = s.keys.encodeCursor(q, Position{ID: last.ID, Value: linkSortValue(last, q.OrderBy, kind)})
	}
	for i := range items {
		items[i] = s.withURL(items[i])
	}
	page.Items = items
	return page, nil
}

func linkSortValue(l Link, field string, _ FieldKind) any {
	switch field {
	case "bucket_id":
		return l.BucketID
	case "target":
		return string(mustJSON(l.Targets))
	case "link_type":
		return l.LinkType
	case "access_count":
		return int64(l.AccessCount)
	case "max_access_count":
		return int64(l.MaxAccessCount)
	case "created_at":
		return Micros(l.CreatedAt)
	case "expires_at":
		return Micros(l.ExpiresAt)
	case "last_accessed_at":
		return Micros(l.LastAccessedAt)
	case "link":
		return l.TokenHash
	case "title":
		return l.Title
	case "message":
		return l.Message
	case "recipient_email":
		return l.RecipientEmail
	case "sender_email":
		return l.SenderEmail
	default:
		return l.ID
	}
}

// DeleteLinks revokes links at once and returns them. Unknown ids fail the whole request.
func (s *Service) DeleteLinks(ctx context.Context, bucketID string, ids []string) ([]Link, error) {
	bucketID, err := s.bucket(ctx, bucketID)
	if err != nil {
		return nil, err
	}
	ids = dedupe(ids)
	if err := s.requireLinks(ctx, bucketID, ids, func(i int) string { return fmt.Sprintf("/ids/%d", i) }); err != nil {
		return nil, err
	}
	var links []Link
	err = s.roomToDelete(func() error {
		links, err = s.store.DeleteLinks(ctx, bucketID, ids)
		return err
	})
	if isNotFound(err) {
		return nil, Errf(CodeNotFound, "a share link was deleted by someone else meanwhile; nothing was deleted")
	}
	if err != nil {
		return nil, err
	}
	for i := range links {
		links[i] = s.withURL(links[i])
	}
	return orderLike(links, ids), nil
}

func (s *Service) requireLinks(ctx context.Context, bucketID string, ids []string, src func(int) string) error {
	found, err := s.store.LinksByID(ctx, bucketID, ids)
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, l := range found {
		have[l.ID] = true
	}
	var v Validation
	for i, id := range ids {
		if !have[id] {
			v.Add("DoesNotExist", src(i), fmt.Sprintf("no share link %s", id))
		}
	}
	if err := v.Err(); err != nil {
		var e *Error
		errors.As(err, &e)
		e.Code, e.Message = CodeNotFound, "One or more share links were not found; nothing was changed."
		return e
	}
	return nil
}

func orderLike(links []Link, ids []string) []Link {
	byID := make(map[string]Link, len(links))
	for _, l := range links {
		byID[l.ID] = l
	}
	out := make([]Link, 0, len(ids))
	for _, id := range ids {
		if l, ok := byID[id]; ok {
			out = append(out, l)
		}
	}
	return out
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
