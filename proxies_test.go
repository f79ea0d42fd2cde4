package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
)

// startShareFromFlags builds the share server exactly as share-server does from these flags, and serves
// it on a loopback port.
func startShareFromFlags(t *testing.T, args ...string) (*shareServer, string) {
	t.Helper()
	fs := flag.NewFlagSet("share-server", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var sf shareFlags
	sf.register(fs, "listen")
	if err := parse(fs, append([]string{"--data-dir", t.TempDir()}, args...)); err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	sf.publicURL = "http://" + ts.Listener.Addr().String()
	srv, err := buildShare(context.Background(), &sf, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.db.Close() })
	ts.Config.Handler = srv.handler
	ts.Start()
	t.Cleanup(ts.Close)
	return srv, sf.publicURL
}

// Behind a trusted proxy the per-address guess limit counts the client named by the proxy, not the
// proxy: one client that exhausts it does not lock out the next one. Without --trusted-proxies the
// header is ignored (everyone is the proxy's address), and a client cannot pick its address by
// writing the header itself.
func TestTrustedProxies(t *testing.T) {
	cases := []struct {
		name          string
		flags         []string
		guesser, next string // X-Forwarded-For of the client that guesses, and of the next client
		wantNext      int
	}{
		{"trusted proxy: clients apart", []string{"--trusted-proxies", "127.0.0.1/32"}, "198.51.100.1", "198.51.100.2", http.StatusOK},
		{"trusted proxy: a spoofed left hop changes nothing", []string{"--trusted-proxies", "127.0.0.0/8"},
			"198.51.100.1", "203.0.113.9, 198.51.100.1", http.StatusTooManyRequests},
		{"no trusted proxies: the header is ignored", nil, "198.51.100.1", "198.51.100.2", http.StatusTooManyRequests},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv, base := startShareFromFlags(t, c.flags...)
			ctx := context.Background()
			token, _, err := srv.svc.CreateToken(ctx, "proxies")
			if err != nil {
				t.Fatal(err)
			}
			client := api.NewClient(base, token)
			f, err := client.Put(ctx, api.PutRequest{Name: "f.txt"}, "f.txt", strings.NewReader("x"))
			if err != nil {
				t.Fatal(err)
			}
			var links []api.ShareLink
			for range 4 {
				res, err := client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{Targets: []string{f.Object.ID},
					Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "right password"}}}}})
				if err != nil {
					t.Fatal(err)
				}
				links = append(links, res.ShareLinkObjects[0])
			}
			try := func(l api.ShareLink, forwarded, password string) int {
				req, _ := http.NewRequest(http.MethodPost, l.Link+"/password",
					strings.NewReader(url.Values{"auth": {"0"}, "password": {password}}.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				req.Header.Set("X-Forwarded-For", forwarded)
				resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusSeeOther || resp.StatusCode == http.StatusFound {
					return http.StatusOK
				}
				return resp.StatusCode
			}
			// Spread over three links, under each link's own limit, up to the per-address limit.
			for i := range share.MaxFailuresPerIP {
				if got := try(links[i%3], c.guesser, fmt.Sprint("wrong ", i)); got != http.StatusUnauthorized {
					t.Fatalf("guess %d: %d", i, got)
				}
			}
			if got := try(links[3], c.guesser, "right password"); got != http.StatusTooManyRequests {
				t.Errorf("the guesser after %d failures: %d, want 429", share.MaxFailuresPerIP, got)
			}
			if got := try(links[3], c.next, "right password"); got != c.wantNext {
				t.Errorf("the next client (X-Forwarded-For %s): %d, want %d", c.next, got, c.wantNext)
			}
		})
	}
}

// A bad --trusted-proxies stops every command that takes it, naming the setting.
func TestTrustedProxiesRefused(t *testing.T) {
	for _, args := range [][]string{
		{"share-server", "--data-dir", t.TempDir(), "--listen", "127.0.0.1:0", "--trusted-proxies", "10.0.0.0/33"},
		{"console", "--trusted-proxies", "proxy.example.com"},
	} {
		var out, errOut strings.Builder
		err := run(context.Background(), args, &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), "--trusted-proxies") {
			t.Errorf("%s: got %v, want a refusal naming --trusted-proxies", args[0], err)
		}
	}
}
