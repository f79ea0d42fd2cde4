package main

import (
	"archive/tar"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
)

// startShareServer runs share-server on dataDir at a free loopback port and returns a client for it.
func startShareServer(t *testing.T, dataDir, token string) *api.Client {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		var sink bytes.Buffer
		done <- run(ctx, []string{"share-server", "--data-dir", dataDir, "--listen", addr}, &sink, &sink)
	}()
	t.Cleanup(func() { cancel(); <-done })
	c := api.NewClient("http://"+addr, token)
	for range 100 {
		if _, err := c.Buckets(context.Background()); err == nil {
			return c
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("share-server did not start")
	return nil
}

func newToken(t *testing.T, dataDir string) string {
	t.Helper()
	out, err := runCmd(t, "token", "create", "--name", "backup-test", "--data-dir", dataDir)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return lines[len(lines)-1]
}

// TestBackupUnderWriteLoadRestores backs up while files are uploaded, linked and deleted, restores into
// an empty directory, and checks that the restored server serves every link and every file's bytes.
func TestBackupUnderWriteLoadRestores(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	token := newToken(t, src)
	c := startShareServer(t, src, token)

	var mu sync.Mutex
	content := map[string][]byte{} // object id → bytes, for every acknowledged upload
	put := func(name string, size int) string {
		body := bytes.Repeat([]byte(name), size/len(name)+1)[:size]
		res, err := c.Put(ctx, api.PutRequest{Name: name}, name, bytes.NewReader(body))
		if err != nil {
			t.Errorf("put %s: %v", name, err)
			return ""
		}
		mu.Lock()
		content[res.Object.ID] = body
		mu.Unlock()
		if _, err := c.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{
			Targets: []string{res.Object.ID}, Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "correct horse"}},
		}}}); err != nil {
			t.Errorf("link %s: %v", name, err)
		}
		return res.Object.ID
	}
	for i := range 20 {
		put(fmt.Sprintf("before-%02d.bin", i), 1000+i*4096)
	}

	// Writers keep uploading and deleting while the backup runs.
	var stop atomic.Bool
	var wg sync.WaitGroup
	for w := range 3 {
		wg.Go(func() {
			for i := 0; !stop.Load(); i++ {
				id := put(fmt.Sprintf("during-%d-%03d.bin", w, i), 70_000)
				if i%3 == 0 && id != "" {
					if _, err := c.Delete(ctx, api.DeleteRequest{ID: id, Force: true}); err != nil {
						t.Errorf("delete: %v", err)
					}
				}
			}
		})
	}
	time.Sleep(300 * time.Millisecond)
	archive := filepath.Join(t.TempDir(), "backup.tar")
	out, err := runCmd(t, "backup", "--data-dir", src, "--out", archive)
	stop.Store(true)
	wg.Wait()
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	if !strings.Contains(out, "Backed up") {
		t.Errorf("backup output: got %q", out)
	}
	if st, err := os.Stat(archive); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("archive: got %v %v, want a 0600 file (it holds the secret key)", st, err)
	}

	dst := filepath.Join(t.TempDir(), "restored")
	if out, err := runCmd(t, "restore", archive, "--data-dir", dst); err != nil || !strings.Contains(out, "every one checked") {
		t.Fatalf("restore: %v %q", err, out)
	}
	r := startShareServer(t, dst, token) // same secret key, same token table: the old token works

	files := 0
	var last string
	for {
		page, err := r.List(ctx, api.ListRequest{Last: last, Size: 100})
		if err != nil {
			t.Fatalf("list restored objects: %v", err)
		}
		for _, o := range page.Objects {
			if o.Type != "file" {
				continue
			}
			want, ok := content[o.ID]
			if !ok {
				t.Errorf("restored %s, which was never acknowledged", o.ID)
				continue
			}
			_, dl, err := r.GetFile(ctx, api.GetRequest{ID: o.ID})
			if err != nil {
				t.Errorf("get %s: %v", o.Name, err)
				continue
			}
			got, err := io.ReadAll(dl)
			dl.Close()
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("bytes of %s: got %d bytes (%v), want %d identical bytes", o.Name, len(got), err, len(want))
			}
			files++
		}
		if page.Last == "" {
			break
		}
		last = page.Last
	}
	if files < 20 {
		t.Errorf("restored %d files, want at least the 20 uploaded before the backup", files)
	}
	links, err := r.LinkList(ctx, api.LinkListRequest{Size: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(links.ShareLinkObjects) < 20 {
		t.Errorf("restored %d links, want at least 20", len(links.ShareLinkObjects))
	}
	for _, l := range links.ShareLinkObjects {
		if l.Link == "" {
			t.Errorf("restored link %s has no URL: the secret key did not come along", l.ID)
		}
	}
}

func TestRestoreRefusesBadArchives(t *testing.T) {
	src := t.TempDir()
	token := newToken(t, src)
	c := startShareServer(t, src, token)
	if _, err := c.Put(context.Background(), api.PutRequest{Name: "a.txt"}, "a.txt", strings.NewReader("hello, world")); err != nil {
		t.Fatal(err)
	}
	good := filepath.Join(t.TempDir(), "good.tar")
	if _, err := runCmd(t, "backup", "--data-dir", src, "--out", good); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		name    string
		archive func(t *testing.T) []byte
		dir     func(t *testing.T) string
		want    string
	}{
		{"flipped byte in a file", func(t *testing.T) []byte {
			return bytes.Replace(raw, []byte("hello, world"), []byte("hello, World"), 1)
		}, emptyDir, "do not match"},
		{"entry outside the data directory", func(t *testing.T) []byte {
			return rewrite(t, raw, func(h *tar.Header) { h.Name = "blobs/../../evil" })
		}, emptyDir, "unexpected entry"},
		{"symlink entry", func(t *testing.T) []byte {
			return rewrite(t, raw, func(h *tar.Header) { h.Typeflag, h.Linkname, h.Size = tar.TypeSymlink, "/etc/passwd", 0 })
		}, emptyDir, "unexpected entry"},
		{"non-empty data directory", func(t *testing.T) []byte { return raw }, func(t *testing.T) string {
			d := t.TempDir()
			if err := os.WriteFile(filepath.Join(d, "keep.txt"), []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
			return d
		}, "empty data directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			archive := filepath.Join(t.TempDir(), "a.tar")
			if err := os.WriteFile(archive, tt.archive(t), 0o600); err != nil {
				t.Fatal(err)
			}
			dir := tt.dir(t)
			before, _ := os.ReadDir(dir)
			_, err := runCmd(t, "restore", "--data-dir", dir, archive)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("restore: got %v, want an error containing %q", err, tt.want)
			}
			after, _ := os.ReadDir(dir)
			if len(after) != len(before) {
				t.Errorf("restore left %d entries in the directory, want %d as before", len(after), len(before))
			}
		})
	}
}

