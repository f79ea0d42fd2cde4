package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestLinkUpdateRefusals: every way POST /v1/ext/link/update can be wrong is a 400 (or 404) that
// names the field and says what to do, and changes nothing: not the link, not its history.
func TestLinkUpdateRefusals(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e, f := startSeeded(t, kind)
		ctx := context.Background()
		l, _ := linkToEdit(t, e, f, emailAuth("kim@partner.example")...)
		// Three openings, so a limit below three must be refused.
		opened := sharetest.Must(e.Svc.OpenLink(ctx, strings.TrimPrefix(l.Link, e.URL+"/s/")))(t)
		for range 3 {
			sharetest.Must(e.Svc.StartSession(ctx, opened))(t)
		}
		revoked := linkToA(t, e, f, api.LinkCreateItem{Authenticators: emailAuth("x@example.com")})
		sharetest.Must(e.Client.LinkDelete(ctx, api.LinkDeleteRequest{IDs: []string{revoked.ID}}))(t)
		before := mustJSON(t, sharetest.Must(e.Client.LinkGet(ctx, api.LinkGetRequest{ID: l.ID}))(t).ShareLinkObject)
		tenAddresses := make([]string, 10)
		for i := range tenAddresses {
			tenAddresses[i] = fmt.Sprintf(`{"auth_type":"email_otp","auth_context":"p%d@example.com"}`, i)
		}

		unchanged := func(t *testing.T, e *sharetest.Env, _ *http.Response, _ string) {
			after := sharetest.Must(e.Client.LinkGet(ctx, api.LinkGetRequest{ID: l.ID}))(t).ShareLinkObject
			if got := mustJSON(t, after); got != before {
				t.Errorf("a refused update changed the link:\ngot  %s\nwant %s", got, before)
			}
			for _, ev := range sharetest.Must(e.Client.LinkEvents(ctx, api.LinkEventsRequest{ID: l.ID}))(t).Events {
				if ev.Type == "edited" {
					t.Errorf("a refused update was recorded: %+v", ev)
				}
			}
		}
		// refused is an update of l (body has %q for its id) answered 400 with want among the errors.
		refused := func(name, body string, want sharetest.FieldError) sharetest.Scenario {
			return sharetest.Scenario{Name: name, Path: "/v1/ext/link/update", Body: fmt.Sprintf(body, l.ID),
				WantStatus: http.StatusBadRequest, WantErrors: []sharetest.FieldError{want}, After: unchanged}
		}
		notFound := func(name, id string) sharetest.Scenario {
			return sharetest.Scenario{Name: name, Path: "/v1/ext/link/update", Body: `{"id":"` + id + `","max_access_count":7}`,
				WantStatus: http.StatusNotFound, WantJSON: map[string]any{"/status": "NotFound"}, After: unchanged}
		}
		sharetest.Run(t, e, []sharetest.Scenario{
			refused("nothing to change", `{"id":%q}`,
				sharetest.FieldError{Code: "FieldRequired", Detail: "give at least one of"}),
			refused("expiry in the past", `{"id":%q,"expires_at":"2001-01-01T00:00:00Z"}`,
				sharetest.FieldError{Code: "BadState", Source: "/expires_at", Detail: "must be in the future"}),
			refused("expiry past the server's maximum", `{"id":%q,"expires_at":"2999-01-01T00:00:00Z"}`,
				sharetest.FieldError{Code: "BadState", Source: "/expires_at", Detail: "at most 90 days"}),
			refused("limit below the openings so far", `{"id":%q,"max_access_count":2}`,
				sharetest.FieldError{Code: "BadState", Source: "/max_access_count",
					Detail: "opened 3 times already: the limit cannot be below 3"}),
			refused("limit past the server's maximum", `{"id":%q,"max_access_count":5000}`,
				sharetest.FieldError{Code: "BadState", Source: "/max_access_count", Detail: "at most 1000"}),
			refused("limit zero", `{"id":%q,"max_access_count":0}`,
				sharetest.FieldError{Source: "/max_access_count"}),
			refused("removing an address the link lacks",
				`{"id":%q,"remove_authenticators":[{"auth_type":"email_otp","auth_context":"kim@partner.exmaple"}]}`,
				sharetest.FieldError{Code: "DoesNotExist", Source: "/remove_authenticators/0/auth_context",
					Detail: "kim@partner.exmaple is not a way to open"}),
			refused("removing the last way to open it",
				`{"id":%q,"remove_authenticators":[{"auth_type":"email_otp","auth_context":"KIM@partner.example"}]}`,
				sharetest.FieldError{Code: "BadState", Source: "/remove_authenticators",
					Detail: "add another recipient before removing the last"}),
			refused("adding a password", `{"id":%q,"add_authenticators":[{"auth_type":"password","auth_context":"long enough"}]}`,
				sharetest.FieldError{Code: "NotEnumMember", Source: "/add_authenticators/0/auth_type",
					Detail: "passwords cannot be changed"}),
			refused("adding a malformed address", `{"id":%q,"add_authenticators":[{"auth_type":"email_otp","auth_context":"boss"}]}`,
				sharetest.FieldError{Code: "BadFormat", Source: "/add_authenticators/0/auth_context", Detail: "email address"}),
			refused("adding a malformed phone", `{"id":%q,"add_authenticators":[{"auth_type":"sms_otp","auth_context":"555-1234"}]}`,
				sharetest.FieldError{Code: "BadFormat", Source: "/add_authenticators/0/auth_context", Detail: "international form"}),
			refused("adding and removing the same",
				`{"id":%q,"add_authenticators":[{"auth_type":"sms_otp","auth_context":"+15555550123"}],`+
					`"remove_authenticators":[{"auth_type":"sms_otp","auth_context":"+15555550123"}]}`,
				sharetest.FieldError{Code: "BadState", Source: "/add_authenticators/0", Detail: "also in remove_authenticators"}),
			refused("more than ten ways to open it", `{"id":%q,"add_authenticators":[`+strings.Join(tenAddresses, ",")+`]}`,
				sharetest.FieldError{Code: "BadState", Source: "/add_authenticators",
					Detail: "at most 10 ways to open it; it would have 11"}),
			refused("unknown field", `{"id":%q,"title":"new title"}`, sharetest.FieldError{Source: "/title"}),
			notFound("unknown link", "psl_"+strings.Repeat("a", 32)),
			notFound("revoked link", revoked.ID),
		})
	})
}

