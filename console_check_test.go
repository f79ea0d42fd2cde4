package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/applog"
	"github.com/sharedesk/sharedesk/devidp"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// fakeOIDC are provider settings; the client secret comes from SHAREDESK_OIDC_CLIENT_SECRET (set by the
// tests), as secrets never come from flags.
var fakeOIDC = []string{"--oidc-issuer", "https://idp.example.com", "--oidc-client-id", "c", "--default-role", "viewer"}

func writeToken(t *testing.T, path, token string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestConsoleStartupCheck: the console refuses to start on API settings that cannot work, naming the
// setting at fault, and never sends the token to something that is not a Share API.
func TestConsoleStartupCheck(t *testing.T) {
	for _, kind := range sharetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			env := sharetest.Start(t, kind, sharetest.Options{NoSMTP: true})
			dir := t.TempDir()
			good := filepath.Join(dir, "good")
			writeToken(t, good, env.Token)
			revokedToken, tok, err := env.Svc.CreateToken(context.Background(), "old")
			if err != nil {
				t.Fatal(err)
			}
			if err := env.Svc.RevokeToken(context.Background(), tok.ID); err != nil {
				t.Fatal(err)
			}
			revoked := filepath.Join(dir, "revoked")
			writeToken(t, revoked, revokedToken)
			unknown := filepath.Join(dir, "unknown")
			writeToken(t, unknown, "shd_"+strings.Repeat("a", 32))
			empty := filepath.Join(dir, "empty")
			writeToken(t, empty, "  ")

			var sawToken atomic.Bool
			other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") != "" {
					sawToken.Store(true)
				}
				w.Header().Set("Content-Type", "text/html")
				_, _ = io.WriteString(w, "<html>another service</html>")
			}))
			defer other.Close()
			// A JSON API that looks like an envelope but is not a Share API, and an address that
			// redirects to the real share server: neither may receive the token.
			lookalike := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") != "" {
					sawToken.Store(true)
				}
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(http.StatusUnauthorized)
				_, _ = io.WriteString(w, `{"status":"error","request_id":"abc-123"}`)
			}))
			defer lookalike.Close()
			redirect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Header.Get("Authorization") != "" {
					sawToken.Store(true)
				}
				http.Redirect(w, r, env.URL+r.URL.Path, http.StatusPermanentRedirect)
			}))
			defer redirect.Close()
			bom := filepath.Join(dir, "bom")
			writeToken(t, bom, "\ufeff"+env.Token)
			closed := freeAddr(t)

			tests := []struct {
				name, url, tokenFile string
				want                 []string // fragments of the refusal
			}{
				{"not a URL", "not-a-url", good, []string{"--api-url", "not an http"}},
				{"ftp URL", "ftp://share.example.com", good, []string{"--api-url", "not an http"}},
				{"credentials in URL", "https://u:p@share.example.com", good, []string{"--api-url", "without credentials"}},
				{"closed port", "http://" + closed, good, []string{"--api-url", "cannot be reached"}},
				{"another service", other.URL, good, []string{"--api-url", "does not answer as a Share API"}},
				{"a JSON service", lookalike.URL, good, []string{"--api-url", "does not answer as a Share API"}},
				{"a redirect", redirect.URL, good, []string{"--api-url", "redirect", env.URL}},
				{"revoked token", env.URL, revoked, []string{"--api-token-file", "refused the service token", api.Fingerprint(revokedToken)}},
				{"unknown token", env.URL, unknown, []string{"--api-token-file", "refused the service token"}},
				{"empty token file", env.URL, empty, []string{"--api-token-file", "is empty"}},
				{"missing token file", env.URL, filepath.Join(dir, "nope"), []string{"--api-token-file", "no such file"}},
			}
			t.Setenv("SHAREDESK_OIDC_CLIENT_SECRET", "s")
			for _, tt := range tests {
				args := append([]string{"console", "--data-dir", t.TempDir(), "--api-url", tt.url, "--api-token-file", tt.tokenFile}, fakeOIDC...)
				_, err := runCmd(t, args...)
				for _, w := range tt.want {
					if err == nil || !strings.Contains(err.Error(), w) {
						t.Errorf("%s: got %v, want a refusal containing %q", tt.name, err, w)
					}
				}
				if err != nil && strings.Contains(err.Error(), env.Token) {
					t.Errorf("%s: the refusal contains the token", tt.name)
				}
			}
			if sawToken.Load() {
				t.Error("the token was sent to a service that is not a Share API")
			}
			// The same check passes with good settings (a file written with a byte-order mark included).
			for _, file := range []string{good, bom} {
				tf, err := api.OpenTokenFile(file, nil)
				if err != nil {
					t.Fatal(err)
				}
				c := api.NewClient(env.URL, "")
				c.TokenFile = tf
				if err := (apiCheck{client: c, urlSetting: "--api-url", tokenSetting: "--api-token-file"}).run(context.Background(), true); err != nil {
					t.Errorf("good settings (%s): got %v, want no error", filepath.Base(file), err)
				}
			}
		})
	}
}

