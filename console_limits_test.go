package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/applog"
	"github.com/sharedesk/sharedesk/devidp"
	"github.com/sharedesk/sharedesk/httplimit"
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

	const n = 300
	results := make([]int, n)
	var wg, writers sync.WaitGroup
	stop := make(chan struct{})
	for i := range n {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST /logout HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ncsrf=", addr)
		wg.Add(1)
		writers.Add(1)
		go func() { // one byte every 200 ms, until told to stop
			defer writers.Done()
			tick := time.NewTicker(200 * time.Millisecond)
			defer tick.Stop()
			for {
				select {
				case <-stop:
					return
				case <-tick.C:
					if _, err := conn.Write([]byte("x")); err != nil {
						return
					}
				}
			}
		}()
		go func() {
			defer wg.Done()
			_ = conn.SetReadDeadline(time.Now().Add(lim.Read + 3*time.Second))
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			switch {
			case err == nil:
				resp.Body.Close()
				results[i] = resp.StatusCode
			case isTimeout(err):
				results[i] = -1 // still open, unanswered
			}
		}()
	}

	other := &http.Client{Timeout: 2 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: &http.Transport{DialContext: (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}).DialContext}}
	resp, err := other.Get("http://" + addr + "/signed-out")
	if err != nil {
		t.Fatalf("someone at another address during the trickle: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("someone at another address: got %d, want 200", resp.StatusCode)
	}

	wg.Wait()
	close(stop)
	writers.Wait()
	counts := map[int]int{}
	for _, r := range results {
		counts[r]++
	}
	if counts[-1] != 0 {
		t.Errorf("%d of %d trickling connections were still open after %s (outcomes %v)", counts[-1], n, lim.Read+3*time.Second, counts)
	}
	if counts[http.StatusTooManyRequests] < n-lim.PerClient {
		t.Errorf("over the per-client cap of %d: %d refused with 429, want at least %d (outcomes %v)", lim.PerClient, counts[http.StatusTooManyRequests], n-lim.PerClient, counts)
	}
}

func isTimeout(err error) bool {
	ne, ok := err.(net.Error)
	return ok && ne.Timeout()
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
