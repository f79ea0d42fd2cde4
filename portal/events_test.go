package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

func eventsOf(t *testing.T, e *sharetest.Env, linkID string) []share.Event {
	t.Helper()
	evs, _, err := e.Svc.LinkEvents(context.Background(), share.EventsRequest{LinkID: linkID, Size: share.MaxEventsPage})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

type wantEvent struct{ typ, method, object, outcome string }

func checkEvents(t *testing.T, got []share.Event, want []wantEvent) {
	t.Helper()
	var g, w []string
	for _, ev := range got {
		g = append(g, ev.Type+"/"+ev.Method+"/"+ev.ObjectName+"/"+ev.Outcome)
	}
	for _, ev := range want {
		w = append(w, ev.typ+"/"+ev.method+"/"+ev.object+"/"+ev.outcome)
	}
	if strings.Join(g, "\n") != strings.Join(w, "\n") {
		t.Errorf("events:\ngot\n  %s\nwant\n  %s", strings.Join(g, "\n  "), strings.Join(w, "\n  "))
	}
}

// Everything a recipient does through the portal, and what staff do to the link, lands in the link's
// history in order, with the recipient's address, and survives the link's revocation.
func TestLinkHistory(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := sharetest.Start(t, kind, sharetest.Options{})
		ctx := context.Background()
		tr := makeTree(t, e)
		l := createLink(t, e, api.LinkCreateItem{Targets: []string{tr.docs.ID}, LinkType: "editor",
			Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "correct horse"}, {AuthType: "email_otp", AuthContext: "kim@partner.example"}}})
		if _, _, err := e.Svc.SendLinks(ctx, "", []share.SendItem{{ID: l.ID, Email: "kim@partner.example"}}, "ada@example.com", "Ada"); err != nil {
			t.Fatal(err)
		}
		r := newRecipient(t, e)
		if p := r.get(linkPath(e, l)); p.status != http.StatusOK {
			t.Fatalf("open: got %d", p.status)
		}
		r.post(linkPath(e, l)+"/password", url.Values{"auth": {"0"}, "password": {"wrong"}})
		r.post(linkPath(e, l)+"/code", url.Values{"auth": {"1"}})
		code := codeIn(t, e.Mail.WaitN(t, "kim@partner.example", 2).Text)
		_ = code
		p := r.post(linkPath(e, l)+"/password", url.Values{"auth": {"0"}, "password": {"correct horse"}})
		if !strings.HasPrefix(p.url, "/p/") {
			t.Fatalf("sign in: at %s", p.url)
		}
		if p := r.get("/p/d/" + tr.a.ID); p.status != http.StatusOK || p.body != "alpha" {
			t.Fatalf("download: got %d %q", p.status, p.body)
		}
		if p := r.get("/p/zip?id=" + tr.sub.ID); p.status != http.StatusOK {
			t.Fatalf("zip: got %d", p.status)
		}
		csrf := csrfOf(t, r.get("/p/f/"+tr.docs.ID))
		if p := upload(t, r, tr.docs.ID, csrf, "new.txt", "fresh"); p.status != http.StatusOK {
			t.Fatalf("upload: got %d", p.status)
		}
		r.post("/p/rename/"+tr.b.ID, url.Values{"csrf": {csrf}, "name": {"b2.txt"}})
		r.post("/p/delete/"+tr.c.ID, url.Values{"csrf": {csrf}})
		if _, err := e.Client.LinkDelete(ctx, api.LinkDeleteRequest{IDs: []string{l.ID}}); err != nil {
			t.Fatal(err)
		}

		got := eventsOf(t, e, l.ID)
		checkEvents(t, got, []wantEvent{
			{typ: share.EventCreated},
			{typ: share.EventSent, method: "email"},
			{typ: share.EventOpened},
			{typ: share.EventFailedAttempt, method: "password", outcome: "failed"},
			{typ: share.EventCodeRequested, method: "email_otp"},
			{typ: share.EventSignedIn, method: "password"},
			{typ: share.EventDownloaded, object: "a.txt"},
			{typ: share.EventZipDownloaded, object: "Sub"},
			{typ: share.EventUploaded, object: "new.txt"},
			{typ: share.EventRenamed, object: "b2.txt"},
			{typ: share.EventDeleted, object: "c.txt"},
			{typ: share.EventRevoked},
		})
		for _, ev := range got {
			if ev.Actor == "recipient" && ev.Client != "127.0.0.1" {
				t.Errorf("%s: client %q, want 127.0.0.1", ev.Type, ev.Client)
			}
			for _, secret := range []string{"correct horse", code, "kim@partner.example"} {
				if ev.Type != share.EventSent && strings.Contains(ev.Detail+ev.ObjectName+ev.Actor, secret) {
					t.Errorf("%s holds %q: %+v", ev.Type, secret, ev)
				}
			}
			if ev.Type == share.EventCodeRequested && ev.Detail != "k***@partner.example" {
				t.Errorf("code requested: detail %q, want the masked address", ev.Detail)
			}
		}

		// A page of two, then the rest after its last event.
		page, more, err := e.Svc.LinkEvents(ctx, share.EventsRequest{LinkID: l.ID, Size: 2})
		if err != nil || len(page) != 2 || !more {
			t.Fatalf("first page: got %d events, more %v, err %v", len(page), more, err)
		}
		rest, more, err := e.Svc.LinkEvents(ctx, share.EventsRequest{LinkID: l.ID, After: page[1].Seq, Size: 100})
		if err != nil || len(rest) != len(got)-2 || more || rest[0].ID != got[2].ID {
			t.Errorf("next page: got %d events (more %v, err %v), want %d from %s", len(rest), more, err, len(got)-2, got[2].ID)
		}
	})
}

