package share_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// forEachKind runs test, in parallel, on every kind of store.
func forEachKind(t *testing.T, test func(t *testing.T, kind string)) {
	for _, kind := range sharetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			test(t, kind)
		})
	}
}

// The sweeper removes old temp files, blobs without a row, files whose file_ttl ran out and links
// expired longer than the retention; everything live or recent stays.
func TestSweep(t *testing.T) {
	forEachKind(t, func(t *testing.T, kind string) {
		dir := t.TempDir()
		e := sharetest.Start(t, kind, sharetest.Options{NoSMTP: true, DataDir: dir, Disk: true})
		ctx := context.Background()
		blobs := filepath.Join(dir, "blobs")
		old := time.Now().Add(-2 * time.Hour)
		file := func(rel, content string, mtime time.Time) string {
			p := filepath.Join(blobs, rel)
			if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chtimes(p, mtime, mtime); err != nil {
				t.Fatal(err)
			}
			return p
		}
		put := func(name string) api.Object {
			return sharetest.Must(e.Client.Put(ctx, api.PutRequest{Name: name}, name, bytes.NewReader([]byte(name))))(t).Object
		}
		link := func(target string) string {
			return sharetest.Must(e.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{Targets: []string{target},
				Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "correct horse"}}}}}))(t).ShareLinkObjects[0].ID
		}

		kept := put("kept.txt")
		keptBlob, _ := e.Blobs.Path(kept.ID)
		if err := os.Chtimes(keptBlob, old, old); err != nil { // an old file that still has its row
			t.Fatal(err)
		}
		expiring := put("expiring.txt")
		expiringBlob, _ := e.Blobs.Path(expiring.ID)
		oldTemp := file("ab/.upload-111", "interrupted", old)
		newTemp := file("ab/.upload-222", "still uploading", time.Now())
		orphan := file("zz/pos_zzzzorphan", "no row", old)
		youngOrphan := file("zy/pos_zyzyyoung", "row not committed yet", time.Now())

		// The file's file_ttl runs out in an hour (objects.expires_at, Micros).
		q := "UPDATE objects SET expires_at = ? WHERE id = ?"
		if kind == "postgres" {
			q = strings.ReplaceAll(strings.Replace(q, "?", "$1", 1), "?", "$2")
		}
		if _, err := e.Store.SQL().Exec(q, share.Micros(e.Clock.Now().Add(time.Hour)), expiring.ID); err != nil {
			t.Fatal(err)
		}

		oldLink := link(kept.ID) // expires in 7 days
		e.Clock.Advance(20 * 24 * time.Hour)
		recentLink := link(kept.ID) // made 20 days later: expires 27 days from the start
		e.Clock.Advance(20 * 24 * time.Hour)
		liveLink := link(kept.ID)
		// Now oldLink expired 33 days ago, recentLink 13 days ago, liveLink has 7 days to go.

		rep, err := e.Svc.Sweep(ctx, share.SweepOptions{})
		if err != nil {
			t.Fatal(err)
		}
		// Both expired links get their expiry recorded; oldLink goes, and with it its "created" event
		// from 40 days ago (its "expired" event, written in this pass, stays for the retention).
		want := share.SweepReport{TempFiles: 1, OrphanBlobs: 1, ExpiredFiles: 1, ExpiredLinks: 1, LinksExpired: 2, Events: 1,
			FreedBytes: int64(len("interrupted") + len("no row"))}
		if rep != want {
			t.Errorf("report: got %+v, want %+v", rep, want)
		}
		for _, c := range []struct {
			path string
			want bool
		}{{oldTemp, false}, {newTemp, true}, {orphan, false}, {youngOrphan, true}, {keptBlob, true}, {expiringBlob, false}} {
			_, err := os.Stat(c.path)
			if got := err == nil; got != c.want {
				t.Errorf("%s exists: got %v, want %v", strings.TrimPrefix(c.path, dir), got, c.want)
			}
		}
		if _, err := e.Client.Get(ctx, api.GetRequest{ID: expiring.ID}); err == nil {
			t.Error("the file whose file_ttl ran out is still listed")
		}
		for _, c := range []struct {
			id   string
			want bool
		}{{oldLink, false}, {recentLink, true}, {liveLink, true}} {
			_, err := e.Client.LinkGet(ctx, api.LinkGetRequest{ID: c.id})
			if got := err == nil; got != c.want {
				t.Errorf("link %s exists: got %v, want %v", c.id, got, c.want)
			}
		}

		// A second pass finds nothing more.
		rep, err = e.Svc.Sweep(ctx, share.SweepOptions{})
		if err != nil || rep != (share.SweepReport{}) {
			t.Errorf("second pass: got %+v, %v, want nothing removed", rep, err)
		}
	})
}
