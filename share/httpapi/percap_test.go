package httpapi_test

import (
	"fmt"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/httplimit"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestPerClientCapOnAPIRoutes: once a client address has as many requests without credentials in
// flight as the cap allows, the API routes it can reach without a token answer 429 with Retry-After.
// Every reply goes through e.HTTP, so each is checked against the OpenAPI document too.
func TestPerClientCapOnAPIRoutes(t *testing.T) {
	lim := httplimit.ShareServer()
	lim.PerClient = 1
	e := sharetest.Start(t, "sqlite", sharetest.Options{NoSMTP: true, Limits: &lim})
	r := postRaw(t, e, "/v1/put", `{"transfer_method":"put-url","name":"held.bin"}`)
	up, _ := r.Result["put_url"].(string)
	if r.HTTP != http.StatusAccepted || up == "" {
		t.Fatalf("put-url: got HTTP %d %s %v", r.HTTP, r.Status, r.Result)
	}

	// An upload whose body never comes holds the address's only slot. The probes below take that slot
	// too while they are served, so an upload that arrives during one is refused: then it is sent again.
	var conn net.Conn
	defer func() {
		if conn != nil {
			conn.Close()
		}
	}()
	held := false
	for deadline := time.Now().Add(10 * time.Second); !held && time.Now().Before(deadline); {
		if conn == nil {
			c, err := net.Dial("tcp", e.Server.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			conn = c
			fmt.Fprintf(conn, "PUT %s HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\nContent-Length: 1000\r\n\r\n", up[len(e.URL):])
		}
		time.Sleep(100 * time.Millisecond)
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Millisecond))
		if n, _ := conn.Read(make([]byte, 1)); n > 0 { // answered: refused while a probe had the slot
			conn.Close()
			conn = nil
			continue
		}
		resp, err := http.Get(e.URL + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		held = resp.StatusCode == http.StatusTooManyRequests
	}
	if !held {
		t.Fatal("the held upload never took the address's slot")
	}

	for _, tc := range []struct{ method, path, token string }{
		{http.MethodGet, "/v1/openapi.json", ""},
		{http.MethodGet, "/healthz", ""},
		{http.MethodGet, "/readyz", ""},
		{http.MethodPost, "/v1/buckets", ""},
		{http.MethodPost, "/v1beta/list", ""},
		{http.MethodGet, "/v1/download/x", ""},
		{http.MethodPut, "/v1/upload/x", ""},
		{http.MethodGet, "/request/prq_x", ""},
		{http.MethodGet, "/v1/request/prq_x", ""},
		{http.MethodPost, "/v1/buckets", e.Token}, // credentials are not capped
	} {
		req, err := http.NewRequest(tc.method, e.URL+tc.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		want := http.StatusTooManyRequests
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
			want = http.StatusOK
		}
		resp, err := e.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s %s: got HTTP %d, want %d", tc.method, tc.path, resp.StatusCode, want)
		}
		if want == http.StatusTooManyRequests && resp.Header.Get("Retry-After") == "" {
			t.Errorf("%s %s: 429 without Retry-After", tc.method, tc.path)
		}
	}
}
