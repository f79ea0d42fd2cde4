package httpapi

import (
	"context"
	"fmt"
	"strings"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
)

// linkCreate handles POST /v1/share/link/create.
func (s *Server) linkCreate(ctx context.Context, req *api.LinkCreateRequest) (any, string, error) {
	items := make([]share.LinkInput, len(req.Links))
	for i, l := range req.Links {
		in := share.LinkInput{Targets: l.Targets, LinkType: l.LinkType, ExpiresAt: timePtr(l.ExpiresAt),
			MaxAccessCount: l.MaxAccessCount, Title: l.Title, Message: l.Message, Tags: l.Tags,
			RecipientEmail: l.NotifyEmail}
		if p := l.SendParams; p != nil {
			if p.RecipientEmail != "" {
				in.RecipientEmail = p.RecipientEmail
			}
			in.SenderEmail, in.SenderName = p.SenderEmail, p.SenderName
		}
		for _, a := range l.Authenticators {
			in.Authenticators = append(in.Authenticators, share.Authenticator{Type: a.AuthType, Context: a.AuthContext})
		}
		items[i] = in
	}
	links, err := s.svc.CreateLinks(ctx, req.BucketID, items)
	if err != nil {
		return nil, "", err
	}
	return api.LinksResult{ShareLinkObjects: wireLinks(links)}, fmt.Sprintf("%d share link(s) created", len(links)), nil
}

// linkGet handles POST /v1/share/link/get.
func (s *Server) linkGet(ctx context.Context, req *api.LinkGetRequest) (any, string, error) {
	l, err := s.svc.GetLink(ctx, req.BucketID, req.ID)
	if err != nil {
		return nil, "", err
	}
	return api.LinkGetResult{ShareLinkObject: wireLink(l)}, "Share link found", nil
}

// linkList handles POST /v1/share/link/list.
func (s *Server) linkList(ctx context.Context, req *api.LinkListRequest) (any, string, error) {
	page, err := s.svc.ListLinks(ctx, share.ListRequest{BucketID: req.BucketID, Filter: req.Filter, Last: req.Last,
		Order: req.Order, OrderBy: req.OrderBy, Size: req.Size, Count: req.ExtCount})
	if err != nil {
		return nil, "", err
	}
	return api.LinkListResult{
			Count:            page.Count.N,
			Last:             page.Last,
			ShareLinkObjects: wireLinks(page.Items),
			ExtCountInfo:     extCount(req.ExtCount, page.Count),
		},
		fmt.Sprintf(
			"Listed %d of %s share link(s)",
			len(page.Items),
			countText(page.Count),
		), nil
}

// linkDelete handles POST /v1/share/link/delete. ext_revoked_by (an extension) names who revokes, for
// the revoked links' record; without it the token's name does.
func (s *Server) linkDelete(ctx context.Context, req *api.LinkDeleteRequest) (any, string, error) {
	if req.ExtRevokedBy != "" {
		ctx = share.WithActor(ctx, req.ExtRevokedBy)
	}
	links, err := s.svc.DeleteLinks(ctx, req.BucketID, req.IDs)
	if err != nil {
		return nil, "", err
	}
	return api.LinksResult{ShareLinkObjects: wireLinks(links)}, fmt.Sprintf("%d share link(s) deleted", len(links)), nil
}

// linkSend handles POST /v1/share/link/send.
func (s *Server) linkSend(ctx context.Context, req *api.LinkSendRequest) (any, string, error) {
	items := make([]share.SendItem, len(req.Links))
	for i, l := range req.Links {
		items[i] = share.SendItem{ID: l.ID, Email: l.Email}
	}
	links, results, err := s.svc.SendLinksWith(ctx, req.BucketID, items, req.SenderEmail, req.SenderName,
		share.SendOptions{AddAuthenticators: req.ExtAddAuthenticators})
	if err != nil {
		return nil, "", err
	}
	res := api.LinksResult{ShareLinkObjects: wireLinks(links)}
	var failed []string
	for _, r := range results {
		res.SendResults = append(
			res.SendResults,
			api.SendResult{ID: r.ID, Email: r.Email, Sent: r.Sent, Detail: r.Detail,
				AuthenticatorAdded: r.AuthenticatorAdded},
		)
		if !r.Sent {
			failed = append(failed, r.Email)
		}
	}
	if len(failed) > 0 {
		return res, fmt.Sprintf(
			"%d of %d email(s) sent; not delivered to %s (see ext_send_results; send only those again)",
			len(results)-len(failed),
			len(results),
			strings.Join(failed, ", "),
		), nil
	}
	return res, fmt.Sprintf("%d share link(s) sent", len(links)), nil
}

// buckets handles POST /v1/buckets.
func (s *Server) buckets(ctx context.Context, _ *struct {
	BucketID string `json:"bucket_id"`
	TenantID string `json:"tenant_id"`
	ConfigID string `json:"config_id"`
}) (any, string, error) {
	bs, err := s.svc.Buckets(ctx)
	if err != nil {
		return nil, "", err
	}
	out := api.BucketsResult{Buckets: make([]api.Bucket, len(bs))}
	for i, b := range bs {
		out.Buckets[i] = api.Bucket{
			ID:              b.ID,
			Name:            b.Name,
			Default:         b.Default,
			TransferMethods: []string{api.TransferMultipart, api.TransferDestURL},
		}
	}
	return out, fmt.Sprintf("%d bucket(s)", len(bs)), nil
}
