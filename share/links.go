package share

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// linkStore keeps share links.
type linkStore interface {
	// InsertLinks stores links and their events, all or nothing.
	InsertLinks(ctx context.Context, links []Link, evs []Event) error
	Link(ctx context.Context, bucketID, id string) (Link, error)
	LinksByID(ctx context.Context, bucketID string, ids []string) ([]Link, error)
	ListLinks(ctx context.Context, q ListQuery) ([]Link, Count, error)
	// DeleteLinks deletes links, keeps their tombstones (see Tombstone) and stores their events, all or
	// nothing.
	DeleteLinks(ctx context.Context, bucketID string, ids []string, evs []Event, r Revocation) ([]Link, error)
	// UpdateLinkAccess changes links' expiry, limit, authenticators and recipient, all or nothing: change
	// gets each link as stored, locked against concurrent changes, and says what to store.
	UpdateLinkAccess(ctx context.Context, bucketID string, ids []string,
		change func(Link) (AccessChange, error)) ([]Link, error)
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

// DeleteLinks revokes links at once and returns them. Unknown ids fail the whole request. What stays of
// each (see RevokedLink) names who revoked it: the actor in ctx (WithActor), else the API token's name
// (WithTokenName).
func (s *Service) DeleteLinks(ctx context.Context, bucketID string, ids []string) ([]Link, error) {
	bucketID, err := s.bucket(ctx, bucketID)
	if err != nil {
		return nil, err
	}
	ids = dedupe(ids)
	if err := s.requireLinks(ctx, bucketID, ids, func(i int) string { return fmt.Sprintf("/ids/%d", i) }); err != nil {
		return nil, err
	}
	rev := s.revocation(ctx)
	evs := make([]Event, len(ids))
	for i, id := range ids {
		evs[i] = s.event(ctx, Link{ID: id, BucketID: bucketID}, EventRevoked)
		evs[i].Actor, evs[i].At = rev.By, rev.At
	}
	var links []Link
	err = s.roomToDelete(func() error {
		links, err = s.store.DeleteLinks(ctx, bucketID, ids, evs, rev)
		return err
	})
	if isNotFound(err) {
		return nil, Errf(CodeNotFound, "a share link was deleted by someone else meanwhile; nothing was deleted")
	}
	if err != nil {
		return nil, err
	}
	s.written(evs)
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
