package httpapi

import (
	"context"
	"fmt"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
)

// revokedList handles POST /v1/ext/link/revoked/list (sharedesk extension): revoked links, newest
// revocation first, for the retention period. Read-only; link/list keeps Pangea's behaviour and never
// shows them.
func (s *Server) revokedList(ctx context.Context, req *api.RevokedListRequest) (any, string, error) {
	page, err := s.svc.ListRevokedLinks(ctx, share.RevokedListRequest{BucketID: req.BucketID, Search: req.Search,
		Last: req.Last, Size: req.Size})
	if err != nil {
		return nil, "", err
	}
	out := api.RevokedListResult{Count: page.Count.N, Last: page.Last,
		RevokedLinks: make([]api.RevokedLink, len(page.Items))}
	for i, r := range page.Items {
		out.RevokedLinks[i] = wireRevoked(r)
	}
	return out, fmt.Sprintf("Listed %d of %d revoked share link(s)", len(page.Items), page.Count.N), nil
}

// revokedGet handles POST /v1/ext/link/revoked/get (sharedesk extension): what stays of one revoked link.
func (s *Server) revokedGet(ctx context.Context, req *api.RevokedGetRequest) (any, string, error) {
	r, err := s.svc.GetRevokedLink(ctx, req.BucketID, req.ID)
	if err != nil {
		return nil, "", err
	}
	return api.RevokedGetResult{RevokedLink: wireRevoked(r)}, "Revoked share link found", nil
}

func wireRevoked(r share.RevokedLink) api.RevokedLink {
	l := wireLink(r.Link)
	return api.RevokedLink{
		ID:             l.ID,
		BucketID:       l.BucketID,
		Targets:        l.Targets,
		LinkType:       l.LinkType,
		AccessCount:    l.AccessCount,
		MaxAccessCount: l.MaxAccessCount,
		CreatedAt:      l.CreatedAt,
		ExpiresAt:      l.ExpiresAt,
		LastAccessedAt: l.LastAccessedAt,
		Authenticators: l.Authenticators,
		Title:          l.Title,
		RecipientEmail: l.RecipientEmail,
		SenderEmail:    l.SenderEmail,
		SenderName:     l.SenderName,
		RevokedAt:      r.RevokedAt,
		RevokedBy:      r.RevokedBy,
		RevokedVia:     r.RevokedVia,
	}
}