// TestLinkUpdateChanges: an update changes expiry, limit and recipients in place (the URL stays),
// says what changed, records one "edited" event that says it with addresses masked, and asking for
// what the link already has changes and records nothing.
func TestLinkUpdateChanges(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e, f := startSeeded(t, kind)
		ctx := context.Background()
		l, exp := linkToEdit(t, e, f, api.Authenticator{AuthType: "email_otp", AuthContext: "kim@partner.example"},
			api.Authenticator{AuthType: "sms_otp", AuthContext: "+15555550123"})
		later := exp.Add(24 * time.Hour).Truncate(time.Second)
		// An ordinary token speaking for someone: the history names both.
		secret, _, err := e.Svc.CreateToken(ctx, "helpdesk script")
		if err != nil {
			t.Fatal(err)
		}
		res := sharetest.Must(api.NewClient(e.URL, secret).LinkUpdate(ctx, api.LinkUpdateRequest{ID: l.ID, ExpiresAt: &later,
			MaxAccessCount: ptr(20), Actor: "hal@example.com",
			AddAuthenticators:    []api.Authenticator{{AuthType: "email_otp", AuthContext: "boss@partner.example"}},
			RemoveAuthenticators: []api.Authenticator{{AuthType: "sms_otp", AuthContext: "+15555550123"}}}))(t)
		got := res.ShareLinkObject
		checks := []struct{ name, got, want string }{
			{"changed", strings.Join(res.Changed, ","), "expires_at,max_access_count,authenticators"},
			{"URL", got.Link, l.Link},
			{"expiry", got.ExpiresAt.UTC().Format(time.RFC3339), later.UTC().Format(time.RFC3339)},
			{"limit", fmt.Sprint(got.MaxAccessCount), "20"},
			{"authenticators", fmt.Sprint(got.Authenticators),
				"[{email_otp kim@partner.example} {email_otp boss@partner.example}]"},
		}
		stored := sharetest.Must(e.Client.LinkGet(ctx, api.LinkGetRequest{ID: l.ID}))(t).ShareLinkObject
		checks = append(checks, struct{ name, got, want string }{"stored", mustJSON(t, stored), mustJSON(t, got)})
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
			}
		}
		edited := func() []api.LinkEvent {
			var out []api.LinkEvent
			for _, ev := range sharetest.Must(e.Client.LinkEvents(ctx, api.LinkEventsRequest{ID: l.ID}))(t).Events {
				if ev.Type == "edited" {
					out = append(out, ev)
				}
			}
			return out
		}
		evs := edited()
		if len(evs) != 1 {
			t.Fatalf("edited events: got %+v, want one", evs)
		}
		wantDetail := fmt.Sprintf("expiry %s → %s; openings 5 → 20; added email code to b***@partner.example; "+
			"removed text code to +1••••••0123 (through API token helpdesk script)", exp.UTC().Format("2006-01-02 15:04:05 UTC"),
			later.UTC().Format("2006-01-02 15:04:05 UTC"))
		if evs[0].Detail != wantDetail || evs[0].Actor != "hal@example.com" {
			t.Errorf("edited event: got actor %q detail %q,\nwant actor hal@example.com detail %q", evs[0].Actor,
				evs[0].Detail, wantDetail)
		}
		// The same again: nothing changes, nothing is recorded. An address differing only in case is
		// the same person.
		same := sharetest.Must(e.Client.LinkUpdate(ctx, api.LinkUpdateRequest{ID: l.ID, ExpiresAt: &later,
			MaxAccessCount:    ptr(20),
			AddAuthenticators: []api.Authenticator{{AuthType: "email_otp", AuthContext: "BOSS@partner.example"}}}))(t)
		if len(same.Changed) != 0 || len(edited()) != 1 {
			t.Errorf("repeated update: changed %v and %d edited events, want none and still 1", same.Changed,
				len(edited()))
		}
		// Without an actor the history names the API token.
		sharetest.Must(e.Client.LinkUpdate(ctx, api.LinkUpdateRequest{ID: l.ID, MaxAccessCount: ptr(7)}))(t)
		if evs := edited(); len(evs) != 2 || evs[1].Actor != "token test" || evs[1].Detail != "openings 20 → 7" {
			t.Errorf("second edit: got %+v, want actor \"token test\" and detail \"openings 20 → 7\"", evs)
		}
		// An admin token (the console's) speaking for someone: the person alone.
		sharetest.Must(e.Client.LinkUpdate(ctx, api.LinkUpdateRequest{ID: l.ID, MaxAccessCount: ptr(8), Actor: "sam@example.com"}))(t)
		if evs := edited(); len(evs) != 3 || evs[2].Actor != "sam@example.com" || evs[2].Detail != "openings 7 → 8" {
			t.Errorf("third edit: got %+v, want actor sam@example.com and detail \"openings 7 → 8\"", evs)
		}
	})
}

