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
	record := func(evs ...share.Event) {
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
	record(
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
	js := func(code string) {
		t.Helper()
		if _, err := chromedp.Run(b, chromedp.Evaluate[any](code)); err != nil {
			t.Fatal(err)
		}
	}
	text := func(code string) string {
		t.Helper()
		s, err := chromedp.Run(b, chromedp.Evaluate[string](code))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	run := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(b, 15*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatalf("%v\nat %s\n%.2000s", err, text(`location.href`), text(`document.body.innerText`))
		}
	}
	run(chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.url+"/links/"+l.ID))
	js(`document.querySelector('form:has(input[value="hal@example.com"])').submit()`)
	waitJS(t, b, `location.pathname === "/links/`+l.ID+`" && !!document.querySelector("a.button.danger")`)

	// Revoke from the link's page; the confirmation returns to the list.
	run(chromedp.Click(`a.button.danger`), chromedp.WaitVisible("form button.danger"))
	run(chromedp.Click("form button.danger"), chromedp.WaitVisible(".ok"))

	// The Links page's Status → Revoked brings the revoked list with its own filters, in place.
	waitJS(t, b, `document.readyState === "complete" && !!window.htmx && !!document.querySelector("#status")`)
	js(`const s = document.querySelector("#status"); s.value = "revoked"; s.dispatchEvent(new Event("change", {bubbles: true}))`)
	waitJS(t, b, `!!document.querySelector("#revoked-filters") && location.search.includes("status=revoked")`)
	run(chromedp.SendKeys("#q", "RCPTA@EX"))
	// Typed slowly, a shorter term can update the list first: wait for the whole term's answer, with
	// nothing in flight, before clicking in the results.
	waitJS(t, b, `new URLSearchParams(location.search).get("q") === "RCPTA@EX" && !document.querySelector(".htmx-request") &&
		document.querySelectorAll('[data-testid="revoked-row"]').length === 1`)
	if got := text(`document.querySelector('[data-testid="revoked-row"]').innerText`); !strings.Contains(got, "Signed NDA") ||
		!strings.Contains(got, "hal@example.com") || !strings.Contains(got, "rcpta@example.com") {
		t.Errorf("the revoked row: got %q, want the title, who revoked it and the recipient", got)
	}
	sharetest.Screenshot(t, b, "console-6-revoked")

	// Open it: revoked, by whom, when, and its history.
	run(chromedp.Click(`[data-testid="revoked-row"] a`))
	waitJS(t, b, `!!document.querySelector('[data-testid="revoked-notice"]')`)
	notice := text(`document.querySelector('[data-testid="revoked-notice"]').innerText`)
	// The time is shown in the browser's own zone and locale: its machine-readable form says the day.
	when := text(`document.querySelector('[data-testid="revoked-notice"] time').getAttribute("datetime")`)
	if !strings.Contains(notice, "hal@example.com") || !strings.HasPrefix(when, time.Now().UTC().Format("2006-01-02")) {
		t.Errorf("the notice: got %q (time %q), want who revoked it and today's date", notice, when)
	}
	if got := text(`document.querySelector('[data-testid="event-what"]').innerText`); got != "Link revoked" {
		t.Errorf("the newest event: got %q, want Link revoked", got)
	}
	sharetest.Screenshot(t, b, "console-7-revoked-detail")

	// A history longer than a page: "Show older" adds the older events below, and the focus goes to them.
	var many []share.Event
	for i := range 30 {
		many = append(many, share.Event{Type: "file_downloaded", Actor: "recipient", Client: from,
			ObjectName: fmt.Sprintf("report-%02d.pdf", i), At: ago(30 - i)})
	}
	record(many...)
	run(chromedp.Reload())
	waitJS(t, b, `document.readyState === "complete" && !!window.htmx && !!document.querySelector('[data-testid="history-older"]')`)
	run(chromedp.Click(`[data-testid="history-older"]`))
	waitJS(t, b, `document.querySelectorAll('ol.timeline').length === 2`)
	if n := text(`String(document.querySelectorAll('[data-testid="event"]').length)`); n != "38" {
		t.Errorf("after Show older: %s events on the page, want 38 (created, 6 of the recipient, revoked, 30 more)", n)
	}
	waitJS(t, b, `document.activeElement === document.querySelectorAll('ol.timeline')[1]`)
	if got := text(`location.pathname`); got != "/links/"+l.ID {
		t.Errorf("Show older left the page for %s", got)
	}

	// Another status leaves the revoked list for the Links page and its own filters, search kept.
	run(chromedp.Navigate(e.url + "/links?status=revoked&q=nda"))
	waitJS(t, b, `document.readyState === "complete" && !!document.querySelector("#revoked-filters")`)
	js(`const s = document.querySelector("#status"); s.value = "active"; s.dispatchEvent(new Event("change", {bubbles: true}))`)
	waitJS(t, b, `location.search.includes("status=active") && !document.querySelector("#revoked-filters") &&
		document.readyState === "complete" && !!document.querySelector("#type")`)
	if got := text(`document.querySelector("#q").value`); got != "nda" {
		t.Errorf("the search after switching back: got %q, want nda", got)
	}
}
