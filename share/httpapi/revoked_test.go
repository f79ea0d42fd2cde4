package httpapi_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// A revoked link keeps a record (a tombstone) readable through /v1/ext/link/revoked/get and /list, with
// who revoked it and when; Pangea's link/get and link/list keep answering as Pangea does (it is gone);
// the tombstone holds no password hash and no token, and the portal keeps refusing the link.
func TestRevokedLinks(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e, f := startSeeded(t, kind)
		ctx := context.Background()
		limit := 4
		create := func(title, recipient string, auths ...api.Authenticator) api.ShareLink {
			t.Helper()
			item := api.LinkCreateItem{Targets: []string{f.a.ID, f.docs.ID}, Title: title, MaxAccessCount: &limit,
				Message: "secret message", Tags: []string{"legal"}, Authenticators: auths}
			if recipient != "" {
				item.SendParams = &api.SendParams{RecipientEmail: recipient, SenderEmail: "sam@example.com",
					SenderName: "Sam Sharer"}
			}
			return sharetest.Must(e.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{item}}))(t).ShareLinkObjects[0]
		}
		nda := create("Signed NDA", "Kim.Lee@Partner.example",
			api.Authenticator{AuthType: "email_otp", AuthContext: "kim.lee@partner.example"},
			api.Authenticator{AuthType: "sms_otp", AuthContext: "+447700900123"},
			api.Authenticator{AuthType: "password", AuthContext: "correct horse battery"})
		board := create("Q3 board pack", "", api.Authenticator{AuthType: "email_otp", AuthContext: "jordan@board.example"})
		invoices := create("Supplier invoices – Überweisung", "ap@supplier.example",
			api.Authenticator{AuthType: "password", AuthContext: "battery staple"})
		live := create("Still live", "", api.Authenticator{AuthType: "password", AuthContext: "battery staple"})

		// Revoked one after the other: the console names the person, a script only has its token.
		sharetest.Must(e.Client.LinkDelete(ctx, api.LinkDeleteRequest{IDs: []string{nda.ID}, ExtRevokedBy: "hal@example.com"}))(t)
		e.Clock.Advance(time.Minute)
		sharetest.Must(e.Client.LinkDelete(ctx, api.LinkDeleteRequest{IDs: []string{board.ID, invoices.ID}}))(t)
		revokedAt := e.Clock.Now()

		t.Run("Pangea's endpoints no longer show them", func(t *testing.T) {
			if _, err := e.Client.LinkGet(ctx, api.LinkGetRequest{ID: nda.ID}); !api.IsStatus(err, "NotFound") {
				t.Errorf("link/get of a revoked link: got %v, want NotFound", err)
			}
			l := sharetest.Must(e.Client.LinkList(ctx, api.LinkListRequest{}))(t)
			if l.Count != 1 || len(l.ShareLinkObjects) != 1 || l.ShareLinkObjects[0].ID != live.ID {
				t.Errorf("link/list: got %d links, want only the live one", l.Count)
			}
		})

		t.Run("get keeps what the link was and who revoked it", func(t *testing.T) {
			r := sharetest.Must(e.Client.RevokedGet(ctx, api.RevokedGetRequest{ID: nda.ID}))(t).RevokedLink
			var auths []string
			for _, a := range r.Authenticators {
				auths = append(auths, a.AuthType+"="+a.AuthContext)
			}
			checks := []struct {
				name      string
				got, want any
			}{
				{"title", r.Title, "Signed NDA"},
				{"type", r.LinkType, "download"},
				{"targets", strings.Join(r.Targets, ","), f.a.ID + "," + f.docs.ID},
				{"recipient", r.RecipientEmail, "Kim.Lee@Partner.example"},
				{"sender", r.SenderEmail + " " + r.SenderName, "sam@example.com Sam Sharer"},
				{"authenticators", strings.Join(auths, " "),
					"email_otp=kim.lee@partner.example sms_otp=+447700900123 password=********"},
				{"access limit", r.MaxAccessCount, 4},
				{"created", r.CreatedAt.Equal(nda.CreatedAt), true},
				{"expires", r.ExpiresAt.Equal(nda.ExpiresAt), true},
				{"revoked by", r.RevokedBy, "hal@example.com"},
				{"revoked via", r.RevokedVia, "test"},
				{"revoked at", r.RevokedAt.Equal(revokedAt.Add(-time.Minute).Truncate(time.Microsecond)), true},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s: got %v, want %v", c.name, c.got, c.want)
				}
			}
			other := sharetest.Must(e.Client.RevokedGet(ctx, api.RevokedGetRequest{ID: board.ID}))(t).RevokedLink
			if other.RevokedBy != "test" || other.RevokedVia != "test" {
				t.Errorf("revoked with no person named: by %q via %q, want the token's name for both",
					other.RevokedBy, other.RevokedVia)
			}
			evs := sharetest.Must(e.Client.LinkEvents(ctx, api.LinkEventsRequest{ID: nda.ID, Order: "desc", Size: 1}))(t)
			if len(evs.Events) != 1 || evs.Events[0].Type != "revoked" || evs.Events[0].Actor != "hal@example.com" {
				t.Errorf("newest event: got %+v, want revoked by hal@example.com", evs.Events)
			}
		})

		t.Run("the record holds no secret", func(t *testing.T) {
			var raw string
			q := "SELECT id || authenticators || search FROM revoked_links WHERE id = ?"
			if kind == "postgres" {
				q = strings.Replace(q, "?", "$1", 1)
			}
			if err := e.Store.SQL().QueryRow(q, nda.ID).Scan(&raw); err != nil {
				t.Fatal(err)
			}
			for _, secret := range []string{"argon2", "correct horse", "secret message", "hash"} {
				if strings.Contains(raw, secret) {
					t.Errorf("the tombstone holds %q: %s", secret, raw)
				}
			}
		})

		t.Run("the portal keeps refusing it", func(t *testing.T) {
			resp, err := http.Get(nda.Link)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("opening a revoked link: got %d, want 404", resp.StatusCode)
			}
		})

		// The two revoked together tie on the time, and then the larger id comes first.
		newest := []string{"Supplier invoices – Überweisung", "Q3 board pack", "Signed NDA"}
		if board.ID > invoices.ID {
			newest[0], newest[1] = newest[1], newest[0]
		}
		ids := func(r *api.RevokedListResult) []string {
			var out []string
			for _, l := range r.RevokedLinks {
				out = append(out, l.Title)
			}
			return out
		}
		t.Run("list, newest revocation first, searched by title and people", func(t *testing.T) {
			for _, c := range []struct {
				name   string
				search []string
				want   []string
			}{
				{"everything", nil, newest},
				{"part of an address, other case", []string{"KIM.L"}, []string{"Signed NDA"}},
				{"the recipient's domain", []string{"partner.EXAMPLE"}, []string{"Signed NDA"}},
				{"a code's address", []string{"jordan"}, []string{"Q3 board pack"}},
				{"part of a phone number", []string{"7700900"}, []string{"Signed NDA"}},
				{"title words", []string{"board"}, []string{"Q3 board pack"}},
				{"who revoked it", []string{"hal@"}, []string{"Signed NDA"}},
				{"non-ASCII in another case", []string{"ÜBERWEISUNG"}, []string{"Supplier invoices – Überweisung"}},
				{"every term must match", []string{"partner", "invoices"}, nil},
				{"LIKE wildcards are literal", []string{"%"}, nil},
				{"a live link is not listed", []string{"Still live"}, nil},
			} {
				got := sharetest.Must(e.Client.RevokedList(ctx, api.RevokedListRequest{Search: c.search}))(t)
				if !slices.Equal(ids(got), c.want) || got.Count != len(c.want) {
					t.Errorf("%s: got %v (count %d), want %v", c.name, ids(got), got.Count, c.want)
				}
			}
		})

		t.Run("list pages with a cursor bound to its search", func(t *testing.T) {
			first := sharetest.Must(e.Client.RevokedList(ctx, api.RevokedListRequest{Size: 2}))(t)
			if first.Count != 3 || first.Last == "" || !slices.Equal(ids(first), newest[:2]) {
				t.Fatalf("first page: got %v (count %d, last %q), want two of three and a cursor", ids(first), first.Count, first.Last)
			}
			next := sharetest.Must(e.Client.RevokedList(ctx, api.RevokedListRequest{Size: 2, Last: first.Last}))(t)
			if next.Last != "" || !slices.Equal(ids(next), []string{"Signed NDA"}) {
				t.Errorf("second page: got %v (last %q), want the oldest and no cursor", ids(next), next.Last)
			}
			sharetest.Run(t, e, []sharetest.Scenario{{
				Name: "a cursor of another search", Path: "/v1/ext/link/revoked/list",
				Body:       `{"size":2,"search":["a"],"last":"` + first.Last + `"}`,
				WantStatus: http.StatusBadRequest, WantContent: []string{`"ValidationError"`, `"/last"`},
			}, {
				Name: "a forged cursor", Path: "/v1/ext/link/revoked/list", Body: `{"last":"e30.AAAA"}`,
				WantStatus: http.StatusBadRequest, WantContent: []string{`"ValidationError"`, `"/last"`},
			}, {
				Name: "a search that is not a list", Path: "/v1/ext/link/revoked/list", Body: `{"search":"kim"}`,
				WantStatus: http.StatusBadRequest, WantContent: []string{`"/search"`},
			}, {
				Name: "an empty search term", Path: "/v1/ext/link/revoked/list", Body: `{"search":[""]}`,
				WantStatus: http.StatusBadRequest, WantContent: []string{`"/search/0"`},
			}, {
				Name: "a size as a string of digits", Path: "/v1/ext/link/revoked/list", Body: `{"size":"1"}`,
				WantStatus: http.StatusOK, WantContent: []string{`"count":3`, newest[0]},
				NotWantContent: []string{newest[1]},
			}})
		})

		noToken, revokedToken := "", ""
		sharetest.Run(t, e, []sharetest.Scenario{{
			Name: "get of a live link is not found (link/get has it)", Path: "/v1/ext/link/revoked/get",
			Body: `{"id":"` + live.ID + `"}`, WantStatus: http.StatusNotFound, WantContent: []string{`"NotFound"`},
		}, {
			Name: "get of an unknown id", Path: "/v1/ext/link/revoked/get",
			Body:       `{"id":"psl_doesnotexistdoesnotexistdoesnot"}`,
			WantStatus: http.StatusNotFound, WantContent: []string{`"NotFound"`},
		}, {
			Name: "get without an id", Path: "/v1/ext/link/revoked/get", Body: `{}`,
			WantStatus: http.StatusBadRequest, WantContent: []string{`"/id"`},
		}, {
			Name: "get never shows secrets", Path: "/v1/ext/link/revoked/get", Body: `{"id":"` + nda.ID + `"}`,
			WantStatus: http.StatusOK, WantContent: []string{`"revoked_by":"hal@example.com"`, `"********"`},
			NotWantContent: []string{"correct horse", "secret message", "argon2", "/s/"},
		}, {
			Name: "list without a token", Path: "/v1/ext/link/revoked/list", Body: `{}`, Token: &noToken,
			WantStatus: http.StatusUnauthorized,
		}, {
			Name: "get with a revoked token", Path: "/v1/ext/link/revoked/get", Body: `{"id":"` + nda.ID + `"}`,
			Token: &revokedToken, WantStatus: http.StatusUnauthorized,
			Before: func(t *testing.T, e *sharetest.Env) {
				tok, made, err := e.Svc.CreateToken(ctx, "short-lived")
				if err != nil {
					t.Fatal(err)
				}
				if err := e.Svc.RevokeToken(ctx, made.ID); err != nil {
					t.Fatal(err)
				}
				revokedToken = tok
			},
		}, {
			Name: "delete names who revokes, within the address limit", Path: "/v1/share/link/delete",
			Body:       `{"ids":["` + live.ID + `"],"ext_revoked_by":"` + strings.Repeat("a", 255) + `"}`,
			WantStatus: http.StatusBadRequest, WantContent: []string{`"/ext_revoked_by"`},
		}})
	})
}

