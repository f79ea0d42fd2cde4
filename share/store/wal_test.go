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
	wg.Go(func() { // a reader that keeps taking snapshots, as listings do
		for {
			var n int
			_ = sqlDB.QueryRow("SELECT count(*) FROM filler").Scan(&n)
			select {
			case <-done:
				return
			default:
			}
		}
	})
	body := strings.Repeat("x", 16<<10)
	const total = 24 << 20
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
	if got, bound := maxWAL.Load(), int64(4*limit); got > bound {
		t.Errorf("largest WAL while writing %d MiB: got %d bytes, want at most %d", total>>20, got, bound)
	}
}
