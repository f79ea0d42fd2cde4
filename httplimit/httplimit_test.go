package httplimit_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/httplimit"
	"github.com/sharedesk/sharedesk/httplimit/httplimittest"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

func testLimits() *httplimit.Config {
	c := httplimit.ShareServer()
	c.ReadHeader, c.Read, c.Write, c.Stall, c.Progress = time.Second, 1500*time.Millisecond, 2*time.Second, time.Second, 4<<10
	return &c
}

// passwordLinkServer starts a share server with the limits lim and a password link on it; it returns
// the server, the link and the link's path.
func passwordLinkServer(t *testing.T, lim *httplimit.Config) (*sharetest.Env, api.ShareLink, string) {
	t.Helper()
	e := sharetest.Start(t, "sqlite", sharetest.Options{NoSMTP: true, Limits: lim})
	ctx := context.Background()
	f := sharetest.Must(e.Client.Put(ctx, api.PutRequest{Name: "a.txt"}, "a.txt", strings.NewReader("alpha")))(t).Object
	link := sharetest.Must(e.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{Targets: []string{f.ID},
		Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "trickle trickle"}}}}}))(t).ShareLinkObjects[0]
	return e, link, strings.TrimPrefix(link.Link, e.URL)
}

// TestTricklingBodies: 300 connections trickling a body to the unauthenticated password form are
// refused past the per-client cap or cut at the read deadline, while a recipient at another address
// and an API client are served at once.
func TestTricklingBodies(t *testing.T) {
	lim := testLimits()
	e, link, path := passwordLinkServer(t, lim)
	addr := e.Server.Listener.Addr().String()
	flood := httplimittest.StartFlood(t, addr, httplimittest.FormHead("POST", path+"/password", addr, "", "auth=0&password="),
		300, lim.Read+3*time.Second)

	// Meanwhile a recipient at another address opens the link, and an API client works.
	resp, err := httplimittest.FromAnotherAddress().Get(link.Link)
	if err != nil {
		t.Fatalf("recipient at another address during the trickle: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("recipient at another address: got %d, want 200", resp.StatusCode)
	}
	if _, err := e.Client.LinkGet(context.Background(), api.LinkGetRequest{ID: link.ID}); err != nil {
		t.Errorf("API call during the trickle: %v", err)
	}
	flood.CheckCutOrRefused(t, lim.PerClient)
}

// putBody is a complete multipart put request with a size-byte file.
func putBody(t *testing.T, name string, size int) ([]byte, string) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	req, _ := json.Marshal(map[string]any{"name": name, "transfer_method": "multipart"})
	if err := mw.WriteField("request", string(req)); err != nil {
		t.Fatal(err)
	}
	fw, _ := mw.CreateFormFile("upload", name)
	fw.Write(bytes.Repeat([]byte("u"), size))
	mw.Close()
	return b.Bytes(), mw.FormDataContentType()
}

// TestUploadsMustMakeProgress: an upload that keeps coming outlives every fixed deadline; one that
// stalls is cut after the stall period and leaves no object.
func TestUploadsMustMakeProgress(t *testing.T) {
	lim := testLimits()
	e := sharetest.Start(t, "sqlite", sharetest.Options{NoSMTP: true, Limits: lim})
	addr := e.Server.Listener.Addr().String()
	send := func(name string, size, stallAfter int, pace time.Duration) (int, time.Duration) {
		body, ct := putBody(t, name, size)
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		fmt.Fprintf(conn, "POST /v1/put HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", addr, e.Token, ct, len(body))
		start := time.Now()
		const piece = 8 << 10
		for off := 0; off < len(body) && off < stallAfter; off += piece {
			if _, err := conn.Write(body[off:min(off+piece, len(body))]); err != nil {
				break
			}
			time.Sleep(pace)
		}
		return httplimittest.AnswerWithin(conn, 10*time.Second), time.Since(start)
	}

	// 96 KiB at 8 KiB per 250 ms: three seconds, twice the fixed read deadline, three stall periods.
	if status, took := send("slow.bin", 96<<10, 1<<30, 250*time.Millisecond); status != http.StatusOK || took < 2*lim.Read {
		t.Errorf("slow but steady upload: got %d after %s, want 200 after more than %s", status, took, 2*lim.Read)
	}
	start := time.Now()
	status, _ := send("stalled.bin", 512<<10, 32<<10, 10*time.Millisecond)
	if took := time.Since(start); status == -1 || took > lim.Stall+3*time.Second {
		t.Errorf("stalled upload: got %d after %s, want the connection cut after about %s", status, took, lim.Stall)
	}
	list := sharetest.Must(e.Client.List(context.Background(), api.ListRequest{}))(t)
	var names []string
	for _, o := range list.Objects {
		names = append(names, o.Name)
	}
	if strings.Join(names, ",") != "slow.bin" {
		t.Fatalf("objects after the uploads: got %v, want only slow.bin", names)
	}
	// Downloads go through the progress writer (and its sendfile path) whole.
	u := sharetest.Must(e.Client.Get(context.Background(), api.GetRequest{ID: list.Objects[0].ID, TransferMethod: "dest-url"}))(t).DestURL
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || !bytes.Equal(got, bytes.Repeat([]byte("u"), 96<<10)) {
		t.Errorf("download through the limiter: got %d bytes (%v), want %d", len(got), err, 96<<10)
	}
}

