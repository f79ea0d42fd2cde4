package portal_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

func TestPasswordFlow(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := sharetest.Start(t, kind, sharetest.Options{NoSMTP: true})
		tr := makeTree(t, e)
		l := createLink(t, e, api.LinkCreateItem{Targets: []string{tr.docs.ID}, Message: "See the folder", Authenticators: password("open sesame 1")})

		r := newRecipient(t, e)
		open := r.get(linkPath(e, l))
		sharetest.CheckTexts(t, "open page", open.body,
			sharetest.Want{ID: "link-title", Text: "Quarterly files"},
			sharetest.Want{ID: "link-message", Text: "See the folder"},
			sharetest.Want{ID: "grants", Text: "Download folder Docs"},
			sharetest.Want{ID: "auth-heading", Text: "Enter the password"})
		if got := open.text(t, "availability"); !strings.HasSuffix(got, "10 openings left") {
			t.Errorf("open page availability: got %q, want it to end with 10 openings left", got)
		}
		if open.doc(t).Find(`input[type="password"]`).AttrOr("autocomplete", "") != "current-password" {
			t.Error("the password field does not let password managers fill it")
		}
		for h, want := range map[string]string{"Referrer-Policy": "no-referrer", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"} {
			if got := open.header.Get(h); got != want {
				t.Errorf("%s: got %q, want %q", h, got, want)
			}
		}
		if csp := open.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") || strings.Contains(csp, "unsafe-inline") {
			t.Errorf("CSP: got %q", csp)
		}

		wrong := r.post(linkPath(e, l)+"/password", url.Values{"auth": {"0"}, "password": {"guess"}})
		if got, want := wrong.text(t, "auth-error"), "That password is not right."; wrong.status != http.StatusUnauthorized || got != want {
			t.Errorf("wrong password: got %d %q, want 401 %q (announced: role=alert)", wrong.status, got, want)
		}
		if got := sharetest.Must(e.Client.LinkGet(context.Background(), api.LinkGetRequest{ID: l.ID}))(t).ShareLinkObject; got.AccessCount != 0 {
			t.Errorf("a wrong password counted an access: %d", got.AccessCount)
		}
		if strings.Contains(e.Logs.String(), "guess") || strings.Contains(e.Logs.String(), "open sesame") {
			t.Error("a password attempt appears in the logs")
		}

		home := r.post(linkPath(e, l)+"/password", url.Values{"auth": {"0"}, "password": {"open sesame 1"}})
		if home.status != http.StatusOK || strings.Contains(home.url, "/s/") {
			t.Fatalf("right password: got %d at %s, want 200 off the token URL", home.status, home.url)
		}
		if got, want := home.texts(t, "item-name"), []string{"Sub", "a.txt", "b.txt"}; !slices.Equal(got, want) {
			t.Errorf("folder page items: got %q, want %q", got, want)
		}
		if home.text(t, "download-zip") == "" {
			t.Error("folder page offers no zip download")
		}
		// A file outside the share is looked for in the whole response: no part of it may name one.
		if got := home.text(t, "upload-heading"); got != "" || strings.Contains(home.body, "secret.txt") {
			t.Errorf("download link shows an upload form (%q) or a file outside the share", got)
		}
		got := sharetest.Must(e.Client.LinkGet(context.Background(), api.LinkGetRequest{ID: l.ID}))(t).ShareLinkObject
		if got.AccessCount != 1 || got.LastAccessedAt == nil {
			t.Errorf("after sign-in: access_count %d, last_accessed_at %v; want 1 and set", got.AccessCount, got.LastAccessedAt)
		}

		dl := r.get("/p/d/" + tr.b.ID)
		if dl.status != 200 || dl.body != "bravo bravo" || dl.header.Get("Content-Disposition") != "attachment; filename=b.txt" ||
			dl.header.Get("Cache-Control") != "no-store" || !strings.HasPrefix(dl.header.Get("Content-Type"), "text/plain") {
			t.Errorf("download: got %d %q %v", dl.status, dl.body, dl.header)
		}
		part := r.get("/p/d/"+tr.b.ID, "Range", "bytes=6-")
		if part.status != http.StatusPartialContent || part.body != "bravo" {
			t.Errorf("range: got %d %q, want 206 \"bravo\"", part.status, part.body)
		}
		sub := r.get("/p/f/" + tr.sub.ID)
		up := sub.testid(t, "crumbs").Find(`a[href="/p/f/` + tr.docs.ID + `"]`).Text()
		if !slices.Contains(sub.texts(t, "item-name"), "c.txt") || up != "Docs" {
			t.Errorf("subfolder: no c.txt or no way back to Docs")
		}
		zip := r.get("/p/zip?id=" + tr.docs.ID)
		if zip.status != 200 || !strings.HasPrefix(zip.body, "PK") {
			t.Errorf("zip: got %d", zip.status)
		}

		// Revocation ends the session on the very next request.
		sharetest.Must(e.Client.LinkDelete(context.Background(), api.LinkDeleteRequest{IDs: []string{l.ID}}))(t)
		after := r.get("/p/d/" + tr.b.ID)
		said, want := after.text(t, "page-message"), "This link has been revoked by the sender."
		if after.status != http.StatusNotFound || strings.Contains(after.body, "bravo") || said != want {
			t.Errorf("after revoke: got %d %q saying %q, want 404 saying %q", after.status, after.body, said, want)
		}
		if p := r.get(linkPath(e, l)); p.status != http.StatusNotFound {
			t.Errorf("revoked link page: got %d, want 404", p.status)
		}
	})
}

