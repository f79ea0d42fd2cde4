package share

import (
	"context"
	"strings"
	"time"
)

// revokedStore keeps what stays of revoked links (see RevokedLink). The tombstones themselves are
// written by linkStore.DeleteLinks, in the transaction that deletes the links.
type revokedStore interface {
	// RevokedLink returns one tombstone, or ErrNotFound.
	RevokedLink(ctx context.Context, bucketID, id string) (RevokedLink, error)
	// RevokedLinks returns up to q.Limit tombstones, newest revocation first, and how many match.
	RevokedLinks(ctx context.Context, q RevokedQuery) ([]RevokedLink, int, error)
	// PurgeRevokedLinks deletes tombstones of links revoked before a time (Micros), with every event of
	// those links, and says how many of each went.
	PurgeRevokedLinks(ctx context.Context, before int64) (links, events int, err error)
}

// RevokedLink is what stays of a revoked link until the retention ends: its listing fields (no token,
// no URL, no message or tags, authenticators without password hashes), and when and by whom it was
// revoked. Recipients can never use it again: the link itself is gone.
type RevokedLink struct {
	Link
	RevokedAt time.Time
	// RevokedBy is who revoked it: the staff email the client named (ext_revoked_by), else the name of
	// the API token it used. RevokedVia is always that token's name.
	RevokedBy  string
	RevokedVia string
}

// Revocation is when and by whom links are revoked.
type Revocation struct {
	At  time.Time
	By  string
	Via string
}

// Tombstone is what the store keeps of l once it is revoked: everything a person needs to find it and
// tell what it was, and nothing that could open it or that was secret.
func Tombstone(l Link, r Revocation) RevokedLink {
	t := Link{
		ID:             l.ID,
		BucketID:       l.BucketID,
		Targets:        l.Targets,
		LinkType:       l.LinkType,
		AccessCount:    l.AccessCount,
		MaxAccessCount: l.MaxAccessCount,
		CreatedAt:      l.CreatedAt,
		ExpiresAt:      l.ExpiresAt,
		LastAccessedAt: l.LastAccessedAt,
		Title:          l.Title,
		RecipientEmail: l.RecipientEmail,
		SenderEmail:    l.SenderEmail,
		SenderName:     l.SenderName,
	}
	for _, a := range l.Authenticators {
		kept := Authenticator{Type: a.Type}
		if a.Type != AuthPassword {
			kept.Context = a.Context
		}
		t.Authenticators = append(t.Authenticators, kept)
	}
	return RevokedLink{Link: t, RevokedAt: r.At, RevokedBy: r.By, RevokedVia: r.Via}
}

// SearchText is what the substring filter of revoked links looks in: the title and every person of the
// link (recipient, sender, the addresses and phone numbers of its codes, who revoked it), lower-cased.
func (r RevokedLink) SearchText() string {
	parts := []string{r.Title, r.RecipientEmail, r.SenderEmail, r.SenderName, r.RevokedBy}
	for _, a := range r.Authenticators {
		parts = append(parts, a.Context)
	}
	// A separator no term can hold, so a term never matches across two fields.
	return strings.ToLower(strings.Join(parts, "\n"))
}

// RevokedQuery is a page of revoked links: every Search term (lower-cased) must occur in SearchText.
type RevokedQuery struct {
	BucketID string
	Search   []string
	After    *Position // Value is RevokedAt in Micros
	Limit    int
}

type tokenNameKey struct{}

// WithTokenName records the name of the API token behind a request: revocations name it as the way
// they came (RevokedVia), and as who revoked when the client names nobody.
func WithTokenName(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, tokenNameKey{}, name)
}

func tokenNameFrom(ctx context.Context) string { v, _ := ctx.Value(tokenNameKey{}).(string); return v }

// revocation is who revokes links in ctx, and when.
func (s *Service) revocation(ctx context.Context) Revocation {
	r := Revocation{At: s.now(), By: actorFrom(ctx), Via: tokenNameFrom(ctx)}
	if r.By == "" {
		r.By = r.Via
	}
	return r
}

// GetRevokedLink returns what stays of a revoked link. A link that was never revoked, or whose
// tombstone the sweeper purged, is not found.
func (s *Service) GetRevokedLink(ctx context.Context, bucketID, id string) (RevokedLink, error) {
	bucketID, err := s.bucket(ctx, bucketID)
	if err != nil {
		return RevokedLink{}, err
	}
	r, err := s.store.RevokedLink(ctx, bucketID, id)
	if isNotFound(err) {
		return RevokedLink{}, notFound("revoked share link", id)
	}
	return r, err
}

// RevokedListRequest asks for a page of revoked links, newest revocation first. Every Search term must
// occur (case-insensitively) in the title or one of the link's people.
type RevokedListRequest struct {
	BucketID string
	Search   []string
	Last     string
	Size     int
}

// MaxRevokedPage is the largest page of revoked links; larger sizes are cut to it, as link/list does.
const MaxRevokedPage = 1000

// ListRevokedLinks lists revoked links with keyset paging. The cursor is signed and bound to the
// bucket and the search terms, like link/list's.
func (s *Service) ListRevokedLinks(ctx context.Context, r RevokedListRequest) (Page[RevokedLink], error) {
	bucketID, err := s.bucket(ctx, r.BucketID)
	if err != nil {
		return Page[RevokedLink]{}, err
	}
	q := RevokedQuery{BucketID: bucketID, Limit: r.Size}
	for _, t := range r.Search {
		if t = strings.ToLower(strings.TrimSpace(t)); t != "" {
			q.Search = append(q.Search, t)
		}
	}
	switch {
	case q.Limit <= 0:
		q.Limit = 20
	case q.Limit > MaxRevokedPage:
		q.Limit = MaxRevokedPage
	}
	// The cursor machinery of the listings, bound to this listing's own order and terms.
	lq := ListQuery{BucketID: bucketID, OrderBy: "revoked_at", Desc: true}
	if len(q.Search) > 0 {
		lq.Conds = []Cond{{Field: "search", Op: OpContains, Values: toAnySlice(q.Search)}}
	}
	if r.Last != "" {
		p, err := s.keys.decodeCursor(lq, KindTime, r.Last)
		if err != nil {
			return Page[RevokedLink]{}, err
		}
		q.After = p
	}
	items, n, err := s.store.RevokedLinks(ctx, RevokedQuery{
		BucketID: q.BucketID, Search: q.Search, After: q.After, Limit: q.Limit + 1,
	})
	if err != nil {
		return Page[RevokedLink]{}, err
	}
	page := Page[RevokedLink]{Count: Count{N: n, Kind: CountExact}}
	if len(items) > q.Limit {
		items = items[:q.Limit]
		last := items[len(items)-1]
		page.Last = s.keys.encodeCursor(lq, Position{ID: last.ID, Value: Micros(last.RevokedAt)})
	}
	page.Items = items
	return page, nil
}

func toAnySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}
