package handlers_test

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestHTMXFailuresInBrowser changes filters while things break: the share server stops mid-session
// (503), the console's token is revoked (502), the console itself is gone (no answer). Each time the
// message appears right above the table, the table is marked out of date, and Try again works once the
// cause is gone.
func TestHTMXFailuresInBrowser(t *testing.T) {
	e := startConsole(t, "sqlite")
	seedLinks(t, e)
	b := sharetest.Browser(t)
	sharetest.Do(t, b, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.url+"/links"))
	choosePerson(t, b, "sam@example.com")
	sharetest.WaitJS(t, b, `!!document.querySelector("#results") && !!window.htmx`)

	// setType changes the type filter as a person would; htmx sends the request on change.
	setType := func(value string) {
		t.Helper()
		sharetest.JS(t, b, `(() => { const s = document.querySelector("#type"); s.value = "`+value+`";
			s.dispatchEvent(new Event("change", {bubbles: true})); return ""; })()`)
	}
	// failure waits for the message and checks where it is and what it marks.
	failure := func(step, want string) {
		t.Helper()
		// The message of the step before may still be there: wait for this step's.
		sharetest.WaitJS(t, b, `!!document.querySelector("#htmx-error") && document.querySelector("#htmx-error").textContent.includes(`+strconv.Quote(want)+`)`)
		if got := sharetest.JS(t, b, `document.querySelector("#htmx-error").textContent`); !strings.Contains(got, want) {
			t.Errorf("%s: message %q, want %q", step, got, want)
		}
		if got := sharetest.JS(t, b, `document.querySelector("#htmx-error").getAttribute("role") + " " + document.querySelector("#htmx-error").nextElementSibling.id`); got != "alert results" {
			t.Errorf("%s: got %q, want an alert right above #results", step, got)
		}
		if got := sharetest.JS(t, b, `String(document.querySelector("#results").classList.contains("stale"))`); got != "true" {
			t.Errorf("%s: the table is not marked out of date", step)
		}
		if got := sharetest.JS(t, b, `document.querySelector("#htmx-error button").textContent`); got != "Try again" {
			t.Errorf("%s: got button %q, want Try again", step, got)
		}
	}
	recovered := func(step, wantInURL string) {
		t.Helper()
		sharetest.WaitJS(t, b, `!document.querySelector("#htmx-error") && !document.querySelector("#results.stale")`)
		if loc := sharetest.JS(t, b, `location.href`); !strings.Contains(loc, wantInURL) {
			t.Errorf("%s: address %s, want %s", step, loc, wantInURL)
		}
	}

	// 0. A value the browser refuses (a fraction in a whole-number box) stops htmx from sending: the
	// person is told which field, and nothing pretends to be updated.
	sharetest.JS(t, b, `(() => { const f = document.querySelector("#min_access"); f.value = "1.5";
		f.dispatchEvent(new Event("change", {bubbles: true})); return ""; })()`)
	sharetest.WaitJS(t, b, `!!document.querySelector("#htmx-error")`)
	if got := sharetest.JS(t, b, `document.querySelector("#htmx-error").textContent`); !strings.Contains(got, "Correct it") {
		t.Errorf("invalid field: message %q, want one naming the field", got)
	}
	if got := sharetest.JS(t, b, `document.querySelector("#min_access").getAttribute("aria-invalid") + " " + document.querySelector("#results").classList.contains("stale")`); got != "true true" {
		t.Errorf("invalid field: got %q, want the field marked invalid and the table out of date", got)
	}
	sharetest.JS(t, b, `(() => { const f = document.querySelector("#min_access"); f.value = "";
		f.dispatchEvent(new Event("input", {bubbles: true})); f.dispatchEvent(new Event("change", {bubbles: true})); return ""; })()`)
	recovered("invalid field corrected", "/links")
	// Let the requests of the correction finish, so a late answer cannot clear the next step's message.
	sharetest.WaitJS(t, b, `!document.querySelector(".htmx-request")`)
	time.Sleep(500 * time.Millisecond)

	// 1. The share server stops mid-session.
	addr := e.share.Server.Listener.Addr().String()
	handler := e.share.Server.Config.Handler
	e.share.Server.Close()
	setType("upload")
	failure("share server stopped", "The share service is unreachable")
	sharetest.Screenshot(t, b, "console-6-unreachable")
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	restarted := &http.Server{Handler: handler}
	go func() { _ = restarted.Serve(ln) }()
	t.Cleanup(func() { restarted.Close() })
	sharetest.Do(t, b, chromedp.Click("#htmx-error button"))
	recovered("share server back", "type=upload")

	// 2. The console's token is revoked: the share service refuses the console.
	if err := e.share.Svc.RevokeToken(context.Background(), "test"); err != nil {
		t.Fatal(err)
	}
	setType("download")
	failure("token revoked", "The share service refused the console")

	// 3. The console itself does not answer.
	e.console.Close()
	setType("editor")
	failure("console gone", "The console could not be reached")
}

// TestUnreachablePageSaysItOnce: the 503 page states its sentence once (it used to be in a banner
// and in the page body).
func TestUnreachablePageSaysItOnce(t *testing.T) {
	e := startConsole(t, "sqlite")
	s := e.signIn(t, "sam@example.com")
	e.share.Server.Close()
	p := s.get("/links")
	const sentence = "The console cannot reach the share service right now."
	if p.status != http.StatusServiceUnavailable || strings.Count(p.body, sentence) != 1 {
		t.Errorf("got %d with the sentence %d times, want 503 with it once", p.status, strings.Count(p.body, sentence))
	}
}
