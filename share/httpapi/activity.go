package httpapi

import (
	"context"
	"fmt"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
)

// eventsList handles POST /v1/ext/events/list (sharedesk extension): events across every link of the
// bucket, newest first, read-only and paged; optionally counted up to 10,000. It shows what
// ext/link/events shows link by link, which any token may read.
func (s *Server) eventsList(ctx context.Context, req *api.EventsListRequest) (any, string, error) {
	r := share.ActivityRequest{BucketID: req.BucketID, Types: req.Types, Actor: req.Actor, Last: req.Last,
		Size: req.Size, Count: req.Count}
	if req.Since != nil {
		r.Since = *req.Since
	}
	page, err := s.svc.Activity(ctx, r)
	if err != nil {
		return nil, "", err
	}
	out := api.EventsListResult{Events: make([]api.LinkActivity, len(page.Events)), Last: page.Last}
	for i, ev := range page.Events {
		out.Events[i] = api.LinkActivity{LinkID: ev.LinkID, LinkEvent: wireEvent(ev)}
	}
	if req.Count {
		out.Count, out.CountMore = &page.Count, page.CountMore
	}
	return out, fmt.Sprintf("%d event(s)", len(page.Events)), nil
}
