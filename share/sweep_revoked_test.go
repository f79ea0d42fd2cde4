package share_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// The sweeper purges a revoked link's record with its whole history once the revocation is older than
// the retention; a record inside the retention keeps all its history, even events older than the
// retention (the history of what is still listed stays whole).
func TestSweepRevokedLinks(t *testing.T) {
	forEachKind(t, func(t *testing.T, kind string) {
		e := sharetest.Start(t, kind, sharetest.Options{NoSMTP: true})
		ctx := context.Background()
		day := 24 * time.Hour
		f := sharetest.Must(e.Client.FolderCreate(ctx, api.FolderCreateRequest{Name: "Docs"}))(t).Object
		link := func(title string, lifetime time.Duration) string {
			exp := e.Clock.Now().Add(lifetime)
			return sharetest.Must(e.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{
				Targets: []string{f.ID}, Title: title, ExpiresAt: &exp,
				Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "correct horse"}}}}}))(t).ShareLinkObjects[0].ID
		}
		revoke := func(id string) {
			sharetest.Must(e.Client.LinkDelete(ctx, api.LinkDeleteRequest{IDs: []string{id}}))(t)
		}
		events := func(id string) []string {
			var types []string
			for _, ev := range sharetest.Must(e.Client.LinkEvents(ctx, api.LinkEventsRequest{ID: id}))(t).Events {
				types = append(types, ev.Type)
			}
			return types
		}

		old := link("revoked long ago", 80*day) // day 0
		live := link("still live", 80*day)      // day 0, never revoked
		e.Clock.Advance(20 * day)
		revoke(old)                              // day 20
		recent := link("revoked lately", 80*day) // day 20
		e.Clock.Advance(20 * day)
		revoke(recent) // day 40
		e.Clock.Advance(15 * day)
		// Day 55: old was revoked 35 days ago, recent 15 days ago (created 35 days ago).

		rep, err := e.Svc.Sweep(ctx, share.SweepOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.RevokedLinks != 1 || rep.Events != 2 {
			t.Errorf("report: got %d revoked links and %d events, want 1 and 2 (created, revoked)",
				rep.RevokedLinks, rep.Events)
		}
		if _, err := e.Client.RevokedGet(ctx, api.RevokedGetRequest{ID: old}); !api.IsStatus(err, "NotFound") {
			t.Errorf("the record revoked 35 days ago: got %v, want NotFound", err)
		}
		if got := events(old); len(got) != 0 {
			t.Errorf("its history: got %v, want nothing", got)
		}
		if r, err := e.Client.RevokedGet(ctx, api.RevokedGetRequest{ID: recent}); err != nil || r.RevokedLink.Title != "revoked lately" {
			t.Errorf("the record revoked 15 days ago: got %v, want it kept", err)
		}
		if got, want := events(recent), []string{"created", "revoked"}; !slices.Equal(got, want) {
			t.Errorf("its history (created 35 days ago): got %v, want %v", got, want)
		}
		if got, want := events(live), []string{"created"}; !slices.Equal(got, want) {
			t.Errorf("a live link's history: got %v, want %v", got, want)
		}

		// Once its revocation passes the retention, the second goes the same way: the record takes
		// its whole history with it, by itself.
		e.Clock.Advance(16 * day)
		links, evs, err := e.Store.PurgeRevokedLinks(ctx, share.Micros(e.Clock.Now().Add(-30*day)))
		if err != nil || links != 1 || evs != 2 {
			t.Fatalf("purge of the record: got %d records and %d events (%v), want 1 and 2", links, evs, err)
		}
		e.Clock.Advance(time.Hour)
		if got := events(recent); len(got) != 0 {
			t.Errorf("its history after the retention: got %v, want nothing", got)
		}
		if rep, err = e.Svc.Sweep(ctx, share.SweepOptions{}); err != nil || rep.RevokedLinks != 0 || rep.Events != 0 {
			t.Errorf("a sweep with nothing left to purge: got %d records and %d events (%v), want none",
				rep.RevokedLinks, rep.Events, err)
		}
	})
}
