package handlers_test

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

// A link revoked in the console keeps its page: it says it was revoked, by whom and when, shows its
// details and its history, and offers nothing that would act on it. On both databases.
func TestRevokedLinkPage(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := startConsole(t, kind)
		_, file, links := seedLinks(t, e)
		hal := e.signIn(t, "hal@example.com")
		hal.get("/links")
		if p := hal.post("/links/revoke", url.Values{"id": {links[0].ID}}); p.status != http.StatusOK {
			t.Fatalf("revoke: got %d", p.status)
		}
		p := hal.get("/links/" + links[0].ID)
		if p.status != http.StatusOK {
			t.Fatalf("the revoked link's page: got %d, want 200\n%.500s", p.status, p.body)
		}
		sharetest.CheckTexts(t, "revoked link's page", p.body,
			sharetest.Want{ID: "page-heading", Text: "Signed NDA"},
			sharetest.Want{ID: "link-status", Text: "Revoked"},
			sharetest.Want{ID: "revoked-by", Text: "hal@example.com"},
			sharetest.Want{ID: "authenticators", Text: "email code to rcpta@example.com"},
			sharetest.Want{ID: "link-url", Text: ""})
		if at := p.testid(t, "revoked-at").Find("time").AttrOr("datetime", ""); at == "" {
			t.Error("the page does not say when the link was revoked")
		}
		// Revoked here: the console's own token is plumbing, not news.
		if notice := p.text(t, "revoked-notice"); strings.Contains(notice, "API token") {
			t.Errorf("the notice names the console's token: %q", notice)
		}
		if got := p.texts(t, "shared-item"); len(got) != 1 || !strings.HasPrefix(got[0], file.Name+" ") {
			t.Errorf("shared: got %q, want the file %q", got, file.Name)
		}
		if got, want := p.texts(t, "event-what"), []string{"Link revoked", "Link created"}; !slices.Equal(got, want) {
			t.Errorf("history: got %v, want %v", got, want)
		}
		if got := p.text(t, "event-who"); !strings.HasPrefix(got, "hal@example.com") {
			t.Errorf("who revoked it, in the history: got %q, want hal@example.com first", got)
		}
		if p.testid(t, "send-form").Length() != 0 || p.testid(t, "revoke-link").Length() != 0 {
			t.Error("the page of a revoked link offers to send or revoke it")
		}
		// The tombstone was written by the console's revocation, naming the person.
		r := sharetest.Must(e.share.Client.RevokedGet(context.Background(), api.RevokedGetRequest{ID: links[0].ID}))(t)
		if r.RevokedLink.RevokedBy != "hal@example.com" {
			t.Errorf("record of the revocation: revoked by %q, want hal@example.com", r.RevokedLink.RevokedBy)
		}
		if p := hal.get("/links/psl_doesnotexistdoesnotexistdoesnot"); p.status != http.StatusNotFound {
			t.Errorf("a link that never existed: got %d, want 404", p.status)
		}
	})
}

