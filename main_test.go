package main

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

func runCmd(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	return out.String(), err
}

func TestTokenCommands(t *testing.T) {
	dir := t.TempDir()
	out, err := runCmd(t, "token", "create", "--name", "console", "--data-dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	token := lines[len(lines)-1]
	if !strings.HasPrefix(token, "shd_") || len(token) != 36 {
		t.Fatalf("last line of token create: got %q, want the token alone", token)
	}
	// The data dir can also come from the environment.
	t.Setenv("SHAREDESK_DATA_DIR", dir)
	list, err := runCmd(t, "token", "list")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(list, "console") || !strings.Contains(list, "active") || strings.Contains(list, token) {
		t.Errorf("token list: got %q, want the name, its state and never the secret", list)
	}

	// A server on the same data dir accepts the token until it is revoked.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		var sink bytes.Buffer
		done <- run(ctx, []string{"share-server", "--listen", "127.0.0.1:18931"}, &sink, &sink)
	}()
	status := func() int {
		for range 50 {
			req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:18931/v1/buckets", strings.NewReader("{}"))
			req.Header.Set("Authorization", "Bearer "+token)
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				resp.Body.Close()
				return resp.StatusCode
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Fatal("share-server did not start")
		return 0
	}
	if got := status(); got != http.StatusOK {
		t.Fatalf("before revoke: got %d, want 200", got)
	}
	if _, err := runCmd(t, "token", "revoke", "console"); err != nil {
		t.Fatal(err)
	}
	if got := status(); got != http.StatusUnauthorized {
		t.Errorf("after revoke: got %d, want 401", got)
	}
	if _, err := runCmd(t, "token", "revoke", "console"); err == nil {
		t.Error("revoking twice: got no error")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("graceful shutdown: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Error("server did not stop on cancel")
	}
}

func TestDemoRefusesNonLoopback(t *testing.T) {
	tests := []struct {
		addr string
		ok   bool
	}{
		{"127.0.0.1:8081", true}, {"[::1]:8081", true}, {"localhost:8081", true},
		{"0.0.0.0:8081", false}, {":8081", false}, {"192.0.2.1:8081", false},
	}
	for _, tt := range tests {
		if err := requireLoopback(tt.addr); (err == nil) != tt.ok {
			t.Errorf("requireLoopback(%q): got %v, want ok=%v", tt.addr, err, tt.ok)
		}
	}
}

func TestConsoleCommandsNeedRealOIDC(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--data-dir", t.TempDir()},
		{"console", "--api-url", "http://127.0.0.1:1", "--data-dir", t.TempDir()},
		{"serve", "--data-dir", t.TempDir(), "--oidc-issuer", "https://idp.example.com", "--oidc-client-id", "x"},
	} {
		_, err := runCmd(t, args...)
		if err == nil || !strings.Contains(err.Error(), "identity provider") {
			t.Errorf("%v: got %v, want a refusal naming the missing OIDC settings", args, err)
		}
	}
	if err := requireLoopback("0.0.0.0:8080"); err == nil {
		t.Error("demo would listen on every address")
	}
}
