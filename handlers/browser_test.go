package handlers_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestConsoleInBrowser is the whole story in headless Chromium: a sharer signs in with the identity
// provider, filters links, shares a file with an email code; the recipient reads the email, opens the
// link, enters the code and downloads; a helpdesk person revokes the link and the recipient's next
// request is refused. The service token must never reach the browser or the logs.
func TestConsoleInBrowser(t *testing.T) {
	t.Run("development provider", func(t *testing.T) {
		consoleStory(t, startConsole(t, "sqlite"), func(b context.Context, email string) {
			choosePerson(t, b, email)
		})
	})
	t.Run("certified provider", func(t *testing.T) {
		e := startConsoleWith(t, "sqlite", func(e *consoleEnv) (string, []string) { return startCertifiedProvider(t, e) })
		consoleStory(t, e, func(b context.Context, email string) {
			login := strings.Split(email, "@")[0]
			sharetest.WaitJS(t, b, `!!document.querySelector('input[name="login"]')`)
			sharetest.Script(t, b, `document.querySelector('input[name="login"]').value = "`+login+`";
				document.querySelector('input[name="password"]').value = "any password";
				document.querySelector('form').submit()`)
			// The provider asks for consent the first time a person uses the console.
			sharetest.WaitJS(t, b, `location.pathname.startsWith("/interaction/") || location.host.startsWith("localhost")`)
			loc, _ := chromedp.Run(b, chromedp.Evaluate[string](`location.href`))
			if strings.Contains(loc, "/interaction/") {
				sharetest.WaitJS(t, b, `!!document.querySelector('form')`)
				sharetest.Script(t, b, `document.querySelector('form').submit()`)
			}
		})
	})
}