// The Links page's Revoked status lists revoked links, newest revocation first, found by any part of
// their title or people in any case; the view stays in the URL and pages like the Links table.
func TestRevokedFilter(t *testing.T) {
	e := startConsole(t, "sqlite")
	ctx := context.Background()
	_, _, links := seedLinks(t, e)
	hal := e.signIn(t, "hal@example.com")

	if p := hal.get("/links?status=revoked"); p.text(t, "revoked-empty") == "" || len(p.texts(t, "revoked-row")) != 0 {
		t.Errorf("nothing revoked yet: want the empty state, got rows %v", p.texts(t, "revoked-row"))
	}
	hal.get("/links")
	hal.post("/links/revoke", url.Values{"id": {links[0].ID}})
	e.share.Clock.Advance(time.Second)
	sharetest.Must(e.share.Client.LinkDelete(ctx, api.LinkDeleteRequest{IDs: []string{links[2].ID}}))(t)

	p := hal.get("/links?status=revoked")
	if got, want := p.texts(t, "link-title"), []string{"Supplier invoices", "Signed NDA"}; !slices.Equal(got, want) {
		t.Errorf("revoked links: got %v, want %v (newest revocation first)", got, want)
	}
	if got, want := p.texts(t, "revoked-by"), []string{"test", "hal@example.com"}; !slices.Equal(got, want) {
		t.Errorf("revoked by: got %v, want %v", got, want)
	}
	if got := p.doc(t).Find("#status option[selected]").AttrOr("value", ""); got != "revoked" {
		t.Errorf("the status box shows %q, want revoked", got)
	}
	if href := p.doc(t).Find(`[data-testid="link-title"]`).Last().AttrOr("href", ""); href != "/links/"+links[0].ID {
		t.Errorf("a row links to %q, want the link's page", href)
	}
	for _, c := range []struct {
		name, query string
		want        []string
	}{
		{"part of an address, other case", "q=RCPTA%40EXAM", []string{"Signed NDA"}},
		{"title word", "q=invoices", []string{"Supplier invoices"}},
		{"the recipient field", "recipient=rcptc", []string{"Supplier invoices"}},
		{"both must match", "q=invoices&recipient=rcpta", nil},
		{"a live link is not revoked", "q=board", nil},
	} {
		p := hal.get("/links?status=revoked&" + c.query)
		if got := p.texts(t, "link-title"); !slices.Equal(got, c.want) {
			t.Errorf("%s: got %v, want %v", c.name, got, c.want)
		}
		if c.want == nil && !strings.Contains(p.text(t, "revoked-empty"), "No revoked links match") {
			t.Errorf("%s: want the no-match message, got %q", c.name, p.text(t, "revoked-empty"))
		}
	}

	// In place: from this list, just the results; from the Links page (its Status switched to
	// Revoked), the whole main part, with this list's own filters.
	htmx := func(current string) page {
		req, _ := http.NewRequest(http.MethodGet, e.url+"/links?status=revoked&q=nda", nil)
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Target", "results")
		req.Header.Set("HX-Current-URL", e.url+current)
		return hal.do(req)
	}
	if p := htmx("/links?status=revoked"); strings.Contains(p.body, "<form") || p.text(t, "link-title") != "Signed NDA" ||
		p.header.Get("HX-Retarget") != "" {
		t.Errorf("an update from the revoked list: want only the results, got HX-Retarget %q and\n%.300s",
			p.header.Get("HX-Retarget"), p.body)
	}
	if p := htmx("/links?type=download"); p.header.Get("HX-Retarget") != "main" || p.header.Get("HX-Reselect") != "main" ||
		p.doc(t).Find("#revoked-filters").Length() == 0 {
		t.Errorf("an update from the Links page: want the whole main part (HX-Retarget main), got %q",
			p.header.Get("HX-Retarget"))
	}

	// Paging: 12 more revoked, 10 a page; Next and Back keep the view.
	var more []string
	for i := range 12 {
		l := sharetest.Must(e.share.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{
			Targets: links[0].Targets, Title: fmt.Sprintf("Batch %02d", i),
			Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "correct horse"}}}}}))(t).ShareLinkObjects[0]
		more = append(more, l.ID)
	}
	sharetest.Must(e.share.Client.LinkDelete(ctx, api.LinkDeleteRequest{IDs: more}))(t)
	first := hal.get("/links?status=revoked&q=batch&size=10")
	next := first.testid(t, "next-page").AttrOr("href", "")
	if len(first.texts(t, "revoked-row")) != 10 || !strings.Contains(next, "status=revoked") || !strings.Contains(next, "q=batch") {
		t.Fatalf("first page: %d rows, next %q; want 10 and a next page keeping the view", len(first.texts(t, "revoked-row")), next)
	}
	second := hal.get(next)
	if got := second.texts(t, "revoked-row"); len(got) != 2 || second.text(t, "next-page") != "" {
		t.Errorf("second page: got %d rows (next %q), want the last 2", len(got), second.text(t, "next-page"))
	}
	seen := append(first.texts(t, "link-title"), second.texts(t, "link-title")...)
	slices.Sort(seen)
	if len(slices.Compact(seen)) != 12 {
		t.Errorf("paging showed %d distinct links, want 12", len(slices.Compact(seen)))
	}
}