// TestRemovedRecipientIsNotWhoTheLinkIsFor: removing the person a link was sent to also clears the
// address it was sent to, so the link is no longer listed as theirs, nor found by a search for them.
func TestRemovedRecipientIsNotWhoTheLinkIsFor(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e, f := startSeeded(t, kind)
		ctx := context.Background()
		l := linkToA(t, e, f, api.LinkCreateItem{Authenticators: emailAuth("solo@partner.example"),
			SendParams: &api.SendParams{RecipientEmail: "solo@partner.example", SenderEmail: "sam@example.com"}})
		if l.RecipientEmail != "solo@partner.example" {
			t.Fatalf("recipient before: %q", l.RecipientEmail)
		}
		got := sharetest.Must(e.Client.LinkUpdate(ctx, api.LinkUpdateRequest{ID: l.ID,
			AddAuthenticators:    emailAuth("new@partner.example"),
			RemoveAuthenticators: emailAuth("SOLO@partner.example")}))(t).ShareLinkObject
		if got.RecipientEmail != "" {
			t.Errorf("recipient after removing them: got %q, want none", got.RecipientEmail)
		}
		for _, c := range []struct {
			term string
			want int
		}{{"solo@", 0}, {"new@", 1}} {
			if ids, n := listIDs(t, e, map[string]any{"ext_person__contains": []string{c.term}}, 10); n != c.want {
				t.Errorf("links for %q: got %v (count %d), want %d", c.term, ids, n, c.want)
			}
		}
	})
}

