package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// smallDisk mounts a tmpfs of size bytes for the test, or skips when mounting is not allowed here.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size+",mode=0755", "tmpfs", dir).CombinedOutput(); err != nil {
		sharetest.Missing(t, "a small tmpfs to fill", "run the tests as root (CI does)", fmt.Errorf("%v: %s", err, out))
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	return dir
}

// fill writes to path until the disk has at most leave bytes free.
func fill(t *testing.T, path string, leave int64) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 16<<10)
	for {
		var st syscall.Statfs_t
		if err := syscall.Statfs(filepath.Dir(path), &st); err != nil {
			t.Fatal(err)
		}
		free := int64(st.Bavail) * int64(st.Bsize)
		if free <= leave {
			return
		}
		n := min(int64(len(chunk)), free-leave)
		if _, err := f.Write(chunk[:n]); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return
			}
			t.Fatal(err)
		}
	}
}

// A full disk: uploads and other writes answer 507 InsufficientStorage without server paths,
// /readyz says not ready, and deleting files and links (which frees space) still works.
func TestDiskFull(t *testing.T) {
	for _, kind := range sharetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			dir := smallDisk(t, "8m")
			e := sharetest.Start(t, kind, sharetest.Options{DataDir: dir, NoSMTP: true, Config: func(c *share.Config) {
				c.MinFreeSpace = 1 << 20
				c.ReserveSpace = 512 << 10
			}})
			ctx := context.Background()
			a := sharetest.Must(e.Client.Put(ctx, api.PutRequest{Name: "a.txt"}, "a.txt", bytes.NewReader(bytes.Repeat([]byte("a"), 100<<10))))(t).Object
			links := sharetest.Must(e.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{Targets: []string{a.ID},
				Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "correct horse"}}}}}))(t).ShareLinkObjects
			if e.Kind == "sqlite" {
				// An empty WAL is the hard case: even a delete then needs new disk space.
				if _, err := e.Store.SQL().Exec("PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
					t.Fatal(err)
				}
			}

			// Room for the check before the upload, not for the file: the write itself runs out.
			fill(t, filepath.Join(dir, "filler"), 1<<20+256<<10)
			checkFull := func(what string, err error) {
				t.Helper()
				var ae *api.Error
				if !errors.As(err, &ae) || ae.HTTPStatus != http.StatusInsufficientStorage || ae.Status != share.CodeStorageFull {
					t.Errorf("%s: got %v, want 507 %s", what, err, share.CodeStorageFull)
					return
				}
				if strings.Contains(ae.Summary, dir) || strings.Contains(ae.Summary, "/") {
					t.Errorf("%s: summary %q names a server path", what, ae.Summary)
				}
			}
			_, err := e.Client.Put(ctx, api.PutRequest{Name: "big.bin"}, "big.bin", bytes.NewReader(make([]byte, 3<<20)))
			checkFull("upload larger than the free space", err)

			fill(t, filepath.Join(dir, "filler"), 0)
			_, err = e.Client.Put(ctx, api.PutRequest{Name: "b.txt"}, "b.txt", strings.NewReader("bravo"))
			checkFull("upload with the disk full", err)

			resp, err := e.HTTP.Get(e.URL + "/readyz")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusServiceUnavailable || !strings.Contains(string(body), "disk full") {
				t.Errorf("/readyz: got %d %q, want 503 disk full", resp.StatusCode, body)
			}

			if r := postRaw(t, e, "/v1/folder/create", `{"name":"New"}`); r.HTTP != http.StatusOK && r.HTTP != http.StatusInsufficientStorage {
				t.Errorf("folder/create with the disk full: got %d %s, want 200 or 507", r.HTTP, r.Status)
			}
			if r := postRaw(t, e, "/v1/share/link/delete", `{"ids":["`+links[0].ID+`"]}`); r.HTTP != http.StatusOK {
				t.Errorf("link/delete with the disk full: got %d %s %s, want 200", r.HTTP, r.Status, r.Summary)
			}
			if r := postRaw(t, e, "/v1/delete", `{"id":"`+a.ID+`"}`); r.HTTP != http.StatusOK {
				t.Errorf("delete with the disk full: got %d %s %s, want 200", r.HTTP, r.Status, r.Summary)
			}
			if strings.Contains(e.Logs.String(), `"status":500`) {
				t.Errorf("a request answered 500:\n%s", e.Logs.String())
			}
		})
	}
}
