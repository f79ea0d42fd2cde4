package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// TestRevokeReturnsWhereItCan: a revocation returns to where the person came from, with the
// confirmation; from the page of the link just revoked (now gone) it returns to the list.
func TestRevokeReturnsWhereItCan(t *testing.T) {
	e := startConsole(t, "sqlite")
	_, _, links := seedLinks(t, e)
	ada := e.signIn(t, "ada@example.com")
	ada.get("/links")
	tests := []struct {
		name, back, wantPath string
	}{
		{"from the link's own page", "/links/" + links[0].ID, "/links"},
		{"from a filtered list", "/links?type=download&q=Quarterly", "/links?type=download&q=Quarterly"},
		{"from the list sorted", "/links?order_by=expires_at&order=asc", "/links?order_by=expires_at&order=asc"},
	}
	for i, tt := range tests {
		p := ada.post("/links/revoke", url.Values{"id": {links[i].ID}, "back": {tt.back}})
		want := "Revoked 1 link. “" + links[i].Title + "”"
		if got := p.text(t, "flash"); p.status != http.StatusOK || p.path != tt.wantPath || got != want {
			t.Errorf("%s: ended on %d %s saying %q, want 200 %s saying %q", tt.name, p.status, p.path, got, tt.wantPath, want)
		}
	}
}

// TestLinkPageRemembersTheList follows the help desk's way: a filtered list, a link's page from it, and
// Revoke there: back on the same filtered list, with the confirmation.
func TestLinkPageRemembersTheList(t *testing.T) {
	e := startConsole(t, "sqlite")
	_, _, links := seedLinks(t, e)
	hal := e.signIn(t, "hal@example.com")
	const view = "/links?type=download"
	list := hal.get(view)
	var href string
	list.doc(t).Find(`[data-testid="link-title"]`).EachWithBreak(func(_ int, a *goquery.Selection) bool {
		if h := a.AttrOr("href", ""); strings.HasPrefix(h, "/links/"+links[0].ID) {
			href = h
			return false
		}
		return true
	})
	if want := "/links/" + links[0].ID + "?from=" + url.QueryEscape(view); href != want {
		t.Fatalf("title link: got %q, want %q", href, want)
	}
	page := hal.get(href)
	if got := page.testid(t, "back-to-list").AttrOr("href", ""); got != view {
		t.Errorf("back link: got %q, want %q", got, view)
	}
	confirm := page.testid(t, "revoke-link").AttrOr("href", "")
	u, err := url.Parse(confirm)
	if err != nil || u.Query().Get("back") != view {
		t.Fatalf("revoke button: got %q, want back=%s", confirm, view)
	}
	hal.get(confirm)
	p := hal.post("/links/revoke", url.Values{"id": {links[0].ID}, "back": {u.Query().Get("back")}})
	if got, want := p.text(t, "flash"), "Revoked 1 link. “"+links[0].Title+"”"; p.path != view || got != want {
		t.Errorf("after revoking: ended on %s saying %q, want %s saying %q", p.path, got, view, want)
	}
	// A from that is not a list of links is not followed.
	for _, from := range []string{"https://evil.example/links", "/links/" + links[1].ID, "//evil.example"} {
		got := hal.get("/links/"+links[1].ID+"?from="+url.QueryEscape(from)).testid(t, "back-to-list").AttrOr("href", "")
		if got != "/links" {
			t.Errorf("from=%q: back link %q, want /links", from, got)
		}
	}
}
