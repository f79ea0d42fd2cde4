package main

import (
	"bytes"
	"context"
	"flag"
	"net"
	"net/http"
	"os"
	"path/filepath"
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

func TestTokenNamesAreUnique(t *testing.T) {
	dir := t.TempDir()
	if _, err := runCmd(t, "token", "create", "--name", "ci", "--data-dir", dir); err != nil {
		t.Fatal(err)
	}
	if _, err := runCmd(t, "token", "create", "--name", "ci", "--data-dir", dir); err == nil || !strings.Contains(err.Error(), "already named") {
		t.Errorf("second token named ci: got %v, want a refusal", err)
	}
	// Two live tokens of one name can exist from before names were unique: revoke must not take both.
	db, err := (&storageFlags{dataDir: dir}).open(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.SQL().Exec("INSERT INTO api_tokens (id, name, hash, created_at) VALUES ('ptk_old', 'ci', 'x', 1)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := runCmd(t, "token", "revoke", "ci", "--data-dir", dir); err == nil || !strings.Contains(err.Error(), "revoke one by id") {
		t.Errorf("revoke a shared name: got %v, want a refusal naming the ids", err)
	}
	list, _ := runCmd(t, "token", "list", "--data-dir", dir)
	if strings.Count(list, "active") != 2 {
		t.Errorf("after the refused revoke: got\n%s\nwant both tokens still active", list)
	}
	if _, err := runCmd(t, "token", "revoke", "ptk_old", "--data-dir", dir); err != nil {
		t.Errorf("revoke by id: %v", err)
	}
}

func TestCommandLineBehaviour(t *testing.T) {
	tests := []struct {
		args       []string
		wantErr    string // empty: success
		wantStdout string
	}{
		{[]string{"--help"}, "", "Commands:"},
		{[]string{"serve", "--help"}, flag.ErrHelp.Error(), "-listen string"},
		{[]string{"token", "create", "--help"}, flag.ErrHelp.Error(), "-name string"},
		{[]string{"token", "--help"}, flag.ErrHelp.Error(), "sharedesk token create"},
		{[]string{"token", "list", "--data-dir", "/nonexistent/sharedesk"}, "no sharedesk database in /nonexistent/sharedesk", ""},
		{[]string{"token", "revoke", "x", "--data-dir", "/nonexistent/sharedesk"}, "no sharedesk database", ""},
		{[]string{"gc", "--data-dir", "/nonexistent/sharedesk"}, "no sharedesk database", ""},
		{[]string{"token", "list", "--config", "/nonexistent/sharedesk.toml"}, "/nonexistent/sharedesk.toml", ""},
		{[]string{"share-server", "stray", "--listen", "127.0.0.1:0"}, `takes no arguments, got "stray"`, ""},
		{[]string{"share-server", "--no-such-flag"}, "not defined: -no-such-flag", ""},
		{[]string{"token", "list", "extra"}, "takes no arguments", ""},
		{[]string{}, "no command given", ""},
		{[]string{"bogus"}, `unknown command "bogus"`, ""},
	}
	for _, tt := range tests {
		out, err := runCmd(t, tt.args...)
		if (tt.wantErr == "") != (err == nil) || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
			t.Errorf("%v: got error %v, want %q", tt.args, err, tt.wantErr)
		}
		if !strings.Contains(out, tt.wantStdout) {
			t.Errorf("%v: stdout %q lacks %q", tt.args, out, tt.wantStdout)
		}
	}
}

func TestDemoRefusesTakenPortClearly(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	var out, errb bytes.Buffer
	err = run(context.Background(), []string{"demo", "--data-dir", t.TempDir(), "--listen", taken.Addr().String(),
		"--share-listen", "127.0.0.1:0", "--idp-listen", "127.0.0.1:0"}, &out, &errb)
	if err == nil || !strings.Contains(err.Error(), "console cannot listen on "+taken.Addr().String()) {
		t.Errorf("got %v, want one error naming the console's taken address", err)
	}
	if strings.Contains(errb.String(), "running") {
		t.Errorf("demo said it was running before failing: %q", errb.String())
	}
}

func TestUnwritableDataDirIsNamed(t *testing.T) {
	parent := t.TempDir()
	if err := os.Chmod(parent, 0o500); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(parent, 0o700)
	if os.Geteuid() == 0 {
		// root writes anywhere; a path below a regular file cannot be created by anyone.
		file := filepath.Join(parent, "file")
		os.Chmod(parent, 0o700)
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		parent = file
	}
	dir := filepath.Join(parent, "data")
	_, err := runCmd(t, "token", "list", "--data-dir", dir)
	if err == nil || !strings.Contains(err.Error(), dir) {
		t.Errorf("got %v, want an error naming %s", err, dir)
	}
}

func TestMailFromCheckedWithoutSMTP(t *testing.T) {
	for _, from := range []string{"Acme Files", "a@b.example\r\nBcc: x@evil.example"} {
		_, err := runCmd(t, "share-server", "--data-dir", t.TempDir(), "--listen", "127.0.0.1:0", "--mail-from", from)
		if err == nil || !strings.Contains(err.Error(), "--mail-from") {
			t.Errorf("--mail-from %q without --smtp-url: got %v, want a refusal at start", from, err)
		}
	}
}