// htmxDo runs a script that makes htmx swap something in (a click on an hx- control) and waits until
// htmx has settled it: only then are the new controls htmx's to handle. A click before that would be
// the browser's own (a whole-page post), which works but is not what the test means to check. A page
// load instead of a swap never settles here, so it fails the wait.
func htmxDo(t *testing.T, b context.Context, script string) {
	t.Helper()
	before, err := chromedp.Run(b, chromedp.Evaluate[int](`(() => {
		if (!window.__settles) {
			window.__settles = {n: 0};
			document.addEventListener("htmx:afterSettle", () => { window.__settles.n++; });
		}
		return window.__settles.n; })()`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(b, chromedp.Evaluate[any](script)); err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	sharetest.WaitJS(t, b, fmt.Sprintf(`!!window.__settles && window.__settles.n > %d && !document.querySelector(".htmx-request")`, before))
}

func consoleStory(t *testing.T, e *consoleEnv, pickPerson func(b context.Context, email string)) {
	_, file, _ := seedLinks(t, e)
	b := sharetest.Browser(t)
	var seen []string // every page the browser showed
	html := func() string {
		t.Helper()
		// Read in one script call: a node looked up first and read after can be replaced in between
		// (the last redirect of a sign-in, an htmx swap), which fails the read.
		var s string
		var err error
		for range 20 {
			if s, err = chromedp.Run(b, chromedp.Evaluate[string](`document.documentElement.outerHTML`)); err == nil {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, s)
		return s
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("console log:\n%s", e.logs.String())
		}
	})
	desktop := chromedp.EmulateViewport(1280, 900)
	signIn := func(email string) {
		t.Helper()
		sharetest.Do(t, b, chromedp.Navigate(e.url+"/links"))
		pickPerson(b, email)
		// The sign-in ends in redirects: the page read next must be the last one, loaded.
		sharetest.WaitJS(t, b, `document.readyState === "complete" && location.pathname === "/links" && !!document.querySelector(".who")`)
	}

	sharetest.Do(t, b, desktop)
	signIn("sam@example.com")
	if got := html(); !strings.Contains(got, "Sam Sharer") || !strings.Contains(got, "3 links match") {
		t.Fatalf("after sign-in: not on the links page:\n%.2000s", got)
	}

	// The page must have finished loading (the sign-in ends in redirects) and htmx be ready before
	// typing; #results is replaced by each in-place update, so it is waited on by script, not through a
	// node looked up first.
	sharetest.WaitJS(t, b, `document.readyState === "complete" && !!window.htmx && !!document.querySelector("#q")`)
	sharetest.Do(t, b, chromedp.SendKeys("#q", "board"))
	sharetest.WaitJS(t, b, `!!document.querySelector("#results") && document.querySelector("#results").textContent.includes("1 link matches") && location.search.includes("q=board")`)
	if got := html(); !strings.Contains(got, "1 link matches") {
		t.Errorf("filtering did not narrow the table")
	}
	loc, _ := chromedp.Run(b, chromedp.Location())
	if !strings.Contains(loc, "q=board") {
		t.Errorf("the filter is not in the address: %s", loc)
	}

	sharetest.Do(t, b, chromedp.Navigate(e.url+"/links/new?target="+file.ID), chromedp.WaitVisible("#recipients"))
	sharetest.Do(t, b, chromedp.SendKeys("#recipients", "reader@example.com"), chromedp.SendKeys("#title", "NDA for review"),
		chromedp.SendKeys("#message", "Please review and sign."))
	sharetest.Do(t, b, chromedp.Submit("#title"))
	// The form page has .card h2 too: wait for the answer itself, not for an element both pages share.
	sharetest.WaitJS(t, b, `document.body.textContent.includes("Created 1 link")`)
	if got := html(); !strings.Contains(got, "Created 1 link") {
		t.Fatalf("link not created")
	}

	mail := e.share.Mail.Wait(t, "reader@example.com")
	linkURL := regexp.MustCompile(`http://\S+/s/[a-z2-7]{32}`).FindString(mail.Text)
	if linkURL == "" {
		t.Fatalf("no link in the email:\n%s", mail.Text)
	}
	// The recipient, in their own browser.
	r := sharetest.Browser(t)
	if err := chromedp.Do(r, chromedp.Navigate(linkURL), chromedp.Click("#auth-0 button"), chromedp.WaitVisible("#code-0")); err != nil {
		t.Fatal(err)
	}
	code := regexp.MustCompile(`\b\d{6}\b`).FindString(e.share.Mail.WaitN(t, "reader@example.com", 2).Text)
	if err := chromedp.Do(r, chromedp.SendKeys("#code-0", code), chromedp.Submit("#code-0"), chromedp.WaitVisible("table")); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(r, chromedp.Evaluate[string](`fetch("/p/d/`+file.ID+`").then(r => r.text())`, chromedp.EvalAwaitPromise))
	if err != nil || got != "NDA" {
		t.Fatalf("recipient download: %q %v", got, err)
	}

	// Help desk revokes it.
	hb := sharetest.Browser(t)
	b = hb
	sharetest.Do(t, b, desktop)
	signIn("hal@example.com")
	l := sharetest.Must(e.share.Client.LinkList(context.Background(), api.LinkListRequest{Filter: map[string]any{"title": "NDA for review"}}))(t).ShareLinkObjects[0]
	sharetest.Do(t, b, chromedp.Navigate(e.url+"/links/"+l.ID), chromedp.WaitVisible("h1"))
	sharetest.Do(t, b, chromedp.Click(`a.button.danger`), chromedp.WaitVisible("form button.danger"))
	sharetest.Do(t, b, chromedp.Click("form button.danger"), chromedp.WaitVisible(".ok"))
	if got := html(); !strings.Contains(got, "Revoked 1 link") {
		t.Errorf("no confirmation after revoking")
	}
	status, err := chromedp.Run(r, chromedp.Evaluate[float64](`fetch("/p/d/`+file.ID+`").then(r => r.status)`, chromedp.EvalAwaitPromise))
	if err != nil || status != 404 {
		t.Errorf("recipient after revocation: status %v (%v), want 404", status, err)
	}

	// The canary: the service token never reached a browser or the logs.
	for _, page := range seen {
		if strings.Contains(page, e.share.Token) {
			t.Fatal("the service token appeared in a page")
		}
	}
	if strings.Contains(e.logs.String(), e.share.Token) || strings.Contains(e.share.Logs.String(), e.share.Token) {
		t.Fatal("the service token appeared in the logs")
	}
	if leaks := e.leaks.String(); leaks != "" {
		t.Fatalf("console responses carried the service token (headers or body):\n%s", leaks)
	}
}
