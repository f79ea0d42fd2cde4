package handlers_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestRevokedLinkInBrowser is the help desk's way in headless Chromium: revoke a link from its page,
// find it again under the Revoked status by part of the recipient's address typed in another case,
// open it and see who revoked it, when, and what happened to it, older events added in place.
func TestRevokedLinkInBrowser(t *testing.T) {
	e := startConsole(t, "sqlite")
	// The link was made an hour ago, and used since; it is revoked now.
	e.share.Clock.Advance(-time.Hour)
	_, _, links := seedLinks(t, e)
	e.share.Clock.Advance(time.Hour)
	l := links[0]
	record := func(t *testing.T, evs ...share.Event) {
		t.Helper()
		for i := range evs {
			evs[i].ID, evs[i].LinkID, evs[i].BucketID = share.NewID("evt_"), l.ID, l.BucketID
		}
		if err := e.share.Store.RecordEvents(context.Background(), evs); err != nil {
			t.Fatal(err)
		}
	}
	ago := func(m int) time.Time { return time.Now().Add(-time.Duration(m) * time.Minute) }
	const from = "203.0.113.7"
	record(t,
		share.Event{Type: "sent", Actor: "sam@example.com", Method: "email", Detail: "rcpta@example.com", At: ago(50)},
		share.Event{Type: "opened", Actor: "recipient", Client: from, At: ago(40)},
		share.Event{Type: "code_requested", Actor: "recipient", Client: from, Method: "email_otp", Detail: "r***@example.com",
			At: ago(40)},
		share.Event{Type: "failed_attempt", Actor: "recipient", Client: from, Method: "email_otp", Detail: "wrong code",
			Outcome: "failed", At: ago(39)},
		share.Event{Type: "signed_in", Actor: "recipient", Client: from, Method: "email_otp", Detail: "r***@example.com",
			At: ago(38)},
		share.Event{Type: "file_downloaded", Actor: "recipient", Client: from, ObjectName: "nda.txt", At: ago(37)},
	)

	b := sharetest.Browser(t)
	sharetest.Step(t, "the help desk revokes the link from its page and is sent back to the list", func(t *testing.T) {
		sharetest.Do(t, b, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.url+"/links/"+l.ID))
		choosePerson(t, b, "hal@example.com")
		sharetest.WaitJS(t, b, `location.pathname === "/links/`+l.ID+`" && !!document.querySelector("a.button.danger")`)
		sharetest.Do(t, b, chromedp.Click(`a.button.danger`), chromedp.WaitVisible("form button.danger"))
		sharetest.Do(t, b, chromedp.Click("form button.danger"), chromedp.WaitVisible(".ok"))
	})
	sharetest.Step(t, "Status Revoked and part of the address in another case find it", func(t *testing.T) {
		// The Links page's Status → Revoked brings the revoked list with its own filters, in place.
		sharetest.WaitJS(t, b, `document.readyState === "complete" && !!window.htmx && !!document.querySelector("#status")`)
		sharetest.Script(t, b, `const s = document.querySelector("#status"); s.value = "revoked";
			s.dispatchEvent(new Event("change", {bubbles: true}))`)
		sharetest.WaitJS(t, b, `!!document.querySelector("#revoked-filters") && location.search.includes("status=revoked")`)
		sharetest.Do(t, b, chromedp.SendKeys("#q", "RCPTA@EX"))
		// Typed slowly, a shorter term can update the list first: wait for the whole term's answer, with
		// nothing in flight, before clicking in the results.
		sharetest.WaitJS(t, b, `new URLSearchParams(location.search).get("q") === "RCPTA@EX" &&
			!document.querySelector(".htmx-request") && document.querySelectorAll('[data-testid="revoked-row"]').length === 1`)
		if got := sharetest.JS(t, b, `document.querySelector('[data-testid="revoked-row"]').innerText`); !strings.Contains(got, "Signed NDA") ||
			!strings.Contains(got, "hal@example.com") || !strings.Contains(got, "rcpta@example.com") {
			t.Errorf("the revoked row: got %q, want the title, who revoked it and the recipient", got)
		}
		sharetest.Screenshot(t, b, "console-6-revoked")
	})
	sharetest.Step(t, "its page says it was revoked, by whom and when, newest event first", func(t *testing.T) {
		sharetest.Do(t, b, chromedp.Click(`[data-testid="revoked-row"] a`))
		sharetest.WaitJS(t, b, `!!document.querySelector('[data-testid="revoked-notice"]')`)
		notice := sharetest.JS(t, b, `document.querySelector('[data-testid="revoked-notice"]').innerText`)
		// The time is shown in the browser's own zone and locale: its machine-readable form says the day.
		when := sharetest.JS(t, b, `document.querySelector('[data-testid="revoked-notice"] time').getAttribute("datetime")`)
		if !strings.Contains(notice, "hal@example.com") || !strings.HasPrefix(when, time.Now().UTC().Format("2006-01-02")) {
			t.Errorf("the notice: got %q (time %q), want who revoked it and today's date", notice, when)
		}
		if got := sharetest.JS(t, b, `document.querySelector('[data-testid="event-what"]').innerText`); got != "Link revoked" {
			t.Errorf("the newest event: got %q, want Link revoked", got)
		}
		sharetest.Screenshot(t, b, "console-7-revoked-detail")
	})
	sharetest.Step(t, "Show older adds the older events below, in place, and moves the focus to them", func(t *testing.T) {
		var many []share.Event
		for i := range 30 {
			many = append(many, share.Event{Type: "file_downloaded", Actor: "recipient", Client: from,
				ObjectName: fmt.Sprintf("report-%02d.pdf", i), At: ago(30 - i)})
		}
		record(t, many...)
		sharetest.Do(t, b, chromedp.Reload())
		sharetest.WaitJS(t, b, `document.readyState === "complete" && !!window.htmx &&
			!!document.querySelector('[data-testid="history-older"]')`)
		sharetest.Do(t, b, chromedp.Click(`[data-testid="history-older"]`))
		sharetest.WaitJS(t, b, `document.querySelectorAll('ol.timeline').length === 2`)
		if n := sharetest.JS(t, b, `String(document.querySelectorAll('[data-testid="event"]').length)`); n != "38" {
			t.Errorf("after Show older: %s events on the page, want 38 (created, 6 of the recipient, revoked, 30 more)", n)
		}
		sharetest.WaitJS(t, b, `document.activeElement === document.querySelectorAll('ol.timeline')[1]`)
		if got := sharetest.JS(t, b, `location.pathname`); got != "/links/"+l.ID {
			t.Errorf("Show older left the page for %s", got)
		}
	})
	sharetest.Step(t, "another status leaves the revoked list for the Links page, search kept", func(t *testing.T) {
		sharetest.Do(t, b, chromedp.Navigate(e.url+"/links?status=revoked&q=nda"))
		sharetest.WaitJS(t, b, `document.readyState === "complete" && !!document.querySelector("#revoked-filters")`)
		sharetest.Script(t, b, `const s = document.querySelector("#status"); s.value = "active";
			s.dispatchEvent(new Event("change", {bubbles: true}))`)
		sharetest.WaitJS(t, b, `location.search.includes("status=active") && !document.querySelector("#revoked-filters") &&
			document.readyState === "complete" && !!document.querySelector("#type")`)
		if got := sharetest.JS(t, b, `document.querySelector("#q").value`); got != "nda" {
			t.Errorf("the search after switching back: got %q, want nda", got)
		}
	})
}
