package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// noFollow returns the first response to a GET without following its redirect.
func (s *staff) noFollow(path string) *http.Response {
	s.t.Helper()
	c := *s.http
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(s.env.url + path)
	if err != nil {
		s.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

var hostileNext = []string{
	"https://evil.example",
	"//evil.example/x",
	"/%09/evil.example/x",
	"/\t/evil.example/x",
	"/%0a/evil.example",
	"/\\evil.example",
	"/%5cevil.example",
	"/%2f/evil.example",
	"/%252f%252fevil.example",
	"javascript:alert(1)",
	"\\\\evil.example",
}

// TestOpenRedirect: no `next` leaves the console, signed in or not.
func TestOpenRedirect(t *testing.T) {
	e := startConsole(t, "sqlite")
	ada := e.signIn(t, "ada@example.com")
	for _, next := range hostileNext {
		// Refused, it goes where she starts: an admin's landing page, the dashboard.
		resp := ada.noFollow("/login?next=" + url.QueryEscape(next))
		if got := resp.Header.Get("Location"); got != "/dashboard" {
			t.Errorf("signed in, next=%q: Location %q, want /dashboard", next, got)
		}
	}
	if got := ada.noFollow("/login?next=" + url.QueryEscape("/files?folder=x")).Header.Get("Location"); got != "/files?folder=x" {
		t.Errorf("signed in, a local next: Location %q, want /files?folder=x", got)
	}
	for _, next := range hostileNext[:4] {
		_, landed := e.signInTo(t, "sam@example.com", next)
		if landed.Host != mustHost(e.url) || landed.Path != "/links" {
			t.Errorf("signed out, next=%q: landed on %s, want %s/links", next, landed, e.url)
		}
	}
	if _, landed := e.signInTo(t, "sam@example.com", "/files"); landed.Path != "/files" {
		t.Errorf("signed out, next=/files: landed on %s", landed)
	}
}

func mustHost(u string) string {
	p, _ := url.Parse(u)
	return p.Host
}

// TestCombinedRoles: someone in a helpdesk group and a staff group may do what both roles allow:
// revoke anyone's link (helpdesk) and create links (sharer).
func TestCombinedRoles(t *testing.T) {
	e := startConsole(t, "sqlite")
	_, file, links := seedLinks(t, e)
	bo := e.signIn(t, "bo@example.com")
	if p := bo.get("/links"); p.text(t, "staff-role") != "helpdesk+sharer" || p.text(t, "revoke-selected") != "Revoke selected…" ||
		p.text(t, "new-link") != "New link" {
		t.Errorf("links page for helpdesk+sharer: want the role shown and both revoke and new link offered")
	}
	if p := bo.post("/links/new", url.Values{"target": {file.ID}, "type": {"download"}, "expiry": {"7"}, "max_access": {"5"},
		"recipients": {"someone@example.com"}, "title": {"by bo"}}); p.status >= 400 {
		t.Errorf("create as helpdesk+sharer: got %d, want success", p.status)
	}
	if p := bo.post("/links/revoke", url.Values{"id": {links[0].ID}}); p.status != http.StatusOK {
		t.Errorf("revoke someone else's link as helpdesk+sharer: got %d, want 200", p.status)
	}
	if _, err := e.share.Client.LinkGet(context.Background(), api.LinkGetRequest{ID: links[0].ID}); err == nil {
		t.Error("the link still exists after revoking it")
	}
}

// TestSendRules: sending a link follows the revoking rule (a sharer only their own links, helpdesk
// and admins any), and emails always carry the signed-in person's name, whatever the form says.
func TestSendRules(t *testing.T) {
	e := startConsole(t, "sqlite")
	_, file, _ := seedLinks(t, e)
	ctx := context.Background()
	create := func(s *staff, title string) api.ShareLink {
		s.get("/links/new")
		if p := s.post("/links/new", url.Values{"target": {file.ID}, "type": {"download"}, "expiry": {"7"}, "max_access": {"5"},
			"password": {"long enough pw"}, "title": {title}}); p.status >= 400 {
			t.Fatalf("create %q: %d", title, p.status)
		}
		return sharetest.Must(e.share.Client.LinkList(ctx, api.LinkListRequest{Filter: map[string]any{"title": title}}))(t).ShareLinkObjects[0]
	}
	ada, sam, hal := e.signIn(t, "ada@example.com"), e.signIn(t, "sam@example.com"), e.signIn(t, "hal@example.com")
	adas, sams := create(ada, "Ada's board pack"), create(sam, "Sam's invoice")
	tests := []struct {
		who    *staff
		name   string
		link   api.ShareLink
		to     string
		status int
		sender string
	}{
		{sam, "Sam Sharer", adas, "victim1@example.com", http.StatusForbidden, ""},
		{sam, "Sam Sharer", sams, "client1@example.com", http.StatusOK, "Sam Sharer"},
		{hal, "Hal Helpdesk", adas, "client2@example.com", http.StatusOK, "Hal Helpdesk"},
		{ada, "Ada Admin", sams, "client3@example.com", http.StatusOK, "Ada Admin"},
	}
	for _, tt := range tests {
		tt.who.get("/links/" + tt.link.ID)
		p := tt.who.post("/links/"+tt.link.ID+"/send", url.Values{"email": {tt.to}, "sender_name": {"The CEO"}})
		if p.status != tt.status {
			t.Errorf("%s sends %q: got %d, want %d", tt.name, tt.link.Title, p.status, tt.status)
			continue
		}
		if tt.status != http.StatusOK {
			continue
		}
		m := e.share.Mail.Wait(t, tt.to)
		if strings.Contains(m.Text, "The CEO") || !strings.Contains(m.Text, tt.sender) {
			t.Errorf("%s sends %q: the email names the wrong sender (want %q):\n%s", tt.name, tt.link.Title, tt.sender, m.Text)
		}
	}
	for _, m := range e.share.Mail.All() {
		for _, to := range m.To {
			if to == "victim1@example.com" {
				t.Error("a refused send still emailed the address")
			}
		}
	}
	// The detail page offers sending only where it is allowed.
	if p := sam.get("/links/" + adas.ID); p.testid(t, "send-form").Length() != 0 {
		t.Error("a sharer is offered sending someone else's link")
	}
	if form := sam.get("/links/"+sams.ID).testid(t, "send-form"); form.Length() != 1 || form.Find(`[name="sender_name"]`).Length() != 0 {
		t.Error("a sharer's own link: want the send form, without a sender name field")
	}
	// Creating and emailing at once uses the signed-in name too.
	sam.get("/links/new")
	sam.post("/links/new", url.Values{"target": {file.ID}, "type": {"download"}, "expiry": {"7"}, "max_access": {"5"},
		"recipients": {"fresh@example.com"}, "send_now": {"1"}, "sender_name": {"The CEO"}, "title": {"new and sent"}})
	if m := e.share.Mail.Wait(t, "fresh@example.com"); strings.Contains(m.Text, "The CEO") || !strings.Contains(m.Text, "Sam Sharer") {
		t.Errorf("create and send: the email names the wrong sender:\n%s", m.Text)
	}
}
