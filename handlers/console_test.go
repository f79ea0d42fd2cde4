package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestSignInAndLinks(t *testing.T) {
	e := startConsole(t, "sqlite")
	_, _, links := seedLinks(t, e)
	ada := e.signIn(t, "ada@example.com")
	p := ada.get("/links")
	if p.status != http.StatusOK {
		t.Fatalf("links page: %d\n%s", p.status, p.body)
	}
	for _, want := range []string{"Signed NDA", "Q3 board pack", "Supplier invoices", "3 links match", "nda.txt", "Ada Admin"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("links page lacks %q", want)
		}
	}
	if strings.Contains(p.body, e.share.Token) {
		t.Error("the service token appears in the page")
	}
	filtered := ada.get("/links?q=board")
	if !strings.Contains(filtered.body, "1 link matches") || strings.Contains(filtered.body, "Signed NDA") {
		t.Errorf("filter by title: got %q", filtered.body)
	}
	detail := ada.get("/links/" + links[0].ID)
	if !strings.Contains(detail.body, links[0].Link) || !strings.Contains(detail.body, "email code to rcpta@example.com") {
		t.Errorf("detail page lacks the link or its authenticator")
	}
}