func emptyDir(t *testing.T) string { return filepath.Join(t.TempDir(), "new") }

// rewrite changes the header of the first blob entry of a tar archive.
func rewrite(t *testing.T, raw []byte, change func(*tar.Header)) []byte {
	t.Helper()
	var out bytes.Buffer
	tr, tw := tar.NewReader(bytes.NewReader(raw)), tar.NewWriter(&out)
	done := false
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(tr)
		if !done && strings.HasPrefix(h.Name, "blobs/") {
			change(h)
			done = true
			if h.Typeflag == tar.TypeSymlink {
				body = nil
			}
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		tw.Write(body)
	}
	tw.Close()
	return out.Bytes()
}

func TestHealthcheckCommand(t *testing.T) {
	dir := t.TempDir()
	c := startShareServer(t, dir, newToken(t, dir))
	base := c.BaseURL
	redirector := httptest.NewServer(http.RedirectHandler(base+"/healthz", http.StatusSeeOther))
	defer redirector.Close()
	tests := []struct {
		url    string
		wantOK bool
	}{
		{base + "/healthz", true},
		{base + "/readyz", true},
		{base + "/no-such-page", false},
		{"http://127.0.0.1:1/readyz", false},
		{"not-a-url", false},
		{redirector.URL + "/readyz", false},
	}
	for _, tt := range tests {
		_, err := runCmd(t, "healthcheck", "--timeout", "2s", tt.url)
		if (err == nil) != tt.wantOK {
			t.Errorf("healthcheck %s: got %v, want ok=%v", tt.url, err, tt.wantOK)
		}
	}
}

// TestBackupTakesAnOutsideKey: a secret key kept outside the data directory (--secret-key-file) goes
// into the backup too, and restore puts it where the server looks by default.
func TestBackupTakesAnOutsideKey(t *testing.T) {
	src, keyDir := t.TempDir(), t.TempDir()
	key := filepath.Join(keyDir, "sharedesk.key")
	secret := strings.Repeat("ab", 32) + "\n"
	if err := os.WriteFile(key, []byte(secret), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := runCmd(t, "token", "create", "--name", "k", "--data-dir", src, "--secret-key-file", key); err != nil {
		t.Fatal(err)
	}
	archive := filepath.Join(t.TempDir(), "b.tar")
	if _, err := runCmd(t, "backup", "--data-dir", src, "--secret-key-file", key, "--out", archive); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "restored")
	if _, err := runCmd(t, "restore", archive, "--data-dir", dst); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(filepath.Join(dst, "secret.key")); err != nil || string(got) != secret {
		t.Errorf("restored secret.key: got %q, %v; want the outside key", got, err)
	}
	if _, err := runCmd(t, "token", "list", "--data-dir", dst); err != nil {
		t.Errorf("the restored directory does not open with its restored key: %v", err)
	}
}