func TestEmailCodeFlow(t *testing.T) {
	e := sharetest.Start(t, "sqlite", sharetest.Options{})
	tr := makeTree(t, e)
	l := createLink(t, e, api.LinkCreateItem{Targets: []string{tr.a.ID}, Authenticators: []api.Authenticator{{AuthType: "email_otp", AuthContext: "jordan@example.com"}}})
	r := newRecipient(t, e)
	open := r.get(linkPath(e, l))
	if got, want := open.text(t, "code-request"), "Email me a code at j***@example.com"; got != want {
		t.Fatalf("open page offers %q, want %q", got, want)
	}
	sent := r.post(linkPath(e, l)+"/code", url.Values{"auth": {"0"}})
	said, want := sent.text(t, "code-sent"), "We sent a 6-digit code to j***@example.com."
	if said != want || sent.doc(t).Find(`input[name="code"]`).AttrOr("autocomplete", "") != "one-time-code" {
		t.Fatalf("after sending: page says %q, want %q and a field for the code", said, want)
	}
	code := codeIn(t, e.Mail.Wait(t, "jordan@example.com").Text)
	if strings.Contains(e.Logs.String(), code) {
		t.Error("the code appears in the logs")
	}
	wrongCode := fmt.Sprintf("%06d", (atoi(code)+1)%1000000)
	bad := r.post(linkPath(e, l)+"/verify", url.Values{"auth": {"0"}, "code": {wrongCode}})
	if got, want := bad.text(t, "auth-error"), "That code is not right. 4 tries left."; bad.status != http.StatusUnauthorized || got != want {
		t.Errorf("wrong code: got %d %q, want 401 %q", bad.status, got, want)
	}
	ok := r.post(linkPath(e, l)+"/verify", url.Values{"auth": {"0"}, "code": {code}})
	if ok.status != 200 || !slices.Contains(ok.texts(t, "item-name"), "a.txt") {
		t.Fatalf("right code: got %d at %s", ok.status, ok.url)
	}
	again := newRecipient(t, e).post(linkPath(e, l)+"/verify", url.Values{"auth": {"0"}, "code": {code}})
	if got, want := again.text(t, "auth-error"), "That code has been used. Ask for a new one."; again.status != http.StatusUnauthorized || got != want {
		t.Errorf("code reused: got %d %q, want 401 %q", again.status, got, want)
	}
}

func atoi(s string) int {
	n := 0
	fmt.Sscanf(s, "%d", &n)
	return n
}

