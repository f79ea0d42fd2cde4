package portal_test

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the expected local times, whatever zones the machine has

	"github.com/chromedp/chromedp"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestPortalLocalTimesInBrowser: a recipient whose browser is in Newfoundland (UTC−3:30 in winter,
// −2:30 in summer: neither hour nor minutes match UTC) sees until when the link works in their own
// time, with the exact UTC on hover.
func TestPortalLocalTimesInBrowser(t *testing.T) {
	e := sharetest.Start(t, "sqlite", sharetest.Options{})
	tr := makeTree(t, e)
	exp := time.Now().Add(50 * time.Hour).Truncate(time.Second)
	l := createLink(t, e, api.LinkCreateItem{Targets: []string{tr.a.ID}, ExpiresAt: &exp, Authenticators: password(pagePassword)})
	zone, err := time.LoadLocation("America/St_Johns")
	if err != nil {
		t.Fatal(err)
	}
	local := exp.In(zone)
	b := sharetest.Browser(t)
	if err := chromedp.Do(b, sharetest.TimeZone("America/St_Johns"), sharetest.Locale("en-GB")); err != nil {
		t.Fatal(err)
	}
	sharetest.GoTo(t, b, l.Link)
	got, err := chromedp.Run(b, chromedp.Evaluate[[]string](`(() => { const el = document.querySelector("[data-testid=availability] time");
		return [el.textContent, el.title]; })()`))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{local.Format("15:04"), local.Format("2 Jan 2006")} {
		if !strings.Contains(got[0], want) {
			t.Errorf("shown %q, want the time in St John's (%q)", got[0], want)
		}
	}
	if strings.Contains(got[0], "UTC") {
		t.Errorf("shown %q, want a local time, not UTC", got[0])
	}
	if want := exp.UTC().Format("2006-01-02 15:04") + " UTC"; got[1] != want {
		t.Errorf("title %q, want %q", got[1], want)
	}
}
