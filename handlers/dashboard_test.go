package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// wrongPassword makes a failed attempt on a password link through the portal, as a recipient would.
func wrongPassword(t *testing.T, l api.ShareLink) {
	t.Helper()
	resp, err := http.PostForm(l.Link+"/password", url.Values{"auth": {"0"}, "password": {"not the one"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

// openLink opens the link's page in the portal, as a recipient would.
func openLink(t *testing.T, l api.ShareLink) {
	t.Helper()
	resp, err := http.Get(l.Link)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
}

var numberRE = regexp.MustCompile(`[0-9][0-9,]*`)

// number is the first number in s ("About 610,000 links match." → "610,000").
func number(s string) string { return numberRE.FindString(s) }

// TestDashboard: helpdesk and admins land on the dashboard, sharers on Links; each number links to a
// list that shows the same number; recent activity links to each link's page.
func TestDashboard(t *testing.T) {
	e := startConsole(t, "sqlite")
	ctx := context.Background()
	_, file, links := seedLinks(t, e) // three links expiring in two days
	later := time.Now().Add(20 * 24 * time.Hour)
	pw := []api.Authenticator{{AuthType: "password", AuthContext: "correct horse"}}
	far := sharetest.Must(e.share.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{
		Targets: []string{file.ID}, Title: "Annual report", ExpiresAt: &later, Authenticators: pw}}}))(t).ShareLinkObjects[0]
	wrongPassword(t, far)
	wrongPassword(t, far)
	openLink(t, links[1])

	for _, c := range []struct{ who, want string }{
		{"hal@example.com", "/dashboard"}, {"ada@example.com", "/dashboard"}, {"sam@example.com", "/links"},
		{"val@example.com", "/links"},
	} {
		s, at := e.signInTo(t, c.who, "")
		if at.Path != c.want {
			t.Errorf("%s signs in to %s, want %s", c.who, at.Path, c.want)
		}
		if p := s.get("/"); p.path != c.want {
			t.Errorf("%s opening /: at %s, want %s", c.who, p.path, c.want)
		}
	}

	hal := e.signIn(t, "hal@example.com")
	dash := hal.get("/dashboard")
	if dash.status != http.StatusOK {
		t.Fatalf("dashboard: %d\n%s", dash.status, dash.body)
	}
	for _, c := range []struct {
		id, want, countID string
	}{
		{"dash-active", "4", "link-count"},
		{"dash-expiring", "3", "link-count"},
		{"dash-failed", "2", "activity-count"},
	} {
		got := dash.text(t, c.id+"-number")
		if got != c.want {
			t.Errorf("%s: got %q, want %q", c.id, got, c.want)
		}
		href, _ := dash.testid(t, c.id).Attr("href")
		list := hal.get(href)
		if shown := list.text(t, c.countID); list.status != http.StatusOK || number(shown) != got {
			t.Errorf("%s links to %s, which shows %q (%d); want the same number, %s", c.id, href, shown, list.status, got)
		}
	}
	expiring, _ := dash.testid(t, "dash-expiring").Attr("href")
	if titles := hal.get(expiring).texts(t, "link-title"); !sameSet(titles, titlesOf(links)) {
		t.Errorf("expiring within 7 days: got %q, want %q (not the link expiring in 20 days)", titles, titlesOf(links))
	}

	// Recent activity: newest first, each row a link to its link's page.
	var recent []string
	dash.testid(t, "recent-activity").Each(func(_ int, row *goquery.Selection) {
		a := row.Find(`[data-testid="activity-link"]`)
		href, _ := a.Attr("href")
		recent = append(recent, strings.TrimSpace(a.Text())+" "+href)
	})
	want := []string{"Q3 board pack /links/" + links[1].ID, "Annual report /links/" + far.ID, "Annual report /links/" + far.ID}
	if strings.Join(recent, "\n") != strings.Join(want, "\n") {
		t.Errorf("recent activity:\ngot  %q\nwant %q", recent, want)
	}
	if p := hal.get("/links/" + far.ID); p.status != http.StatusOK {
		t.Errorf("the activity's link page: %d", p.status)
	}

	// A link opened as often as it may be is not active, on the dashboard or in the list it links to,
	// and the Used up status lists it.
	one := 1
	used := sharetest.Must(e.share.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{
		Targets: []string{file.ID}, Title: "Opened once", ExpiresAt: &later, MaxAccessCount: &one, Authenticators: pw}}}))(t).ShareLinkObjects[0]
	resp, err := http.PostForm(used.Link+"/password", url.Values{"auth": {"0"}, "password": {"correct horse"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := sharetest.Must(e.share.Client.LinkGet(ctx, api.LinkGetRequest{ID: used.ID}))(t).ShareLinkObject.AccessCount; got != 1 {
		t.Fatalf("the link was opened %d times, want 1", got)
	}
	dash = hal.get("/dashboard")
	if got := dash.text(t, "dash-active-number"); got != "4" {
		t.Errorf("active links with one used up: got %q, want 4", got)
	}
	href, _ := dash.testid(t, "dash-active").Attr("href")
	if titles := hal.get(href).texts(t, "link-title"); slices.Contains(titles, "Opened once") {
		t.Errorf("the active list %s shows the used-up link: %q", href, titles)
	}
	if titles := hal.get("/links?status=used_up").texts(t, "link-title"); !slices.Equal(titles, []string{"Opened once"}) {
		t.Errorf("used up: got %q, want [Opened once]", titles)
	}
}

func titlesOf(ls []api.ShareLink) []string {
	var out []string
	for _, l := range ls {
		out = append(out, l.Title)
	}
	return out
}

// TestActivityPage: the filter is a GET form (bookmarkable), applies in place for htmx, pages with a
// cursor, and ignores what it does not know.
func TestActivityPage(t *testing.T) {
	e := startConsole(t, "sqlite")
	_, _, links := seedLinks(t, e)
	ctx := context.Background()
	file := sharetest.Must(e.share.Client.Put(ctx, api.PutRequest{Name: "p.txt"}, "p.txt", strings.NewReader("p")))(t).Object
	l := sharetest.Must(e.share.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{
		Targets: []string{file.ID}, Title: "Passworded", Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "correct horse"}}}}}))(t).ShareLinkObjects[0]
	for range 3 {
		wrongPassword(t, l)
	}
	openLink(t, links[0])
	val := e.signIn(t, "val@example.com")

	all := val.get("/activity")
	if got := all.text(t, "activity-count"); got != "4 events." {
		t.Errorf("anything recipients did: %q, want 4 events", got)
	}
	failed := val.get("/activity?type=failed_attempt&since=24h")
	if got := failed.text(t, "activity-count"); got != "3 events." || len(failed.texts(t, "activity-row")) != 3 {
		t.Errorf("failed sign-ins: %q with %d rows, want 3", got, len(failed.texts(t, "activity-row")))
	}
	if sel, _ := failed.doc(t).Find("#type option[selected]").Attr("value"); sel != "failed_attempt" {
		t.Errorf("the filter shows %q, want failed_attempt selected", sel)
	}
	// Every event: the four links' creation too.
	if got := val.get("/activity?type=all").text(t, "activity-count"); got != "8 events." {
		t.Errorf("every event: %q, want 8 events", got)
	}
	// htmx asks for the results only.
	req, _ := http.NewRequest(http.MethodGet, e.url+"/activity?type=opened", nil)
	req.Header.Set("HX-Request", "true")
	part := val.do(req)
	if strings.Contains(part.body, "<html") || part.text(t, "activity-count") != "1 event." || !strings.Contains(part.header.Get("Vary"), "HX-Request") {
		t.Errorf("htmx: got a whole page or the wrong count %q (Vary %q)", part.text(t, "activity-count"), part.header.Get("Vary"))
	}
	// Unknown values are dropped, a forged cursor starts again from the newest.
	if p := val.get("/activity?type=teleported&since=forever&last=forged"); p.status != http.StatusOK || p.text(t, "activity-count") != "4 events." {
		t.Errorf("unknown filter values: got %d %q", p.status, p.text(t, "activity-count"))
	}
}