func TestSMSCodeFlow(t *testing.T) {
	e := sharetest.Start(t, "sqlite", sharetest.Options{})
	tr := makeTree(t, e)
	l := createLink(t, e, api.LinkCreateItem{Targets: []string{tr.a.ID}, Authenticators: []api.Authenticator{
		{AuthType: "password", AuthContext: "not this one"}, {AuthType: "sms_otp", AuthContext: "+15555550123"}}})
	r := newRecipient(t, e)
	if open := r.get(linkPath(e, l)); open.text(t, "code-request") != "Text me a code at +1••••••0123" ||
		!slices.Equal(open.texts(t, "auth-heading"), []string{"Enter the password", "Get a code by text message"}) ||
		open.text(t, "auth-choice") != "Use any one of these." {
		t.Fatalf("open page does not offer both ways: %q, %q", open.texts(t, "auth-heading"), open.text(t, "code-request"))
	}
	r.post(linkPath(e, l)+"/code", url.Values{"auth": {"1"}})
	sms, ok := e.SMS.Last("+15555550123")
	if !ok || e.SMS.Rejected != 0 {
		t.Fatalf("no signed SMS arrived (rejected %d)", e.SMS.Rejected)
	}
	p := r.post(linkPath(e, l)+"/verify", url.Values{"auth": {"1"}, "code": {codeIn(t, sms.Text)}})
	if p.status != 200 || !slices.Contains(p.texts(t, "item-name"), "a.txt") {
		t.Errorf("sms code: got %d", p.status)
	}
}

func TestCodeLimits(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := sharetest.Start(t, kind, sharetest.Options{})
		tr := makeTree(t, e)
		l := createLink(t, e, api.LinkCreateItem{Targets: []string{tr.a.ID}, Authenticators: []api.Authenticator{{AuthType: "email_otp", AuthContext: "bf@example.com"}}})
		r := newRecipient(t, e)
		r.post(linkPath(e, l)+"/code", url.Values{"auth": {"0"}})
		code := codeIn(t, e.Mail.WaitN(t, "bf@example.com", 1).Text)
		wrongCode := fmt.Sprintf("%06d", (atoi(code)+1)%1000000)
		for i := range 5 {
			if p := r.post(linkPath(e, l)+"/verify", url.Values{"auth": {"0"}, "code": {wrongCode}}); p.status != http.StatusUnauthorized {
				t.Fatalf("wrong try %d: got %d", i+1, p.status)
			}
		}
		sixth := r.post(linkPath(e, l)+"/verify", url.Values{"auth": {"0"}, "code": {code}})
		if sixth.status != http.StatusUnauthorized || strings.HasPrefix(sixth.url, "/p/") {
			t.Errorf("right code after 5 wrong tries: got %d, want refused", sixth.status)
		}

		r.post(linkPath(e, l)+"/code", url.Values{"auth": {"0"}})
		code2 := codeIn(t, e.Mail.WaitN(t, "bf@example.com", 2).Text)
		e.Clock.Advance(share.OTPLifetime + time.Second)
		if p := r.post(linkPath(e, l)+"/verify", url.Values{"auth": {"0"}, "code": {code2}}); p.status != http.StatusUnauthorized ||
			p.text(t, "auth-error") != "That code has expired. Ask for a new one." {
			t.Errorf("expired code: got %d %q, want refused as expired", p.status, p.text(t, "auth-error"))
		}

		for i := 3; i <= 5; i++ {
			if p := r.post(linkPath(e, l)+"/code", url.Values{"auth": {"0"}}); p.status != http.StatusOK {
				t.Fatalf("code %d of the hour: got %d", i, p.status)
			}
		}
		if p := r.post(linkPath(e, l)+"/code", url.Values{"auth": {"0"}}); p.status != http.StatusTooManyRequests {
			t.Errorf("sixth code in an hour: got %d, want 429", p.status)
		}
		if got := sharetest.Must(e.Client.LinkGet(context.Background(), api.LinkGetRequest{ID: l.ID}))(t).ShareLinkObject.AccessCount; got != 0 {
			t.Errorf("refused attempts counted %d accesses", got)
		}
	})
}

