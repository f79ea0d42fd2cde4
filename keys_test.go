package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/store"
)

func newKeyFile(t *testing.T, path string) []byte {
	t.Helper()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	if err := os.WriteFile(path, []byte(hex.EncodeToString(key)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return key
}

// linkURL makes (when id is "") or reads a link with the service as a server would run it, and
// returns its id and URL.
func linkURL(t *testing.T, dir, keyFile, id string) (string, string) {
	t.Helper()
	ctx := context.Background()
	db, err := store.OpenSQLite(ctx, filepath.Join(dir, "sharedesk.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	raw, err := readSecret(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := share.NewKeys(raw)
	if err != nil {
		t.Fatal(err)
	}
	svc := share.New(db, nil, keys, share.Config{PublicURL: "https://share.example.com", DefaultMaxAccess: 10, MaxAccessLimit: 100,
		DefaultExpiry: 24 * time.Hour, MaxExpiry: 48 * time.Hour})
	if err := svc.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if id == "" {
		f, err := svc.CreateFolder(ctx, share.FolderInput{Name: "Docs"})
		if err != nil {
			t.Fatal(err)
		}
		ls, err := svc.CreateLinks(ctx, "", []share.LinkInput{{Targets: []string{f.ID},
			Authenticators: []share.Authenticator{{Type: share.AuthPassword, Context: "correct horse"}}}})
		if err != nil {
			t.Fatal(err)
		}
		return ls[0].ID, ls[0].URL
	}
	l, err := svc.GetLink(ctx, "", id)
	if err != nil {
		t.Fatal(err)
	}
	return l.ID, l.URL
}

// A lost or replaced secret key is refused at start with a clear message instead of silently
// breaking every link; a rotation that names the old key keeps the links working.
func TestSecretKeyMustMatchDatabase(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "secret.key")
	if _, err := runCmd(t, "token", "create", "--name", "first", "--data-dir", dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"secret.key", "sharedesk.db"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("%s in a 0755 directory: got mode %o, want 600", name, got)
		}
	}
	id, url := linkURL(t, dir, keyFile, "")
	if url == "" {
		t.Fatal("new link has no URL")
	}
	original, _ := os.ReadFile(keyFile)

	refused := func(what string, args ...string) {
		t.Helper()
		_, err := runCmd(t, append([]string{"token", "list", "--data-dir", dir}, args...)...)
		if !errors.Is(err, share.ErrKeyMismatch) {
			t.Errorf("%s: got %v, want the start refused with %v", what, err, share.ErrKeyMismatch)
		}
	}
	// Lost: the key file is gone. It must not be replaced by a new one.
	if err := os.Remove(keyFile); err != nil {
		t.Fatal(err)
	}
	refused("key file removed")
	if _, err := os.Stat(keyFile); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a missing key file was re-created: %v", err)
	}
	// Replaced: another key in its place.
	newKeyFile(t, keyFile)
	refused("key file replaced")
	oldFile := filepath.Join(t.TempDir(), "old.key")
	newKeyFile(t, oldFile)
	refused("another key named as the previous one", "--previous-secret-key-file", oldFile)

	// Rotation: the new key in place, the old one named as previous.
	if err := os.WriteFile(oldFile, original, 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"token", "list", "--data-dir", dir, "--previous-secret-key-file", oldFile}, &out, &out); err != nil {
		t.Fatalf("rotation: %v", err)
	}
	// After the rotation the new key alone opens every link, and the URL is the same.
	if _, err := runCmd(t, "token", "list", "--data-dir", dir); err != nil {
		t.Fatalf("after rotation, the new key alone: %v", err)
	}
	if _, got := linkURL(t, dir, keyFile, id); got != url {
		t.Errorf("link URL after rotation: got %q, want %q", got, url)
	}
	// And the old key is now the wrong one.
	if err := os.WriteFile(keyFile, original, 0o600); err != nil {
		t.Fatal(err)
	}
	refused("the rotated-out key")
	if !strings.HasPrefix(url, "https://share.example.com/s/") {
		t.Errorf("link URL: got %q", url)
	}
}

// gc runs one sweeper pass from the command line and says what it removed.
func TestGCCommand(t *testing.T) {
	dir := t.TempDir()
	if _, err := runCmd(t, "token", "create", "--name", "x", "--data-dir", dir); err != nil {
		t.Fatal(err)
	}
	temp := filepath.Join(dir, "blobs", "ab", ".upload-123")
	if err := os.MkdirAll(filepath.Dir(temp), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(temp, []byte("interrupted"), 0o600); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(temp, old, old); err != nil {
		t.Fatal(err)
	}
	out, err := runCmd(t, "gc", "--data-dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	if want := "removed 1 temp files and 0 orphaned blobs (11 bytes)"; !strings.Contains(out, want) {
		t.Errorf("gc output: got %q, want it to contain %q", out, want)
	}
	if _, err := os.Stat(temp); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("temp file still there: %v", err)
	}
}
