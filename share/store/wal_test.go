package store_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/share/store"
)

// Under sustained writes with readers beside them, the SQLite WAL stays near its limit instead of
// growing with everything ever written.
func TestWALStaysBounded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sharedesk.db")
	const limit = 1 << 20
	db, err := store.OpenSQLiteWAL(context.Background(), path, limit)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	sqlDB := db.SQL()
	if _, err := sqlDB.Exec("CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)"); err != nil {
		t.Fatal(err)
	}
	var maxWAL atomic.Int64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() { // watch the WAL's size
		for {
			if fi, err := os.Stat(path + "-wal"); err == nil && fi.Size() > maxWAL.Load() {
				maxWAL.Store(fi.Size())
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	})
	wg.Go(func() { // a reader that keeps taking snapshots, as listings do, with the short gaps real
		// traffic has between them (a reader that never lets go would pin the WAL in any SQLite setup)
		for {
			var n int
			_ = sqlDB.QueryRow("SELECT count(*) FROM filler").Scan(&n)
			select {
			case <-done:
				return
			case <-time.After(time.Millisecond):
			}
		}
	})
	body := strings.Repeat("x", 16<<10)
	const total = 48 << 20
	for i := 0; i < total/len(body); i++ {
		if _, err := sqlDB.Exec("INSERT INTO filler (body) VALUES (?)", body); err != nil {
			t.Fatal(err)
		}
		if i%64 == 0 {
			if _, err := sqlDB.Exec("DELETE FROM filler WHERE id < ?", i-32); err != nil {
				t.Fatal(err)
			}
		}
	}
	close(done)
	wg.Wait()
	t.Logf("largest WAL while writing %d MiB beside a busy reader: %d bytes (limit %d)", total>>20, maxWAL.Load(), limit)
	// The WAL must not keep what a burst wrote: the old setting (passive checkpoints only) left it at
	// its largest for good. Within a few checks it is cut back under the limit.
	deadline := time.Now().Add(10 * store.WALCheckEvery)
	for {
		fi, err := os.Stat(path + "-wal")
		if err != nil || fi.Size() <= limit {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("WAL after the burst: got %d bytes, want at most %d within %s", fi.Size(), limit, 10*store.WALCheckEvery)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
