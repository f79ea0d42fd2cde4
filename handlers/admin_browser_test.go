package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestAdminInBrowser, in headless Chromium: an admin lands on the dashboard, and each number opens a
// list that shows the same number; a new API token is shown once and a reload shows it no more;
// revoking it and deleting a file ask the browser's question and act at once when it is answered yes,
// and do nothing when it is answered no.
func TestAdminInBrowser(t *testing.T) {
	e := startConsole(t, "sqlite")
	ctx := context.Background()
	_, file, links := seedLinks(t, e)
	later := time.Now().Add(20 * 24 * time.Hour)
	far := sharetest.Must(e.share.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{
		Targets: []string{file.ID}, Title: "Annual report", ExpiresAt: &later,
		Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "correct horse"}}}}}))(t).ShareLinkObjects[0]
	wrongPassword(t, far)
	openLink(t, links[0])

	b := sharetest.Browser(t)
	sharetest.Step(t, "the admin signs in and lands on the dashboard", func(t *testing.T) {
		sharetest.Do(t, b, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.url+"/"))
		choosePerson(t, b, "ada@example.com")
		sharetest.WaitJS(t, b, `location.pathname === "/dashboard" && !!`+testid("dash-active"))
		sharetest.Screenshot(t, b, "console-7-dashboard")
	})
	sharetest.Step(t, "each number opens a list showing the same number", func(t *testing.T) {
		for _, c := range []struct{ id, list, want string }{
			{"dash-active", "link-count", "4"},
			{"dash-expiring", "link-count", "3"},
			{"dash-failed", "activity-count", "1"},
		} {
			sharetest.GoTo(t, b, e.url+"/dashboard")
			sharetest.WaitJS(t, b, `!!`+testid(c.id+"-number"))
			got := sharetest.JS(t, b, testid(c.id+"-number")+`.textContent.trim()`)
			if got != c.want {
				t.Errorf("%s: the dashboard says %q, want %q", c.id, got, c.want)
			}
			sharetest.Do(t, b, chromedp.Click(`[data-testid="`+c.id+`"]`))
			sharetest.WaitJS(t, b, `!location.pathname.startsWith("/dashboard") && !!`+testid(c.list))
			if shown := number(sharetest.JS(t, b, testid(c.list)+`.textContent`)); shown != got {
				t.Errorf("%s opens %s, which shows %q; want %q", c.id, sharetest.JS(t, b, `location.href`), shown, got)
			}
		}
	})
	var secret string
	sharetest.Step(t, "a new API token is shown once, and works", func(t *testing.T) {
		sharetest.Do(t, b, chromedp.Navigate(e.url+"/admin/tokens"), chromedp.WaitVisible("#token-name"),
			chromedp.SendKeys("#token-name", "ci deploy"), chromedp.Submit("#token-name"))
		sharetest.WaitJS(t, b, `!!`+testid("token-secret"))
		secret = sharetest.JS(t, b, testid("token-secret")+`.value`)
		if at := sharetest.JS(t, b, `location.href`); !strings.HasPrefix(secret, "shd_") || strings.Contains(at, secret) {
			t.Fatalf("created: secret %q at %s", secret, at)
		}
		sharetest.Screenshot(t, b, "console-8-token-created")
		if _, err := api.NewClient(e.share.URL, secret).Buckets(ctx); err != nil {
			t.Errorf("the token shown does not work: %v", err)
		}
	})
	sharetest.Step(t, "a reload shows the token no more", func(t *testing.T) {
		sharetest.Do(t, b, chromedp.Reload())
		sharetest.WaitJS(t, b, `!!`+testid("token-gone"))
		if strings.Contains(sharetest.JS(t, b, `document.documentElement.outerHTML`), secret) {
			t.Error("a reload shows the token again")
		}
		if n := len(sharetest.Must(e.share.Client.Tokens(ctx))(t).Tokens); n != 2 {
			t.Errorf("%d tokens after a create and a reload, want 2", n)
		}
	})
	// Revoking asks first; "no" keeps the token, "yes" revokes at once (no confirmation page).
	revoke := `[aria-label="Revoke ci deploy"]`
	sharetest.Step(t, "answering no to revoking the token keeps it", func(t *testing.T) {
		sharetest.Do(t, b, chromedp.Navigate(e.url+"/admin/tokens"), chromedp.WaitVisible(revoke))
		sharetest.Script(t, b, `window.confirm = () => false; undefined`)
		sharetest.Do(t, b, chromedp.Click(revoke))
		time.Sleep(500 * time.Millisecond)
		if loc := sharetest.JS(t, b, `location.pathname`); loc != "/admin/tokens" {
			t.Errorf("answering no: went to %s", loc)
		}
		if _, err := api.NewClient(e.share.URL, secret).Buckets(ctx); err != nil {
			t.Errorf("answering no revoked the token: %v", err)
		}
	})
	sharetest.Step(t, "answering yes revokes it at once", func(t *testing.T) {
		sharetest.Script(t, b, `window.confirm = () => true; undefined`)
		sharetest.Do(t, b, chromedp.Click(revoke))
		sharetest.WaitJS(t, b, `!!`+testid("flash")+` && `+testid("flash")+`.textContent.includes("Revoked the API token")`)
		if loc := sharetest.JS(t, b, `location.pathname`); loc != "/admin/tokens" {
			t.Errorf("after revoking: at %s, want the tokens page", loc)
		}
		if _, err := api.NewClient(e.share.URL, secret).Buckets(ctx); !api.IsStatus(err, "Unauthorized") {
			t.Errorf("the revoked token still works: %v", err)
		}
	})
	sharetest.Step(t, "answering yes to deleting a file deletes it at once", func(t *testing.T) {
		old := sharetest.Must(e.share.Client.Put(ctx, api.PutRequest{Name: "old.txt"}, "old.txt", strings.NewReader("o")))(t).Object
		del := `[aria-label="Delete old.txt"]`
		sharetest.Do(t, b, chromedp.Navigate(e.url+"/files"), chromedp.WaitVisible(del))
		sharetest.Screenshot(t, b, "console-9-files")
		sharetest.Script(t, b, `window.confirm = () => true; undefined`)
		sharetest.Do(t, b, chromedp.Click(del))
		sharetest.WaitJS(t, b, `!!`+testid("flash")+` && `+testid("flash")+`.textContent.includes("Deleted old.txt")`)
		if _, err := e.share.Client.Get(ctx, api.GetRequest{ID: old.ID}); !api.IsStatus(err, "NotFound") {
			t.Errorf("old.txt is still there: %v", err)
		}
	})
}

// testid is the script that finds the element marked data-testid="id".
func testid(id string) string {
	return `document.querySelector('[data-testid="` + id + `"]')`
}
