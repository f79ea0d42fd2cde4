package handlers_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
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
		if p.status != http.StatusOK || p.path != tt.wantPath || !strings.Contains(p.body, "Revoked 1 link") {
			t.Errorf("%s: ended on %d %s (confirmation shown: %v), want 200 %s with the confirmation",
				tt.name, p.status, p.path, strings.Contains(p.body, "Revoked 1 link"), tt.wantPath)
		}
	}
}
