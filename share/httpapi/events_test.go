package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// POST /v1/ext/link/events pages through a link's history, also after the link was revoked; every
// exchange is checked against the OpenAPI document; a cursor that no page gave is a 400.
func TestLinkEventsEndpoint(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := sharetest.Start(t, kind, sharetest.Options{NoSMTP: true})
		ctx := context.Background()
		f := sharetest.Must(e.Client.FolderCreate(ctx, api.FolderCreateRequest{Name: "Docs"}))(t).Object
		l := sharetest.Must(e.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{Targets: []string{f.ID},
			Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "correct horse"}}}}}))(t).ShareLinkObjects[0]
		if _, err := e.Client.LinkDelete(ctx, api.LinkDeleteRequest{IDs: []string{l.ID}}); err != nil {
			t.Fatal(err)
		}
		first := sharetest.Must(e.Client.LinkEvents(ctx, api.LinkEventsRequest{ID: l.ID, Size: 1}))(t)
		if len(first.Events) != 1 || first.Events[0].Type != "created" || first.Last == "" {
			t.Fatalf("first page: got %+v, want created and a cursor", first)
		}
		next := sharetest.Must(e.Client.LinkEvents(ctx, api.LinkEventsRequest{ID: l.ID, Last: first.Last}))(t)
		if len(next.Events) != 1 || next.Events[0].Type != "revoked" || next.Last != "" {
			t.Errorf("next page: got %+v, want revoked and no cursor", next)
		}
		for _, c := range []struct {
			name string
			req  api.LinkEventsRequest
		}{
			{"forged cursor", api.LinkEventsRequest{ID: l.ID, Last: "abc"}},
			{"negative cursor", api.LinkEventsRequest{ID: l.ID, Last: "-5"}},
			{"page too large", api.LinkEventsRequest{ID: l.ID, Size: 5000}},
			{"no id", api.LinkEventsRequest{}},
		} {
			_, err := e.Client.LinkEvents(ctx, c.req)
			var ae *api.Error
			if !errors.As(err, &ae) || ae.HTTPStatus != http.StatusBadRequest {
				t.Errorf("%s: got %v, want HTTP 400", c.name, err)
			}
		}
	})
}
