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
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		c, cancel := context.WithTimeout(b, 15*time.Second)
		defer cancel()
		if err := chromedp.Do(c, steps...); err != nil {
			loc, _ := chromedp.Run(b, chromedp.Location())
			t.Fatalf("at %s: %v", loc, err)
		}
	}
	js := func(code string) string {
		t.Helper()
		var s string
		var err error
		for range 20 { // a page being replaced can fail a read: try again
			if s, err = chromedp.Run(b, chromedp.Evaluate[string](code)); err == nil {
				return s
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatalf("%s: %v", code, err)
		return ""
	}
	testid := func(id string) string {
		return `document.querySelector('[data-testid="` + id + `"]')`
	}
	do(chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.url+"/"))
	if _, err := chromedp.Run(b, chromedp.Evaluate[any](`document.querySelector('form:has(input[value="ada@example.com"])').submit()`)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, b, `location.pathname === "/dashboard" && !!`+testid("dash-active"))
	sharetest.Screenshot(t, b, "console-7-dashboard")

	for _, c := range []struct{ id, list, want string }{
		{"dash-active", "link-count", "4"},
		{"dash-expiring", "link-count", "3"},
		{"dash-failed", "activity-count", "1"},
	} {
		do(chromedp.Navigate(e.url + "/dashboard"))
		waitJS(t, b, `!!`+testid(c.id+"-number"))
		got := js(testid(c.id+"-number") + `.textContent.trim()`)
		if got != c.want {
			t.Errorf("%s: the dashboard says %q, want %q", c.id, got, c.want)
		}
		do(chromedp.Click(`[data-testid="` + c.id + `"]`))
		waitJS(t, b, `!location.pathname.startsWith("/dashboard") && !!`+testid(c.list))
		if shown := number(js(testid(c.list) + `.textContent`)); shown != got {
			t.Errorf("%s opens %s, which shows %q; want %q", c.id, js(`location.href`), shown, got)
		}
	}

	// A token, shown once.
	do(chromedp.Navigate(e.url+"/admin/tokens"), chromedp.WaitVisible("#token-name"), chromedp.SendKeys("#token-name", "ci deploy"),
		chromedp.Submit("#token-name"))
	waitJS(t, b, `!!`+testid("token-secret"))
	secret := js(testid("token-secret") + `.value`)
	if !strings.HasPrefix(secret, "shd_") || strings.Contains(js(`location.href`), secret) {
		t.Fatalf("created: secret %q at %s", secret, js(`location.href`))
	}
	sharetest.Screenshot(t, b, "console-8-token-created")
	if _, err := api.NewClient(e.share.URL, secret).Buckets(ctx); err != nil {
		t.Errorf("the token shown does not work: %v", err)
	}
	do(chromedp.Reload())
	waitJS(t, b, `!!`+testid("token-gone"))
	if strings.Contains(js(`document.documentElement.outerHTML`), secret) {
		t.Error("a reload shows the token again")
	}
	if n := len(sharetest.Must(e.share.Client.Tokens(ctx))(t).Tokens); n != 2 {
		t.Errorf("%d tokens after a create and a reload, want 2", n)
	}

	// Revoking asks first; "no" keeps the token, "yes" revokes at once (no confirmation page).
	revoke := `[aria-label="Revoke ci deploy"]`
	do(chromedp.Navigate(e.url+"/admin/tokens"), chromedp.WaitVisible(revoke))
	js(`window.confirm = () => false; ""`)
	do(chromedp.Click(revoke))
	time.Sleep(500 * time.Millisecond)
	if loc := js(`location.pathname`); loc != "/admin/tokens" {
		t.Errorf("answering no: went to %s", loc)
	}
	if _, err := api.NewClient(e.share.URL, secret).Buckets(ctx); err != nil {
		t.Errorf("answering no revoked the token: %v", err)
	}
	js(`window.confirm = () => true; ""`)
	do(chromedp.Click(revoke))
	waitJS(t, b, `!!`+testid("flash")+` && `+testid("flash")+`.textContent.includes("Revoked the API token")`)
	if loc := js(`location.pathname`); loc != "/admin/tokens" {
		t.Errorf("after revoking: at %s, want the tokens page", loc)
	}
	if _, err := api.NewClient(e.share.URL, secret).Buckets(ctx); !api.IsStatus(err, "Unauthorized") {
		t.Errorf("the revoked token still works: %v", err)
	}

	// Deleting a file the same way.
	old := sharetest.Must(e.share.Client.Put(ctx, api.PutRequest{Name: "old.txt"}, "old.txt", strings.NewReader("o")))(t).Object
	del := `[aria-label="Delete old.txt"]`
	do(chromedp.Navigate(e.url+"/files"), chromedp.WaitVisible(del))
	sharetest.Screenshot(t, b, "console-9-files")
	js(`window.confirm = () => true; ""`)
	do(chromedp.Click(del))
	waitJS(t, b, `!!`+testid("flash")+` && `+testid("flash")+`.textContent.includes("Deleted old.txt")`)
	if _, err := e.share.Client.Get(ctx, api.GetRequest{ID: old.ID}); !api.IsStatus(err, "NotFound") {
		t.Errorf("old.txt is still there: %v", err)
	}
}
