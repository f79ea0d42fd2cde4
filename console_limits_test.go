package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/applog"
	"github.com/sharedesk/sharedesk/devidp"
	"github.com/sharedesk/sharedesk/httplimit"
	"github.com/sharedesk/sharedesk/httplimit/httplimittest"
)

// startConsole serves the console as main builds it, with the given limits, against a development
// identity provider; it returns the console's address.
func startConsole(t *testing.T, lim *httplimit.Config) string {
	t.Helper()
	idpSrv := httptest.NewUnstartedServer(nil)
	issuer := "http://" + idpSrv.Listener.Addr().String()
	srv := httptest.NewUnstartedServer(nil)
	consoleURL := "http://" + srv.Listener.Addr().String()
	idp, err := devidp.New(issuer, []devidp.Client{{ID: "c", Secret: "s", RedirectURIs: []string{consoleURL + "/auth/callback"},
		PostLogoutURIs: []string{consoleURL + "/signed-out"}}}, demoUsers)
	if err != nil {
		t.Fatal(err)
	}
	idpSrv.Config.Handler = idp
	idpSrv.Start()
	t.Cleanup(idpSrv.Close)
	cf := consoleFlags{listen: srv.Listener.Addr().String(), consoleURL: consoleURL, issuer: issuer, clientID: "c", clientSecret: "s",
		roleClaim: "groups", roleMap: "share-admins=admin", scopes: "openid,profile,email"}
	h, closeConsole, err := buildConsole(context.Background(), &cf, consoleDeps{client: api.NewClient("http://127.0.0.1:1", "shd_x"),
		dataDir: t.TempDir(), limits: lim}, applog.New(io.Discard, slog.LevelError))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(closeConsole)
	srv.Config.Handler = h
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.Listener.Addr().String()
}

// TestConsoleTricklingBodies: 300 connections trickling a body to the console's POST /logout from one
// address are refused past the per-client cap or cut at the read deadline, while someone at another
// address is served at once.
func TestConsoleTricklingBodies(t *testing.T) {
	lim := httplimit.Console()
	lim.Read, lim.Write, lim.Stall, lim.Progress = 1500*time.Millisecond, 2*time.Second, time.Second, 4<<10
	addr := startConsole(t, &lim)
	flood := httplimittest.StartFlood(t, addr, httplimittest.FormHead("POST", "/logout", addr, "", "csrf="), 300,
		lim.Read+3*time.Second)

	other := httplimittest.FromAnotherAddress()
	other.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := other.Get("http://" + addr + "/signed-out")
	if err != nil {
		t.Fatalf("someone at another address during the trickle: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("someone at another address: got %d, want 200", resp.StatusCode)
	}
	flood.CheckCutOrRefused(t, lim.PerClient)
}

// TestConsoleStreamingRoutes: only the console's file upload streams.
func TestConsoleStreamingRoutes(t *testing.T) {
	streaming := httplimit.Console().Streaming
	tests := []struct {
		method, path string
		want         bool
	}{
		{http.MethodPost, "/files/upload", true},
		{http.MethodPost, "/files/folder", false},
		{http.MethodPost, "/logout", false},
		{http.MethodGet, "/files/upload", false},
	}
	for _, tt := range tests {
		if got := streaming(httptest.NewRequest(tt.method, tt.path, nil)); got != tt.want {
			t.Errorf("%s %s: got streaming=%v, want %v", tt.method, tt.path, got, tt.want)
		}
	}
}
