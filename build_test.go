package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sharedesk/sharedesk/applog"
	"github.com/sharedesk/sharedesk/static"
)

// freshClone copies the files git would check out (tracked, plus new files not ignored) into a new
// repository with one commit, as a fresh clone would look.
func freshClone(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard").Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	dir := filepath.Join(t.TempDir(), "sharedesk")
	for _, name := range strings.Split(strings.TrimRight(string(out), "\x00"), "\x00") {
		raw, err := os.ReadFile(name)
		if os.IsNotExist(err) {
			continue // deleted in the working tree
		}
		if err != nil {
			t.Fatal(err)
		}
		dst := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{{"init", "-q"}, {"add", "-A"}, {"-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", "clone"}} {
		if out, err := gitIn(dir, args...); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return dir
}

func gitIn(dir string, args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// goBuild builds the binary the way the README's Install section says; GOFLAGS restores the Go tool's
// default VCS stamping whatever this machine's go env says.
func goBuild(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "sharedesk")
	cmd := exec.Command("go", "build", "-trimpath", "-o", bin, ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=-buildvcs=auto")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// TestFreshCloneBuild: a plain `go build` of a fresh clone is the whole product: it says what it is,
// and its console pages load the committed htmx. The same clone without htmx refuses to start.
func TestFreshCloneBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	dir := freshClone(t)
	rev, err := gitIn(dir, "rev-parse", "HEAD")
	if err != nil {
		t.Fatal(err)
	}
	rev = strings.TrimSpace(rev)
	bin := goBuild(t, dir)

	version, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil || !strings.Contains(string(version), "revision "+rev) {
		t.Errorf("--version: got %q (%v), want the revision %s", version, err, rev)
	}

	console, share, idp := freeAddr(t), freeAddr(t), freeAddr(t)
	var logs bytes.Buffer
	cmd := exec.Command(bin, "demo", "--listen", console, "--share-listen", share, "--idp-listen", idp,
		"--data-dir", t.TempDir(), "--log-level", "info")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := waitReady(ctx, "http://"+console+"/signed-out"); err != nil {
		t.Fatalf("console did not start: %v\n%s", err, logs.String())
	}
	page := httpGet(t, "http://"+console+"/signed-out")
	if !strings.Contains(page, `<script src="/static/vendor/htmx.min.js"`) {
		t.Errorf("console page does not load htmx:\n%s", page)
	}
	want, _ := static.FS.ReadFile("vendor/htmx.min.js")
	if got := httpGet(t, "http://"+console+"/static/vendor/htmx.min.js"); got != string(want) {
		t.Errorf("served htmx: got %d bytes, want the committed %d bytes", len(got), len(want))
	}
	_ = cmd.Process.Signal(os.Interrupt)
	_ = cmd.Wait()
	if !strings.Contains(logs.String(), `"version":"sharedesk`) || !strings.Contains(logs.String(), rev) {
		t.Errorf("start log: want the version and revision %s in the listening line:\n%s", rev, logs.String())
	}

	// The same clone with the asset removed builds, but will not start.
	if err := os.Remove(filepath.Join(dir, "static/vendor/htmx.min.js")); err != nil {
		t.Fatal(err)
	}
	broken := goBuild(t, dir)
	out, err := exec.Command(broken, "demo", "--listen", freeAddr(t), "--share-listen", freeAddr(t), "--idp-listen", freeAddr(t),
		"--data-dir", t.TempDir()).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "vendor/htmx.min.js") {
		t.Errorf("without htmx: got %v, %q; want a refusal naming vendor/htmx.min.js", err, out)
	}
}

func httpGet(t *testing.T, u string) string {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Errorf("GET %s: status %d", u, resp.StatusCode)
	}
	return string(b)
}

func TestFormatVersion(t *testing.T) {
	tests := []struct {
		name string
		bi   debug.BuildInfo
		want string
	}{
		{"go install", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.time", Value: "2026-11-27T10:00:00Z"}}},
			"sharedesk v1.4.0 revision abc123 (2026-11-27T10:00:00Z), go1.26.8"},
		{"dirty checkout", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261127-abc123+dirty"},
			Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc123"}, {Key: "vcs.modified", Value: "true"}}},
			"sharedesk v0.0.0-20261127-abc123+dirty revision abc123 with uncommitted changes, go1.26.8"},
		{"no vcs", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}},
			"sharedesk (devel) revision unknown (built without VCS information), go1.26.8"},
		{"module proxy", debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.4.0"}},
			"sharedesk v1.4.0, go1.26.8"},
	}
	for _, tt := range tests {
		if got := formatVersion(&tt.bi); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
	out, err := runCmd(t, "--version")
	if err != nil || !strings.HasPrefix(out, "sharedesk ") {
		t.Errorf("--version: got %q, %v", out, err)
	}
}

// TestConsoleRefusesMissingAssets builds the console handler from files lacking each asset in turn.
func TestConsoleRefusesMissingAssets(t *testing.T) {
	for _, name := range static.Referenced() {
		fsys := fstest.MapFS{}
		for _, other := range static.Referenced() {
			if other != name {
				fsys[other] = &fstest.MapFile{Data: []byte("x")}
			}
		}
		cf := consoleFlags{listen: "127.0.0.1:0"}
		_, _, err := buildConsole(context.Background(), &cf, consoleDeps{dataDir: t.TempDir(), assets: fsys}, applog.New(io.Discard, slog.LevelError))
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("without %s: got %v, want a refusal naming it", name, err)
		}
	}
}
