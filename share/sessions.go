package share

import "context"

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
	gone := Refuse(CodeNotFound, ReasonSessionEnded)
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
		return Link{}, Refuse(CodeNotFound, ReasonRevoked)
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
