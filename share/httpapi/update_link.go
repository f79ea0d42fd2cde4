package httpapi

import (
	"context"
	"strings"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
)

// linkUpdate handles POST /v1/ext/link/update (sharedesk extension): a link's expiry, access limit and
// email or SMS recipients change in place; its URL stays. The history records who changed what: the
// request's actor (with the name of the API token that spoke for them, unless it is an admin token),
// or else the token's name.
func (s *Server) linkUpdate(ctx context.Context, req *api.LinkUpdateRequest) (any, string, error) {
	actor, via := req.Actor, ""
	if t, ok := ctx.Value(tokenKey{}).(share.Token); ok {
		switch {
		case actor == "":
			actor = "token " + t.Name
		case !t.Admin:
			// An ordinary token naming someone else is worth a note; an admin token is the console's
			// (or the server's own), made to speak for the staff it names.
			via = t.Name
		}
	}
	u := share.LinkUpdate{BucketID: req.BucketID, ID: req.ID, ExpiresAt: timePtr(req.ExpiresAt),
		MaxAccessCount: req.MaxAccessCount, Via: via}
	for _, a := range req.AddAuthenticators {
		u.AddAuthenticators = append(u.AddAuthenticators, share.Authenticator{Type: a.AuthType, Context: a.AuthContext})
	}
	for _, a := range req.RemoveAuthenticators {
		u.RemoveAuthenticators = append(u.RemoveAuthenticators,
			share.Authenticator{Type: a.AuthType, Context: a.AuthContext})
	}
	l, changed, err := s.svc.UpdateLink(share.WithActor(ctx, actor), u)
	if err != nil {
		return nil, "", err
	}
	summary := "Share link unchanged: it already was as asked"
	if len(changed) > 0 {
		summary = "Share link updated: " + strings.Join(changed, ", ")
	}
	if changed == nil {
		changed = []string{}
	}
	return api.LinkUpdateResult{ShareLinkObject: wireLink(l), Changed: changed}, summary, nil
}
