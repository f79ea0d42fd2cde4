package httplimit_test

import (
	"bufio"
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
	"github.com/sharedesk/sharedesk/share/sharetest"
)

func testLimits() *httplimit.Config {
	c := httplimit.ShareServer()
	c.ReadHeader, c.Read, c.Write, c.Stall, c.Progress = time.Second, 1500*time.Millisecond, 2*time.Second, time.Second, 4<<10
	return &c
}

// answerWithin reads the server's reply on conn, waiting at most d; it returns the status, 0 when the
// server closed the connection without one, or -1 when nothing happened in time.
func answerWithin(conn net.Conn, d time.Duration) int {
	_ = conn.SetReadDeadline(time.Now().Add(d))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			return -1
		}
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestTricklingBodies: 300 connections trickling a body to the unauthenticated password form are
// refused past the per-client cap or cut at the read deadline, while a recipient at another address
// and an API client are served at once.
func TestTricklingBodies(t *testing.T) {
	lim := testLimits()
	e := sharetest.Start(t, "sqlite", sharetest.Options{NoSMTP: true, Limits: lim})
	ctx := context.Background()
	f := sharetest.Must(e.Client.Put(ctx, api.PutRequest{Name: "a.txt"}, "a.txt", strings.NewReader("alpha")))(t).Object
	link := sharetest.Must(e.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{Targets: []string{f.ID},
		Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "trickle trickle"}}}}}))(t).ShareLinkObjects[0]
	path := strings.TrimPrefix(link.Link, e.URL)
	addr := e.Server.Listener.Addr().String()

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
		fmt.Fprintf(conn, "POST %s/password HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\nauth=0&password=", path, addr)
		wg.Add(1)
		writers.Add(1)
		go func() { // one byte every 200 ms, forever
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
			results[i] = answerWithin(conn, lim.Read+3*time.Second)
		}()
	}

	// Meanwhile a recipient at another address opens the link, and an API client works.
	other := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DialContext: (&net.Dialer{
		LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}).DialContext}}
	resp, err := other.Get(link.Link)
	if err != nil {
		t.Fatalf("recipient at another address during the trickle: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("recipient at another address: got %d, want 200", resp.StatusCode)
	}
	if _, err := e.Client.LinkGet(ctx, api.LinkGetRequest{ID: link.ID}); err != nil {
		t.Errorf("API call during the trickle: %v", err)
	}

	wg.Wait() // every trickler has had its answer (or none) by now
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
		return answerWithin(conn, 10*time.Second), time.Since(start)
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

// trickle opens a connection that sends a request's headers (with extra, CRLF-terminated) and then a
// body byte every 200 ms until stop is closed; it returns the connection.
func trickle(t *testing.T, addr, method, path, extra string, stop <-chan struct{}, writers *sync.WaitGroup) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n%sContent-Length: 1000\r\n\r\nauth=0&password=", method, path, addr, extra)
	writers.Add(1)
	go func() {
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
	return conn
}

// TestMadeUpCredentialsAreCapped: credentials that are merely present (a made-up portal cookie or
// bearer token) do not lift the per-client cap, and requests refused for their credentials are
// answered at once instead of waiting for their body; live credentials still get past the cap.
func TestMadeUpCredentialsAreCapped(t *testing.T) {
	lim := testLimits()
	e := sharetest.Start(t, "sqlite", sharetest.Options{NoSMTP: true, Limits: lim})
	ctx := context.Background()
	f := sharetest.Must(e.Client.Put(ctx, api.PutRequest{Name: "a.txt"}, "a.txt", strings.NewReader("alpha")))(t).Object
	link := sharetest.Must(e.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{Targets: []string{f.ID},
		Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "trickle trickle"}}}}}))(t).ShareLinkObjects[0]
	path := strings.TrimPrefix(link.Link, e.URL)
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
			stop := make(chan struct{})
			var writers sync.WaitGroup
			results := make([]int, n)
			var wg sync.WaitGroup
			for i := range n {
				conn := trickle(t, addr, tt.method, tt.path, tt.header, stop, &writers)
				wg.Add(1)
				go func() {
					defer wg.Done()
					// Well inside the read deadline: whatever is answered now was not cut by it.
					results[i] = answerWithin(conn, lim.Read-500*time.Millisecond)
				}()
			}
			wg.Wait()
			close(stop)
			writers.Wait()
			counts := map[int]int{}
			for _, r := range results {
				counts[r]++
			}
			if counts[-1] > tt.maxHeld {
				t.Errorf("%d connections from one address: got %d held open, want at most %d (outcomes %v)", n, counts[-1], tt.maxHeld, counts)
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
		trickle(t, addr, "POST", path+"/password", "", stop, &writers)
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