// TestSendToSeveralAddsAuthenticators: with ext_add_authenticators, a link that opens with an email
// code gains each address it is sent to, and says so per address; without it, link/send is Pangea's
// (recipient recorded, authenticators untouched); a link that opens with a password only is sent as it
// is either way.
func TestSendToSeveralAddsAuthenticators(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e, f := startSeededSMTP(t, kind)
		ctx := context.Background()
		mk := func(auths []api.Authenticator) api.ShareLink {
			return linkToA(t, e, f, api.LinkCreateItem{Authenticators: auths})
		}
		byCode, pangea := mk(emailAuth("kim@partner.example")), mk(emailAuth("kim@partner.example"))
		byPassword := mk([]api.Authenticator{{AuthType: "password", AuthContext: "correct horse"}})
		send := func(l api.ShareLink, ext bool, to ...string) *api.LinksResult {
			items := make([]api.LinkSendItem, len(to))
			for i, a := range to {
				items[i] = api.LinkSendItem{ID: l.ID, Email: a}
			}
			return sharetest.Must(e.Client.LinkSend(ctx, api.LinkSendRequest{Links: items, SenderEmail: "sam@example.com",
				ExtAddAuthenticators: ext}))(t)
		}
		res := send(byCode, true, "Kim@partner.example", "boss@partner.example")
		for i, want := range []bool{false, true} {
			if r := res.SendResults[i]; !r.Sent || r.AuthenticatorAdded != want {
				t.Errorf("result %d: got %+v, want sent and authenticator_added %v", i, r, want)
			}
		}
		for _, tc := range []struct {
			name string
			l    api.ShareLink
			want string
		}{
			{"email code link, with the extension", byCode, "[{email_otp kim@partner.example} {email_otp boss@partner.example}]"},
			{"email code link, Pangea's send", pangea, "[{email_otp kim@partner.example}]"},
			{"password link, with the extension", byPassword, "[{password ********}]"},
		} {
			if tc.l.ID == pangea.ID {
				send(pangea, false, "boss@partner.example")
			}
			if tc.l.ID == byPassword.ID {
				send(byPassword, true, "boss@partner.example")
			}
			got := sharetest.Must(e.Client.LinkGet(ctx, api.LinkGetRequest{ID: tc.l.ID}))(t).ShareLinkObject
			if fmt.Sprint(got.Authenticators) != tc.want || got.RecipientEmail != "boss@partner.example" {
				t.Errorf("%s: authenticators %v recipient %q, want %s and boss@partner.example", tc.name,
					got.Authenticators, got.RecipientEmail, tc.want)
			}
		}
		// Sending again to someone who was added changes nothing.
		if again := send(byCode, true, "boss@partner.example"); again.SendResults[0].AuthenticatorAdded {
			t.Errorf("sending again to boss: got authenticator_added, want false")
		}
		n := 0
		for _, ev := range sharetest.Must(e.Client.LinkEvents(ctx, api.LinkEventsRequest{ID: byCode.ID}))(t).Events {
			if ev.Type == "edited" {
				n++
				if ev.Detail != "added email code to b***@partner.example" || ev.Actor != "sam@example.com" {
					t.Errorf("edited event: got actor %q detail %q", ev.Actor, ev.Detail)
				}
			}
		}
		if n != 1 {
			t.Errorf("edited events: got %d, want 1", n)
		}
		// A link with ten ways to open it cannot take an eleventh: nothing is sent.
		var ten []api.Authenticator
		for i := range 10 {
			ten = append(ten, api.Authenticator{AuthType: "email_otp", AuthContext: fmt.Sprintf("p%d@example.com", i)})
		}
		full := mk(ten)
		body := fmt.Sprintf(`{"links":[{"id":%q,"email":"eleven@example.com"}],"sender_email":"sam@example.com",`+
			`"ext_add_authenticators":true}`, full.ID)
		if r := postRaw(t, e, "/v1/share/link/send", body); r.HTTP != 400 || !r.hasError("BadState", "/links/0/email") {
			t.Errorf("eleventh address: got HTTP %d %v, want 400 BadState at /links/0/email", r.HTTP, r.Result)
		}
		time.Sleep(200 * time.Millisecond)
		for _, m := range e.Mail.All() {
			for _, to := range m.To {
				if to == "eleven@example.com" {
					t.Error("the refused send emailed eleven@example.com")
				}
			}
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func ptr[T any](v T) *T { return &v }

// linkToEdit is the link the update tests change: to a.txt, for 48 hours and 5 openings, to auths. Its
// expiry is returned with it.
func linkToEdit(t *testing.T, e *sharetest.Env, f fixture, auths ...api.Authenticator) (api.ShareLink, time.Time) {
	t.Helper()
	exp := e.Clock.Now().Add(48 * time.Hour)
	return linkToA(t, e, f, api.LinkCreateItem{ExpiresAt: &exp, MaxAccessCount: ptr(5), Authenticators: auths}), exp
}

// linkToA creates a link to the fixture's a.txt; item says everything else about it.
func linkToA(t *testing.T, e *sharetest.Env, f fixture, item api.LinkCreateItem) api.ShareLink {
	t.Helper()
	item.Targets = []string{f.a.ID}
	req := api.LinkCreateRequest{Links: []api.LinkCreateItem{item}}
	return sharetest.Must(e.Client.LinkCreate(context.Background(), req))(t).ShareLinkObjects[0]
}
