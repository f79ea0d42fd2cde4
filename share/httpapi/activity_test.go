package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// POST /v1/ext/events/list: events across links, newest first, filtered by type, actor and time,
// paged by a cursor and counted on request; a cursor no page gave is a 400.
func TestEventsListEndpoint(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e, f := startSeeded(t, kind)
		ctx := context.Background()
		var links []api.ShareLink
		for _, title := range []string{"one", "two", "three"} {
			links = append(links, sharetest.Must(e.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{
				Targets: []string{f.a.ID}, Title: title,
				Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "correct horse"}}}}}))(t).ShareLinkObjects[0])
		}
		// Recipients: two wrong passwords on link one, one on link three; link two is opened.
		wrong := func(l api.ShareLink) {
			t.Helper()
			resp, err := http.PostForm(l.Link+"/password", url.Values{"auth": {"0"}, "password": {"wrong one"}})
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
		}
		wrong(links[0])
		e.Clock.Advance(time.Second)
		wrong(links[0])
		e.Clock.Advance(time.Second)
		resp, err := http.Get(links[1].Link)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		e.Clock.Advance(time.Second)
		wrong(links[2])

		failed := sharetest.Must(e.Client.EventsList(ctx, api.EventsListRequest{Types: []string{"failed_attempt"}, Count: true}))(t)
		var got []string
		for _, ev := range failed.Events {
			got = append(got, ev.LinkID+" "+ev.Type+" "+ev.Actor)
		}
		want := []string{links[2].ID + " failed_attempt recipient", links[0].ID + " failed_attempt recipient",
			links[0].ID + " failed_attempt recipient"}
		if !slices.Equal(got, want) || failed.Count == nil || *failed.Count != 3 || failed.CountMore {
			t.Errorf("failed attempts: got %q (count %s), want %q newest first (count 3)", got, countOf(failed), want)
		}
		if failed.Events[0].Client == "" {
			t.Errorf("failed attempt without the recipient's address: %+v", failed.Events[0])
		}

		// Paging through every recipient event, two at a time, sees each once, newest first.
		var seen []string
		last := ""
		for range 5 {
			page := sharetest.Must(e.Client.EventsList(ctx, api.EventsListRequest{Actor: "recipient", Size: 2, Last: last}))(t)
			for _, ev := range page.Events {
				seen = append(seen, ev.Type)
			}
			if last = page.Last; last == "" {
				break
			}
		}
		if want := []string{"failed_attempt", "opened", "failed_attempt", "failed_attempt"}; !slices.Equal(seen, want) {
			t.Errorf("recipient events paged: got %q, want %q", seen, want)
		}

		// Since: only the last two seconds' worth.
		since := e.Clock.Now().Add(-1500 * time.Millisecond)
		recent := sharetest.Must(e.Client.EventsList(ctx, api.EventsListRequest{Actor: "recipient", Since: &since, Count: true}))(t)
		if len(recent.Events) != 2 || recent.Count == nil || *recent.Count != 2 {
			t.Errorf("since: got %d events (count %s), want 2", len(recent.Events), countOf(recent))
		}
		// Without count, no count.
		if page := sharetest.Must(e.Client.EventsList(ctx, api.EventsListRequest{}))(t); page.Count != nil {
			t.Errorf("count given unasked: %v", *page.Count)
		}

		for _, c := range []struct {
			name string
			req  api.EventsListRequest
		}{
			{"forged cursor", api.EventsListRequest{Last: "abc"}},
			{"negative cursor", api.EventsListRequest{Last: "-5.3"}},
			{"page too large", api.EventsListRequest{Size: 101}},
			{"unknown type", api.EventsListRequest{Types: []string{"teleported"}}},
		} {
			_, err := e.Client.EventsList(ctx, c.req)
			var ae *api.Error
			if !errors.As(err, &ae) || ae.HTTPStatus != http.StatusBadRequest {
				t.Errorf("%s: got %v, want HTTP 400", c.name, err)
			}
		}
	})
}

func countOf(r *api.EventsListResult) string {
	if r.Count == nil {
		return "none"
	}
	return strconv.Itoa(*r.Count)
}
