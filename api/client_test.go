package api_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
)

// TestClientGivesUp: a server that takes the request and never answers costs a page at most
// CallTimeout, and a redirect is never followed (it would carry the token elsewhere).
func TestClientGivesUp(t *testing.T) {
	release := make(chan struct{})
	hang := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer hang.Close()
	defer close(release)
	c := api.NewClient(hang.URL, "shd_x")
	c.CallTimeout = 200 * time.Millisecond
	start := time.Now()
	if _, err := c.Buckets(context.Background()); err == nil || time.Since(start) > 5*time.Second {
		t.Errorf("hanging server: got %v after %s, want an error after about %s", err, time.Since(start), c.CallTimeout)
	}

	var sawToken bool
	elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawToken = r.Header.Get("Authorization") != ""
	}))
	defer elsewhere.Close()
	redirect := httptest.NewServer(http.RedirectHandler(elsewhere.URL+"/v1/buckets", http.StatusTemporaryRedirect))
	defer redirect.Close()
	if _, err := api.NewClient(redirect.URL, "shd_x").Buckets(context.Background()); err == nil {
		t.Error("a redirect answered like a Share API")
	}
	if sawToken {
		t.Error("the token followed the redirect")
	}
}