func TestPasswordRateLimit(t *testing.T) {
	e, tr := startTree(t)
	l := createLink(t, e, api.LinkCreateItem{Targets: []string{tr.a.ID}, Authenticators: password("right password")})
	r := newRecipient(t, e)
	for i := range share.MaxFailuresPerLink {
		if p := r.post(linkPath(e, l)+"/password", url.Values{"auth": {"0"}, "password": {fmt.Sprint("wrong ", i)}}); p.status != http.StatusUnauthorized {
			t.Fatalf("try %d: got %d", i, p.status)
		}
	}
	if p := r.post(linkPath(e, l)+"/password", url.Values{"auth": {"0"}, "password": {"right password"}}); p.status != http.StatusTooManyRequests {
		t.Errorf("right password after %d failures: got %d, want 429", share.MaxFailuresPerLink, p.status)
	}
	e.Clock.Advance(share.FailureWindow + time.Second)
	if p := r.post(linkPath(e, l)+"/password", url.Values{"auth": {"0"}, "password": {"right password"}}); p.status != http.StatusOK {
		t.Errorf("after the window: got %d, want 200", p.status)
	}
}

func TestConcurrentAccessLimit(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := sharetest.Start(t, kind, sharetest.Options{NoSMTP: true})
		tr := makeTree(t, e)
		limit := 5
		api := createLink(t, e, api.LinkCreateItem{Targets: []string{tr.a.ID}, MaxAccessCount: &limit, Authenticators: password("concurrent!")})
		l, err := e.Svc.OpenLink(context.Background(), strings.TrimPrefix(linkPath(e, api), "/s/"))
		if err != nil {
			t.Fatal(err)
		}
		granted, refused := signInAtOnce(t, 200, func(int) error {
			_, err := e.Svc.StartSession(context.Background(), l)
			return err
		})
		if granted != limit || refused != 200-limit {
			t.Errorf("200 concurrent sign-ins against a limit of %d: granted %d, refused %d", limit, granted, refused)
		}
		if got := sharetest.Must(e.Client.LinkGet(context.Background(), apiGet(l.ID)))(t).ShareLinkObject.AccessCount; got != limit {
			t.Errorf("access_count: got %d, want %d", got, limit)
		}
		// A used-up link shows its own page.
		p := newRecipient(t, e).get(linkPath(e, api))
		if got, want := p.text(t, "page-message"), "This link has already been opened the 5 times it allows."; p.status != http.StatusGone || got != want {
			t.Errorf("used-up link: got %d %q, want 410 %q", p.status, got, want)
		}
	})
}

func apiGet(id string) api.LinkGetRequest { return api.LinkGetRequest{ID: id} }

func TestGoneAndUnknownLinks(t *testing.T) {
	e, tr := startTree(t)
	exp := e.Clock.Now().Add(time.Hour)
	l, r := signedInTo(t, e, api.LinkCreateItem{Targets: []string{tr.a.ID}, ExpiresAt: &exp}, "expiring link")
	e.Clock.Advance(2 * time.Hour)
	if p := r.get("/p/"); p.status != http.StatusGone {
		t.Errorf("session past the link's expiry: got %d, want 410", p.status)
	}
	if p := newRecipient(t, e).get(linkPath(e, l)); p.status != http.StatusGone || !strings.HasPrefix(p.text(t, "page-message"), "This link expired on ") {
		t.Errorf("expired link: got %d %q, want 410 saying it expired", p.status, p.text(t, "page-message"))
	}
	if p := newRecipient(t, e).get("/s/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"); p.status != http.StatusNotFound ||
		p.text(t, "page-heading") != "This link is not available" {
		t.Errorf("unknown link: got %d %q", p.status, p.text(t, "page-heading"))
	}
	if p := newRecipient(t, e).get("/p/"); p.status != http.StatusNotFound {
		t.Errorf("portal without a session: got %d, want 404", p.status)
	}
}