func TestShareServerStreamingRoutes(t *testing.T) {
	streaming := httplimit.ShareServer().Streaming
	tests := []struct {
		method, path string
		want         bool
	}{
		{http.MethodPost, "/v1/put", true},
		{http.MethodPost, "/v1beta/get_archive", true},
		{http.MethodPut, "/v1/upload/tok", true},
		{http.MethodPost, "/v1/upload/tok", true},
		{http.MethodPost, "/p/upload/pos_x", true},
		{http.MethodGet, "/v1/download/tok", true},
		{http.MethodGet, "/p/zip", true},
		{http.MethodPost, "/v1/share/link/list", false},
		{http.MethodPost, "/s/tok/password", false},
		{http.MethodGet, "/s/tok", false},
	}
	for _, tt := range tests {
		if got := streaming(httptest.NewRequest(tt.method, tt.path, nil)); got != tt.want {
			t.Errorf("%s %s: got streaming=%v, want %v", tt.method, tt.path, got, tt.want)
		}
	}
}

// TestMadeUpCredentialsAreCapped: credentials that are merely present (a made-up portal cookie or
// bearer token) do not lift the per-client cap, and requests refused for their credentials are
// answered at once instead of waiting for their body; live credentials still get past the cap.
func TestMadeUpCredentialsAreCapped(t *testing.T) {
	lim := testLimits()
	e, _, path := passwordLinkServer(t, lim)
	ctx := context.Background()
	addr := e.Server.Listener.Addr().String()

	const n = 40
	tests := []struct {
		name, method, path, header string
		maxHeld                    int // connections still open, unanswered, after the wait
	}{
		{"made-up portal cookie on the password form", "POST", path + "/password", "Cookie: __Host-sd-portal=garbagegarbage\r\n", lim.PerClient},
		{"made-up plain portal cookie on the password form", "POST", path + "/password", "Cookie: sd-portal=garbage\r\n", lim.PerClient},
		{"made-up bearer on the password form", "POST", path + "/password", "Authorization: Bearer shd_fake\r\n", lim.PerClient},
		{"made-up bearer on put", "POST", "/v1/put", "Authorization: Bearer shd_fakefakefakefakefakefakefakefake\r\n", 0},
		{"made-up bearer on link list", "POST", "/v1/share/link/list", "Authorization: Bearer x\r\n", 0},
		{"made-up cookie on the portal upload", "POST", "/p/upload/pos_x", "Cookie: __Host-sd-portal=garbage\r\n", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			head := httplimittest.FormHead(tt.method, tt.path, addr, tt.header, "auth=0&password=")
			// Well inside the read deadline: whatever is answered now was not cut by it.
			counts := httplimittest.StartFlood(t, addr, head, n, lim.Read-500*time.Millisecond).Outcomes()
			if counts[httplimittest.Still] > tt.maxHeld {
				t.Errorf("%d connections from one address: got %d held open, want at most %d (outcomes %v)", n, counts[httplimittest.Still], tt.maxHeld, counts)
			}
			// Where the handler refuses the credentials itself, every connection is answered at once.
			if tt.maxHeld > 0 && counts[http.StatusTooManyRequests] < n-lim.PerClient {
				t.Errorf("got %d refused with 429, want at least %d (outcomes %v)", counts[http.StatusTooManyRequests], n-lim.PerClient, counts)
			}
		})
	}

	// With the address's unverified slots taken, a live API token and a live portal session get in.
	stop := make(chan struct{})
	var writers sync.WaitGroup
	defer func() { close(stop); writers.Wait() }()
	for range lim.PerClient {
		httplimittest.Trickle(t, addr, httplimittest.FormHead("POST", path+"/password", addr, "", "auth=0&password="), stop,
			&writers)
	}
	l, err := e.Svc.OpenLink(ctx, strings.TrimPrefix(path, "/s/"))
	if err != nil {
		t.Fatal(err)
	}
	secret, err := e.Svc.StartSession(ctx, l)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the tricklers' headers are in
	for _, tc := range []struct {
		name, method, path, header, value string
		want                              int
	}{
		{"no credentials", "GET", "/p/", "", "", http.StatusTooManyRequests},
		{"live portal session", "GET", "/p/", "Cookie", "__Host-sd-portal=" + secret, http.StatusOK},
		{"live API token", "POST", "/v1/buckets", "Authorization", "Bearer " + e.Token, http.StatusOK},
	} {
		req, _ := http.NewRequest(tc.method, e.URL+tc.path, nil)
		if tc.header != "" {
			req.Header.Set(tc.header, tc.value)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.want {
			t.Errorf("%s past the cap: got %d, want %d", tc.name, resp.StatusCode, tc.want)
		}
	}
}
