package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/sharedesk/sharedesk/share/sharetest"
	"github.com/sharedesk/sharedesk/share/store"
)

// Instances starting at once on an empty PostgreSQL schema all come up: one applies the migrations,
// the others wait for it.
func TestConcurrentMigrations(t *testing.T) {
	sharetest.RequirePostgres(t)
	for round := range 3 {
		t.Run(fmt.Sprint(round), func(t *testing.T) {
			url := sharetest.PostgresSchemaURL(t)
			const n = 4
			errs := make([]error, n)
			var wg sync.WaitGroup
			for i := range n {
				wg.Add(1)
				go func() {
					defer wg.Done()
					db, err := store.OpenPostgres(context.Background(), url)
					if err == nil {
						db.Close()
					}
					errs[i] = err
				}()
			}
			wg.Wait()
			for i, err := range errs {
				if err != nil {
					t.Errorf("instance %d: %v", i, err)
				}
			}
		})
	}
}

// TryLock lets one holder at a time have a lock, per schema; release frees it.
func TestTryLock(t *testing.T) {
	ctx := context.Background()
	a := sharetest.OpenStore(t, "postgres")
	var schema string
	if err := a.SQL().QueryRow("SELECT current_schema()").Scan(&schema); err != nil {
		t.Fatal(err)
	}
	b, err := store.OpenPostgres(ctx, sharetest.PostgresURL()+"&search_path="+schema) // a second instance
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	other := sharetest.OpenStore(t, "postgres") // another deployment in the same database

	release, ok, err := a.TryLock(ctx, "job")
	if err != nil || !ok {
		t.Fatalf("first lock: ok=%v err=%v", ok, err)
	}
	if _, ok, err := b.TryLock(ctx, "job"); err != nil || ok {
		t.Errorf("second instance while held: ok=%v err=%v, want refused", ok, err)
	}
	if r, ok, err := other.TryLock(ctx, "job"); err != nil || !ok {
		t.Errorf("another schema: ok=%v err=%v, want granted", ok, err)
	} else {
		r()
	}
	release()
	r, ok, err := b.TryLock(ctx, "job")
	if err != nil || !ok {
		t.Fatalf("after release: ok=%v err=%v", ok, err)
	}
	r()
}