// The timeline shows every kind of event in words people use, newest first, with who, when, from
// where and how it went; events come from the real store through the history endpoint.
func TestTimelineWording(t *testing.T) {
	e := startConsole(t, "sqlite")
	ctx := context.Background()
	_, _, links := seedLinks(t, e)
	l := links[0]
	// Only the events below: the link's own "created" goes, to read the table in one order.
	if _, err := e.share.Store.SQL().Exec("DELETE FROM link_events WHERE link_id = ?", l.ID); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		ev       share.Event
		what     string
		who      string
		client   string
		outcome  string
		typeName string
	}{
		{share.Event{Type: "created", Actor: "sam@example.com"}, "Link created", "sam@example.com", "", "", ""},
		{share.Event{Type: "sent", Actor: "sam@example.com", Method: "email", Detail: "kim@partner.example"},
			"Link emailed to kim@partner.example", "sam@example.com", "", "", ""},
		{share.Event{Type: "sent", Actor: "sam@example.com", Method: "email", Detail: "bad@nowhere.example", Outcome: "failed"},
			"The email to bad@nowhere.example could not be delivered", "sam@example.com", "", "Failed", ""},
		{share.Event{Type: "opened", Actor: "recipient", Client: "203.0.113.7"}, "Visited the link's page", "Recipient", "203.0.113.7", "", ""},
		{share.Event{Type: "code_requested", Actor: "recipient", Client: "203.0.113.7", Method: "sms_otp", Detail: "+4•••••••0123"},
			"Code sent by SMS to +4•••••••0123", "Recipient", "203.0.113.7", "", ""},
		{share.Event{Type: "code_requested", Actor: "recipient", Method: "email_otp", Detail: "k***@partner.example"},
			"Code sent by email to k***@partner.example", "Recipient", "", "", ""},
		{share.Event{Type: "code_requested", Actor: "recipient", Method: "email_otp", Detail: "k***@partner.example", Outcome: "refused"},
			"Code refused by email to k***@partner.example: too many codes asked for this hour", "Recipient", "", "Refused", ""},
		{share.Event{Type: "failed_attempt", Actor: "recipient", Client: "198.51.100.4", Method: "password", Detail: "wrong password", Outcome: "failed"},
			"Wrong password", "Recipient", "198.51.100.4", "Failed", ""},
		{share.Event{Type: "failed_attempt", Actor: "recipient", Method: "sms_otp", Detail: "wrong code", Outcome: "failed"},
			"Wrong text code", "Recipient", "", "Failed", ""},
		{share.Event{Type: "signed_in", Actor: "recipient", Client: "203.0.113.7", Method: "email_otp", Detail: "k***@partner.example"},
			"Signed in with an email code (k***@partner.example)", "Recipient", "203.0.113.7", "", ""},
		{share.Event{Type: "signed_in", Actor: "recipient", Method: "password"}, "Signed in with the password", "Recipient", "", "", ""},
		{share.Event{Type: "file_downloaded", Actor: "recipient", ObjectName: "report.pdf"}, "Downloaded report.pdf", "Recipient", "", "", ""},
		{share.Event{Type: "zip_downloaded", Actor: "recipient", ObjectName: "a.txt, b.txt", Detail: "2 items"},
			"Downloaded a zip of 2 items: a.txt, b.txt", "Recipient", "", "", ""},
		{share.Event{Type: "file_uploaded", Actor: "recipient", ObjectName: "signed.pdf"}, "Uploaded signed.pdf", "Recipient", "", "", ""},
		{share.Event{Type: "renamed", Actor: "recipient", ObjectName: "final.pdf", Detail: "was draft.pdf"},
			"Renamed draft.pdf to final.pdf", "Recipient", "", "", ""},
		{share.Event{Type: "deleted", Actor: "recipient", ObjectName: "old.pdf"}, "Deleted old.pdf", "Recipient", "", "", ""},
		{share.Event{Type: "access_limit_reached", Actor: "recipient"}, "Access limit reached", "Recipient", "", "", ""},
		{share.Event{Type: "failed_attempt", Actor: "recipient", Detail: "access limit reached", Outcome: "refused"},
			"Opening refused: access limit reached", "Recipient", "", "Refused", ""},
		{share.Event{Type: "expired", Actor: "sweeper"}, "Link expired", "sharedesk (automatic)", "", "", ""},
		{share.Event{Type: "revoked", Actor: "hal@example.com"}, "Link revoked", "hal@example.com", "", "", ""},
	}
	var evs []share.Event
	for i, c := range cases {
		ev := c.ev
		ev.ID, ev.LinkID, ev.BucketID, ev.At = share.NewID("evt_"), l.ID, l.BucketID, at.Add(time.Duration(i)*time.Minute)
		evs = append(evs, ev)
	}
	if err := e.share.Store.RecordEvents(ctx, evs); err != nil {
		t.Fatal(err)
	}
	hal := e.signIn(t, "hal@example.com") // the help desk reads the history, network addresses included
	p := hal.get("/links/" + l.ID)
	items := p.testid(t, "event")
	if items.Length() != len(cases) {
		t.Fatalf("timeline: got %d events, want %d", items.Length(), len(cases))
	}
	for i := range cases {
		c := cases[len(cases)-1-i] // newest first
		li := items.Eq(i)
		text := func(id string) string {
			return strings.Join(strings.Fields(li.Find(`[data-testid="`+id+`"]`).Text()), " ")
		}
		for _, f := range []struct{ name, got, want string }{
			{"what", text("event-what"), c.what},
			{"who", text("event-who"), c.who},
			{"from", text("event-client"), c.client},
			{"outcome", text("event-outcome"), c.outcome},
			{"type", li.AttrOr("data-type", ""), c.ev.Type},
			{"when", li.Find("time").AttrOr("datetime", ""), evs[len(cases)-1-i].At.Format(time.RFC3339)},
		} {
			if f.got != f.want {
				t.Errorf("event %d (%s) %s: got %q, want %q", len(cases)-1-i, c.ev.Type, f.name, f.got, f.want)
			}
		}
	}
	// A viewer reads the same timeline, without the network addresses and without the export.
	v := e.signIn(t, "val@example.com").get("/links/" + l.ID)
	if got := v.testid(t, "event").Length(); got != len(cases) {
		t.Errorf("viewer's timeline: got %d events, want %d", got, len(cases))
	}
	if v.doc(t).Find(`[data-testid="event-client"]`).Length() != 0 {
		t.Error("a viewer is shown recipients' network addresses")
	}
	if v.doc(t).Find(`[data-testid="history-csv"]`).Length() != 0 {
		t.Error("a viewer is offered the CSV export")
	}
}

