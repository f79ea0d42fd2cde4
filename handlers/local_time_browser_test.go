package handlers_test

import (
	"context"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the expected local times, whatever zones the machine has

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/sharedesk/sharedesk/share/sharetest"
	"github.com/sharedesk/sharedesk/views"
)

// TestLocalTimesInBrowser: a person whose browser is in India (UTC+5:30, so neither the hour nor the
// minutes match UTC) sees a link's expiry in their own time with the exact UTC on hover, also in rows
// htmx swaps in; without JavaScript the page keeps the UTC text.
func TestLocalTimesInBrowser(t *testing.T) {
	e := startConsole(t, "sqlite")
	_, _, links := seedLinks(t, e)
	kolkata, err := time.LoadLocation("Asia/Kolkata")
	if err != nil {
		t.Fatal(err)
	}
	exp := links[1].ExpiresAt // "Q3 board pack"
	local := exp.In(kolkata)
	wantUTC := exp.UTC().Format("2006-01-02 15:04") + " UTC"
	wantParts := []string{local.Format("15:04"), local.Format("2 Jan 2006"), "GMT+5:30"}
	expiry := `document.querySelector('time[datetime="` + exp.UTC().Format(time.RFC3339) + `"]')`

	b := sharetest.Browser(t)
	if err := chromedp.Do(b, sharetest.TimeZone("Asia/Kolkata"), sharetest.Locale("en-GB"), sharetest.Desktop()); err != nil {
		t.Fatal(err)
	}
	sharetest.GoTo(t, b, e.url+"/links")
	choosePerson(t, b, "sam@example.com")
	sharetest.WaitJS(t, b, `!!document.querySelector(".who")`)

	t.Run("a moment", func(t *testing.T) {
		sharetest.GoTo(t, b, e.url+"/links/"+links[1].ID)
		text, title := readTime(t, b, expiry)
		for _, want := range wantParts {
			if !strings.Contains(text, want) {
				t.Errorf("shown %q, want the time in Kolkata (%q)", text, want)
			}
		}
		if title != wantUTC {
			t.Errorf("title %q, want %q", title, wantUTC)
		}
	})

	t.Run("a relative time swapped in by htmx", func(t *testing.T) {
		sharetest.GoTo(t, b, e.url+"/links")
		sharetest.WaitJS(t, b, `!!window.htmx && !!document.querySelector("#q")`)
		if err := chromedp.Do(b, chromedp.SendKeys("#q", "board")); err != nil {
			t.Fatal(err)
		}
		sharetest.WaitJS(t, b, `location.search.includes("q=board") && document.querySelectorAll("[data-testid=link-row]").length === 1`)
		// htmx fires htmx:load on new rows when it settles, a moment after the rows appear; a title
		// that never changes still fails here, after WaitJS's 15 s.
		sharetest.WaitJS(t, b, `(`+expiry+` || {title: ""}).title.endsWith("UTC)")`)
		text, title := readTime(t, b, expiry)
		if !strings.HasPrefix(text, "in ") {
			t.Errorf("shown %q, want the relative time kept", text)
		}
		for _, want := range append(wantParts, "("+wantUTC+")") {
			if !strings.Contains(title, want) {
				t.Errorf("title %q, want it to hold %q", title, want)
			}
		}
	})

	t.Run("without JavaScript", func(t *testing.T) {
		if err := chromedp.Do(b, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
			return err
		})); err != nil {
			t.Fatal(err)
		}
		sharetest.GoTo(t, b, e.url+"/links/"+links[1].ID)
		if text, title := readTime(t, b, expiry); text != views.When(exp) || title != views.When(exp) {
			t.Errorf("got %q (title %q), want the UTC text %q", text, title, views.When(exp))
		}
	})
}

// readTime returns the text and title of the element the script finds.
func readTime(t *testing.T, b context.Context, find string) (text, title string) {
	t.Helper()
	got, err := chromedp.Run(b, chromedp.Evaluate[[]string](`(() => { const el = `+find+`;
		return el ? [el.textContent, el.title] : ["(no such element)", ""]; })()`))
	if err != nil {
		t.Fatal(err)
	}
	return got[0], got[1]
}