// The events endpoint also answers newest first (order desc), the link page's timeline, and pages
// backwards from there.
func TestLinkEventsNewestFirst(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e, f := startSeeded(t, kind)
		ctx := context.Background()
		l := sharetest.Must(e.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{
			Targets: []string{f.a.ID}, Authenticators: emailAuth("ann@example.com")}}}))(t).ShareLinkObjects[0]
		sharetest.Must(e.Client.LinkSend(ctx, api.LinkSendRequest{Links: []api.LinkSendItem{{ID: l.ID, Email: "ann@example.com"}},
			SenderEmail: "sam@example.com"}))(t)
		sharetest.Must(e.Client.LinkDelete(ctx, api.LinkDeleteRequest{IDs: []string{l.ID}}))(t)
		var got []string
		last := ""
		for range 5 {
			page := sharetest.Must(e.Client.LinkEvents(ctx, api.LinkEventsRequest{ID: l.ID, Size: 1, Order: "desc", Last: last}))(t)
			for _, ev := range page.Events {
				got = append(got, ev.Type)
			}
			if last = page.Last; last == "" {
				break
			}
		}
		if want := []string{"revoked", "sent", "created"}; !slices.Equal(got, want) {
			t.Errorf("newest first, a page at a time: got %v, want %v", got, want)
		}
		sharetest.Run(t, e, []sharetest.Scenario{{
			Name: "an order that is neither", Path: "/v1/ext/link/events", Body: `{"id":"` + l.ID + `","order":"newest"}`,
			WantStatus: http.StatusBadRequest, WantContent: []string{`"/order"`},
		}})
	})
}