// TestConsoleReadyz: /readyz reports the same check while the console runs.
func TestConsoleReadyz(t *testing.T) {
	env := sharetest.Start(t, "sqlite", sharetest.Options{NoSMTP: true})
	token, tok, err := env.Svc.CreateToken(context.Background(), "console")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "token")
	writeToken(t, file, token)
	tf, err := api.OpenTokenFile(file, nil)
	if err != nil {
		t.Fatal(err)
	}
	client := api.NewClient(env.URL, "")
	client.TokenFile = tf
	check := apiCheck{client: client, urlSetting: "--api-url", tokenSetting: "--api-token-file"}
	h := withProbes(http.NotFoundHandler(), &readiness{check: check, log: applog.New(io.Discard, slog.LevelError)})
	probe := func() (int, string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/readyz", nil))
		return rec.Code, rec.Body.String()
	}
	steps := []struct {
		name   string
		before func()
		status int
		want   string
	}{
		{"working", func() {}, http.StatusOK, "ready"},
		{"token file emptied", func() { writeToken(t, file, "") }, http.StatusServiceUnavailable, "--api-token-file: the service token file cannot be used"},
		{"token file removed", func() { os.Remove(file) }, http.StatusServiceUnavailable, "--api-token-file: the service token file cannot be used"},
		{"token file back", func() { writeToken(t, file, token) }, http.StatusOK, "ready"},
		{"token revoked", func() { _ = env.Svc.RevokeToken(context.Background(), tok.ID) }, http.StatusServiceUnavailable, "--api-token-file: the share API refused"},
		{"share server stopped", env.Server.Close, http.StatusServiceUnavailable, "--api-url: the share API cannot be reached"},
	}
	for _, s := range steps {
		s.before()
		status, body := probe()
		if s.name == "token file back" && strings.Contains(env.Logs.String(), `"reason":"missing"`) {
			t.Error("the readiness probe sent requests without the token: the share server logged refusals")
		}
		if status != s.status || !strings.Contains(body, s.want) {
			t.Errorf("%s: got %d %q, want %d %q", s.name, status, body, s.status, s.want)
		}
		if strings.Contains(body, token) || strings.Contains(body, env.URL) {
			t.Errorf("%s: /readyz shows the token or the API address: %q", s.name, body)
		}
	}
}