// TestPathSafety tries every action on objects outside an editor link's folder.
func TestPathSafety(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := sharetest.Start(t, kind, sharetest.Options{NoSMTP: true})
		tr := makeTree(t, e)
		_, r := signedInTo(t, e, api.LinkCreateItem{Targets: []string{tr.docs.ID}, LinkType: "editor"}, "editor pass")
		home := r.get("/p/")
		csrf := csrfOf(t, home)
		outside := []string{tr.private.ID, tr.secret.ID, tr.inbox.ID, "pos_doesnotexist", "../" + tr.secret.ID}
		for _, id := range outside {
			if p := r.get("/p/d/" + id); p.status != http.StatusNotFound || strings.Contains(p.body, "top secret") {
				t.Errorf("download %s: got %d", id, p.status)
			}
			if p := r.get("/p/f/" + id); p.status != http.StatusNotFound {
				t.Errorf("browse %s: got %d", id, p.status)
			}
			if p := r.get("/p/zip?id=" + url.QueryEscape(id)); p.status != http.StatusNotFound || strings.HasPrefix(p.body, "PK") {
				t.Errorf("zip %s: got %d", id, p.status)
			}
			if p := r.post("/p/rename/"+id, url.Values{"csrf": {csrf}, "name": {"pwned"}}); p.status != http.StatusNotFound {
				t.Errorf("rename %s: got %d", id, p.status)
			}
			if p := r.post("/p/delete/"+id, url.Values{"csrf": {csrf}}); p.status != http.StatusNotFound {
				t.Errorf("delete %s: got %d", id, p.status)
			}
			if p := upload(t, r, id, csrf, "x.txt", "intruder"); p.status != http.StatusNotFound {
				t.Errorf("upload into %s: got %d", id, p.status)
			}
		}
		// A zip mixing a reachable and an unreachable id is refused whole.
		if p := r.get("/p/zip?id=" + tr.a.ID + "&id=" + tr.secret.ID); p.status != http.StatusNotFound {
			t.Errorf("mixed zip: got %d", p.status)
		}
		if got := sharetest.Must(e.Client.Get(context.Background(), api.GetRequest{ID: tr.secret.ID}))(t).Object; got.Name != "secret.txt" {
			t.Errorf("an outside file changed: %+v", got)
		}
		list := sharetest.Must(e.Client.List(context.Background(), api.ListRequest{Filter: map[string]any{"parent_id": tr.private.ID}}))(t)
		if list.Count != 1 {
			t.Errorf("something was added to or removed from /Private: %d objects", list.Count)
		}
		// The shared folder itself cannot be renamed or deleted from the portal.
		p := r.post("/p/delete/"+tr.docs.ID, url.Values{"csrf": {csrf}})
		if got, want := p.text(t, "flash-error"), `"Docs" is what was shared with you; it cannot be renamed or deleted from here.`; got != want {
			t.Errorf("delete the shared folder: got %d %q, want %q", p.status, got, want)
		}
	})
}

func TestSignOut(t *testing.T) {
	e, tr := startTree(t)
	_, r := signedInTo(t, e, api.LinkCreateItem{Targets: []string{tr.a.ID}}, "sign me out")
	csrf := csrfOf(t, r.get("/p/"))
	if p := r.post("/p/signout", url.Values{"csrf": {csrf}}); p.text(t, "page-heading") != "You are signed out" {
		t.Errorf("sign out: got %d %q", p.status, p.text(t, "page-heading"))
	}
	if p := r.get("/p/"); p.status != http.StatusNotFound {
		t.Errorf("after sign out: got %d, want 404", p.status)
	}
}

func TestEmptySelection(t *testing.T) {
	e, tr := startTree(t)
	_, r := signedInTo(t, e, api.LinkCreateItem{Targets: []string{tr.docs.ID}}, "empty selection")
	p := r.get("/p/zip?back=/p/f/" + tr.sub.ID)
	if got, want := p.text(t, "flash-error"), "Select at least one file or folder to download."; p.url != "/p/f/"+tr.sub.ID || got != want {
		t.Errorf("empty zip selection: ended at %s saying %q, want %q", p.url, got, want)
	}
	if p := r.get("/p/zip?back=//evil.example/p/"); p.url != "/p/f/"+tr.docs.ID && p.url != "/p/" {
		t.Errorf("back to another site: ended at %s", p.url)
	}
}
