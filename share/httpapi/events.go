package httpapi

import (
	"context"
	"fmt"
	"strconv"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
)

// linkEvents handles POST /v1/ext/link/events (sharedesk extension): a page of a link's history,
// oldest first, or newest first with order desc. The cursor is the sequence number of the page's last
// event; any other value is refused. It reaches only that link's events, which the token may read anyway.
func (s *Server) linkEvents(ctx context.Context, req *api.LinkEventsRequest) (any, string, error) {
	var after int64
	if req.Last != "" {
		n, err := strconv.ParseInt(req.Last, 10, 64)
		if err != nil || n < 0 {
			return nil, "", share.Invalid("BadFormat", "/last", "must be the last of a previous page")
		}
		after = n
	}
	evs, more, err := s.svc.LinkEvents(
		ctx,
		share.EventsRequest{BucketID: req.BucketID, LinkID: req.ID, After: after, Size: req.Size,
			NewestFirst: req.Order == "desc"},
	)
	if err != nil {
		return nil, "", err
	}
	out := api.LinkEventsResult{Events: wireAll(evs, wireEvent)}
	if more {
		out.Last = strconv.FormatInt(evs[len(evs)-1].Seq, 10)
	}
	return out, fmt.Sprintf("%d event(s)", len(evs)), nil
}