// TestTokenReloadOnHangup: SIGHUP re-reads the token file.
func TestTokenReloadOnHangup(t *testing.T) {
	path := filepath.Join(t.TempDir(), "token")
	writeToken(t, path, "shd_first")
	var seen atomic.Int32
	tf, err := api.OpenTokenFile(path, func(string) { seen.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	reloadOnHangup(ctx, tf, applog.New(io.Discard, slog.LevelError))
	// Same size and time as before: only the signal can make the change seen.
	st, _ := os.Stat(path)
	writeToken(t, path, "shd_secnd")
	_ = os.Chtimes(path, st.ModTime(), st.ModTime())
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	for range 100 {
		if seen.Load() == 2 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Errorf("after SIGHUP: %d tokens taken into use, want 2", seen.Load())
}

// TestServeRevokesItsToken: serve's in-memory console token is revoked on a clean stop.
func TestServeRevokesItsToken(t *testing.T) {
	idp := httptest.NewUnstartedServer(nil)
	issuer := "http://" + idp.Listener.Addr().String()
	p, err := devidp.New(issuer, []devidp.Client{{ID: "console", Secret: "console-secret", RedirectURIs: []string{"http://127.0.0.1/auth/callback"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	idp.Config.Handler = p
	idp.Start()
	defer idp.Close()
	dir, console := t.TempDir(), freeAddr(t)
	t.Setenv("SHAREDESK_OIDC_CLIENT_SECRET", "console-secret")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--data-dir", dir, "--listen", console, "--share-listen", freeAddr(t), "--oidc-issuer", issuer,
			"--oidc-client-id", "console", "--default-role", "viewer"}, io.Discard, io.Discard)
	}()
	if err := waitReady(context.Background(), "http://"+console+"/readyz"); err != nil {
		cancel()
		t.Fatalf("serve did not become ready: %v (%v)", err, <-done)
	}
	list, _ := runCmd(t, "token", "list", "--data-dir", dir)
	if !strings.Contains(list, "console (built in, ") || !strings.Contains(list, "active") {
		t.Errorf("while running: got %q, want the built-in token active", list)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	list, _ = runCmd(t, "token", "list", "--data-dir", dir)
	if strings.Contains(list, "active") || !strings.Contains(list, "revoked") {
		t.Errorf("after a clean stop: got %q, want the built-in token revoked", list)
	}
}

// TestTokenRevokeFlagsAfterName: flags may follow the token's name.
func TestTokenRevokeFlagsAfterName(t *testing.T) {
	dir := t.TempDir()
	if _, err := runCmd(t, "token", "create", "--name", "ci", "--data-dir", dir); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		args []string
		want string // in the output or the error
	}{
		{[]string{"token", "revoke", "nope", "--data-dir", dir}, "no live token"},
		{[]string{"token", "revoke", "ci", "--data-dir", dir}, "Revoked ci"},
		{[]string{"token", "revoke", "--data-dir", dir}, "usage: sharedesk token revoke"},
		{[]string{"token", "revoke", "a", "b", "--data-dir", dir}, "one token at a time"},
		{[]string{"token", "list", "extra", "--data-dir", dir}, "takes no arguments"},
	}
	for _, tt := range tests {
		out, err := runCmd(t, tt.args...)
		got := out
		if err != nil {
			got += err.Error()
		}
		if !strings.Contains(got, tt.want) {
			t.Errorf("%v: got %q, want %q", tt.args, got, tt.want)
		}
	}
	if list, _ := runCmd(t, "token", "list", "--data-dir", dir); !strings.Contains(list, "revoked") {
		t.Errorf("token list: got %q, want ci revoked", list)
	}
}

// TestInstancesKeepTheirOwnTokens: consoles of several instances on one database each keep their
// built-in token; a restart of one instance revokes only what its own previous run left behind.
func TestInstancesKeepTheirOwnTokens(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	sf := shareFlags{storageFlags: storageFlags{dataDir: t.TempDir()}, listen: "127.0.0.1:0"}
	srv, err := buildShare(ctx, &sf, applog.New(io.Discard, slog.LevelError))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.db.Close()
	tokenA, _, err := internalToken(ctx, srv, "10.0.0.1:8080")
	if err != nil {
		t.Fatal(err)
	}
	tokenB, _, err := internalToken(ctx, srv, "10.0.0.2:8080")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.svc.Authenticate(ctx, tokenA); err != nil {
		t.Errorf("instance A's token after B started: %v, want it still valid", err)
	}
	if _, _, err := internalToken(ctx, srv, "10.0.0.1:8080"); err != nil { // A restarts after a crash
		t.Fatal(err)
	}
	if _, err := srv.svc.Authenticate(ctx, tokenA); err == nil {
		t.Error("A's old token still works after A restarted")
	}
	if _, err := srv.svc.Authenticate(ctx, tokenB); err != nil {
		t.Errorf("B's token after A restarted: %v, want it still valid", err)
	}
}