// A link's expiry is recorded once, by whichever sees it first: a recipient's refused visit or the
// sweeper. Using up the last opening records the limit; a later try is a refused attempt.
func TestLinkExpiryAndLimitEvents(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := sharetest.Start(t, kind, sharetest.Options{NoSMTP: true})
		ctx := context.Background()
		tr := makeTree(t, e)
		one := 1
		visited := createLink(t, e, api.LinkCreateItem{Targets: []string{tr.a.ID}, Authenticators: password("correct horse"), MaxAccessCount: &one})
		unvisited := createLink(t, e, api.LinkCreateItem{Targets: []string{tr.b.ID}, Authenticators: password("correct horse")})
		signIn(t, e, visited, "correct horse")
		if p := newRecipient(t, e).post(linkPath(e, visited)+"/password", url.Values{"auth": {"0"}, "password": {"correct horse"}}); p.status != http.StatusGone {
			t.Errorf("used-up link: got %d, want 410", p.status)
		}
		e.Clock.Advance(8 * 24 * time.Hour)
		for range 2 {
			if p := newRecipient(t, e).get(linkPath(e, visited)); p.status != http.StatusGone {
				t.Errorf("expired link: got %d, want 410", p.status)
			}
		}
		for range 2 {
			rep, err := e.Svc.Sweep(ctx, share.SweepOptions{})
			if err != nil {
				t.Fatal(err)
			}
			_ = rep
		}
		checkEvents(t, eventsOf(t, e, visited.ID), []wantEvent{
			{typ: share.EventCreated},
			{typ: share.EventSignedIn, method: "password"},
			{typ: share.EventLimitReached},
			{typ: share.EventFailedAttempt, outcome: "refused"},
			{typ: share.EventExpired},
		})
		checkEvents(t, eventsOf(t, e, unvisited.ID), []wantEvent{{typ: share.EventCreated}, {typ: share.EventExpired}})
		if evs := eventsOf(t, e, unvisited.ID); len(evs) == 2 && evs[1].Actor != "sweeper" {
			t.Errorf("expiry seen by the sweeper: actor %q, want sweeper", evs[1].Actor)
		}

		// Past the retention the links go, and with them their history.
		e.Clock.Advance(31 * 24 * time.Hour)
		if _, err := e.Svc.Sweep(ctx, share.SweepOptions{}); err != nil {
			t.Fatal(err)
		}
		if evs := eventsOf(t, e, visited.ID); len(evs) != 0 {
			t.Errorf("after the retention: %d events left, want 0", len(evs))
		}
	})
}
