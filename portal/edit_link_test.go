package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// requestCode asks for a code for authenticator i and returns it from the mail or text it went to.
func requestCode(t *testing.T, e *sharetest.Env, r *recipient, l api.ShareLink, i, nth int, to string) string {
	t.Helper()
	p := r.post(linkPath(e, l)+"/code", url.Values{"auth": {itoa(i)}})
	if p.status != http.StatusOK {
		t.Fatalf("code for %s: got %d\n%.600s", to, p.status, p.body)
	}
	if strings.HasPrefix(to, "+") {
		sms, ok := e.SMS.Last(to)
		if !ok {
			t.Fatalf("no text to %s", to)
		}
		return codeIn(t, sms.Text)
	}
	return codeIn(t, e.Mail.WaitN(t, to, nth).Text)
}

func itoa(i int) string { return string(rune('0' + i)) }

// TestEditedLinkInThePortal: what link/update changes holds at the portal's next request: a later
// expiry keeps a link open past its old one, a limit lowered to the openings so far makes it used up,
// an added address signs in with its own code, and a removed one can neither use a code it already
// holds nor keep an open session.
func TestEditedLinkInThePortal(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := sharetest.Start(t, kind, sharetest.Options{})
		ctx := context.Background()
		tr := makeTree(t, e)
		exp := e.Clock.Now().Add(time.Hour)
		l := createLink(t, e, api.LinkCreateItem{Targets: []string{tr.a.ID}, ExpiresAt: &exp,
			MaxAccessCount: ptr(10), Authenticators: []api.Authenticator{
				{AuthType: "email_otp", AuthContext: "kim@partner.example"},
				{AuthType: "sms_otp", AuthContext: "+15555550123"}}})
		update := func(u api.LinkUpdateRequest) {
			t.Helper()
			u.ID = l.ID
			sharetest.Must(e.Client.LinkUpdate(ctx, u))(t)
		}

		// The phone signs in; then kim asks for a code, and before she uses it both are removed
		// (boss added, so the link keeps a way in).
		phone := newRecipient(t, e)
		code := requestCode(t, e, phone, l, 1, 1, "+15555550123")
		if p := phone.post(linkPath(e, l)+"/verify", url.Values{"auth": {"1"}, "code": {code}}); p.status != 200 {
			t.Fatalf("phone sign-in: got %d", p.status)
		}
		kim := newRecipient(t, e)
		kimCode := requestCode(t, e, kim, l, 0, 1, "kim@partner.example")
		update(api.LinkUpdateRequest{
			AddAuthenticators: []api.Authenticator{{AuthType: "email_otp", AuthContext: "boss@partner.example"}},
			RemoveAuthenticators: []api.Authenticator{{AuthType: "email_otp", AuthContext: "kim@partner.example"},
				{AuthType: "sms_otp", AuthContext: "+15555550123"}},
		})
		if p := phone.get("/p/"); p.status == http.StatusOK {
			t.Errorf("session of a removed recipient: got 200, want it ended")
		}
		// kim's code was issued for position 0, where boss is now: it must not open the link.
		if p := kim.post(linkPath(e, l)+"/verify", url.Values{"auth": {"0"}, "code": {kimCode}}); p.status == 200 {
			t.Errorf("a removed recipient's code still opened the link")
		}
		// A later expiry: past the old one the link still opens, for boss, who was added.
		update(api.LinkUpdateRequest{ExpiresAt: ptr(exp.Add(24 * time.Hour))})
		e.Clock.Advance(2 * time.Hour)
		open := newRecipient(t, e).get(linkPath(e, l))
		offered, want := open.texts(t, "code-request"), []string{"Email me a code at b***@partner.example"}
		if open.status != http.StatusOK || !slices.Equal(offered, want) {
			t.Errorf("open page past the old expiry: got %d offering %q, want 200 offering %q", open.status, offered, want)
		}
		boss := newRecipient(t, e)
		code = requestCode(t, e, boss, l, 0, 1, "boss@partner.example")
		if p := boss.post(linkPath(e, l)+"/verify", url.Values{"auth": {"0"}, "code": {code}}); p.status != 200 ||
			!slices.Contains(p.texts(t, "item-name"), "a.txt") {
			t.Fatalf("added recipient's sign-in: got %d", p.status)
		}
		// An earlier one ends it at the next request.
		update(api.LinkUpdateRequest{ExpiresAt: ptr(e.Clock.Now().Add(time.Minute))})
		e.Clock.Advance(2 * time.Minute)
		if p := boss.get("/p/"); p.status != http.StatusGone {
			t.Errorf("session past the new, earlier expiry: got %d, want 410", p.status)
		}

		// A limit lowered to the openings so far (two) uses the link up at once.
		update(api.LinkUpdateRequest{ExpiresAt: ptr(e.Clock.Now().Add(time.Hour)), MaxAccessCount: ptr(2)})
		if p := newRecipient(t, e).get(linkPath(e, l)); p.status != http.StatusGone {
			t.Errorf("link at its lowered limit: got %d, want 410 used up", p.status)
		}
		if l := sharetest.Must(e.Client.LinkGet(ctx, api.LinkGetRequest{ID: l.ID}))(t).ShareLinkObject; l.AccessCount != 2 {
			t.Errorf("openings: got %d, want 2", l.AccessCount)
		}
	})
}

// TestSendToSeveralInThePortal: a link sent to kim and boss through the console's link/send (with
// ext_add_authenticators) can be opened by each with a code sent to their own address.
func TestSendToSeveralInThePortal(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := sharetest.Start(t, kind, sharetest.Options{})
		ctx := context.Background()
		tr := makeTree(t, e)
		l := createLink(t, e, api.LinkCreateItem{Targets: []string{tr.a.ID},
			Authenticators: []api.Authenticator{{AuthType: "email_otp", AuthContext: "kim@partner.example"}}})
		sharetest.Must(e.Client.LinkSend(ctx, api.LinkSendRequest{SenderEmail: "sam@example.com", ExtAddAuthenticators: true,
			Links: []api.LinkSendItem{{ID: l.ID, Email: "kim@partner.example"}, {ID: l.ID, Email: "boss@partner.example"}}}))(t)
		for i, who := range []string{"kim@partner.example", "boss@partner.example"} {
			if m := e.Mail.Wait(t, who); !strings.Contains(m.Text, l.Link) {
				t.Fatalf("%s got no link", who)
			}
			r := newRecipient(t, e)
			code := requestCode(t, e, r, l, i, 2, who)
			if p := r.post(linkPath(e, l)+"/verify", url.Values{"auth": {itoa(i)}, "code": {code}}); p.status != 200 ||
				!slices.Contains(p.texts(t, "item-name"), "a.txt") {
				t.Errorf("%s signing in with their own code: got %d", who, p.status)
			}
		}
	})
}
