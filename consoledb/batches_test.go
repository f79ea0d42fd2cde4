package consoledb_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/sharedesk/sharedesk/consoledb"
)

// TestClaimBatchOnce: of twenty posts of the same form racing each other exactly one may create the
// links; a released claim (the share service refused them) can be claimed again, a finished one not.
func TestClaimBatchOnce(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *consoledb.DB) {
		ctx := context.Background()
		var won atomic.Int32
		var wg sync.WaitGroup
		for range 20 {
			wg.Go(func() {
				ok, err := db.ClaimBatch(ctx, "k1", "u-sam", 1)
				if err != nil {
					t.Error(err)
				}
				if ok {
					won.Add(1)
				}
			})
		}
		wg.Wait()
		if got := won.Load(); got != 1 {
			t.Fatalf("claims won: got %d, want 1", got)
		}
		if err := db.ReleaseBatch(ctx, "k1"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := db.ClaimBatch(ctx, "k1", "u-sam", 2); !ok {
			t.Error("a released claim could not be claimed again")
		}
		if err := db.FinishBatch(ctx, "k1", `{"links":[]}`); err != nil {
			t.Fatal(err)
		}
		if err := db.ReleaseBatch(ctx, "k1"); err != nil {
			t.Fatal(err)
		}
		if ok, _ := db.ClaimBatch(ctx, "k1", "u-sam", 3); ok {
			t.Error("a finished batch was claimed again")
		}
		b, err := db.LinkBatch(ctx, "k1")
		if err != nil || !b.Done || b.Result != `{"links":[]}` || b.Subject != "u-sam" {
			t.Errorf("batch: got %+v %v", b, err)
		}
		if err := db.PurgeBatches(ctx, 3); err != nil {
			t.Fatal(err)
		}
		if _, err := db.LinkBatch(ctx, "k1"); !errors.Is(err, consoledb.ErrNotFound) {
			t.Errorf("after purge: got %v, want not found", err)
		}
	})
}
