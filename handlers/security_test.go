package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/api"
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
		resp := ada.noFollow("/login?next=" + url.QueryEscape(next))
		if got := resp.Header.Get("Location"); got != "/links" {
			t.Errorf("signed in, next=%q: Location %q, want /links", next, got)
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
	if p := bo.get("/links"); !strings.Contains(p.body, "helpdesk+sharer") || !strings.Contains(p.body, "Revoke selected") || !strings.Contains(p.body, "New link") {
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
