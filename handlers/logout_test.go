package handlers_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestSignOut(t *testing.T) {
	e := startConsole(t, "sqlite")
	ada := e.signIn(t, "ada@example.com")
	ada.get("/links")
	p := ada.post("/logout", nil)
	if p.status != http.StatusOK || p.text(t, "page-heading") != "You are signed out" {
		t.Fatalf("sign out: got %d at %s headed %q, want 200 You are signed out", p.status, p.path, p.text(t, "page-heading"))
	}
	if p := ada.get("/links"); strings.HasPrefix(p.path, "/links") {
		t.Errorf("still signed in after sign-out")
	}
}