// A long history pages: 25 newest first, "Show older" as a plain link (the page at that point) and,
// for htmx, only the older part to add below; the last page offers no more. An empty history says so.
func TestTimelinePaging(t *testing.T) {
	e := startConsole(t, "sqlite")
	ctx := context.Background()
	_, _, links := seedLinks(t, e)
	l := links[1]
	var evs []share.Event
	start := time.Now().Add(-time.Hour)
	for i := range 59 { // with "created", 60 events
		evs = append(evs, share.Event{ID: share.NewID("evt_"), LinkID: l.ID, BucketID: l.BucketID, Type: "file_downloaded",
			Actor: "recipient", ObjectName: fmt.Sprintf("file-%02d.pdf", i), At: start.Add(time.Duration(i) * time.Second)})
	}
	if err := e.share.Store.RecordEvents(ctx, evs); err != nil {
		t.Fatal(err)
	}
	hal := e.signIn(t, "hal@example.com")
	var got []string
	p := hal.get("/links/" + l.ID)
	pages := 0
	for {
		pages++
		got = append(got, p.texts(t, "event-what")...)
		older := p.testid(t, "history-older").AttrOr("href", "")
		if older == "" {
			break
		}
		if pages > 1 && p.text(t, "history-newest") == "" {
			t.Errorf("page %d: no way back to the newest events", pages)
		}
		// htmx asks for the same address and gets only what to add.
		req, _ := http.NewRequest(http.MethodGet, e.url+strings.TrimSuffix(older, "#history"), nil)
		req.Header.Set("HX-Request", "true")
		part := hal.do(req)
		if strings.Contains(part.body, "<html") || part.testid(t, "timeline").AttrOr("data-history-added", "x") == "x" {
			t.Errorf("page %d for htmx: want only the timeline part, marked as added", pages+1)
		}
		p = hal.get(older)
		if !slices.Equal(part.texts(t, "event-what"), p.texts(t, "event-what")) {
			t.Errorf("page %d: htmx and plain pages differ", pages+1)
		}
	}
	if pages != 3 || len(got) != 60 {
		t.Errorf("paged through %d pages and %d events, want 3 and 60", pages, len(got))
	}
	want := []string{"Downloaded file-58.pdf", "Downloaded file-57.pdf"}
	if len(got) < 2 || !slices.Equal(got[:2], want) || got[len(got)-1] != "Link created" {
		t.Errorf("order: got %v … %v, want newest first down to Link created", got[:min(2, len(got))], got[len(got)-1])
	}

	if _, err := e.share.Store.SQL().Exec("DELETE FROM link_events WHERE link_id = ?", links[2].ID); err != nil {
		t.Fatal(err)
	}
	if p := hal.get("/links/" + links[2].ID); !strings.Contains(p.text(t, "history-empty"), "Nothing has happened") {
		t.Errorf("an empty history: got %q, want the empty state", p.text(t, "history-empty"))
	}
}
