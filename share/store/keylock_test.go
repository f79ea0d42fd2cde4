package store

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A key is held by one at a time; others wait, and one whose context ends stops waiting without
// taking the lock or leaving anything behind.
func TestKeyLocks(t *testing.T) {
	var k keyLocks
	ctx := context.Background()

	t.Run("one holder per key", func(t *testing.T) {
		var inside, most atomic.Int32
		var wg sync.WaitGroup
		for range 50 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				unlock, err := k.lock(ctx, "link:a", "client:x")
				if err != nil {
					t.Error(err)
					return
				}
				n := inside.Add(1)
				for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
				}
				time.Sleep(time.Millisecond)
				inside.Add(-1)
				unlock()
			}()
		}
		wg.Wait()
		if got := most.Load(); got != 1 {
			t.Errorf("holders at once: got %d, want 1", got)
		}
	})

	t.Run("other keys do not wait", func(t *testing.T) {
		unlock, err := k.lock(ctx, "link:a")
		if err != nil {
			t.Fatal(err)
		}
		defer unlock()
		short, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		other, err := k.lock(short, "link:b")
		if err != nil {
			t.Fatalf("another key: got %v, want the lock", err)
		}
		other()
	})

	t.Run("a waiter whose context ends", func(t *testing.T) {
		unlock, err := k.lock(ctx, "link:a")
		if err != nil {
			t.Fatal(err)
		}
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		// link:c is free and taken first, then link:a is waited for in vain: link:c must be given back.
		if _, err := k.lock(short, "link:c", "link:a"); err != context.DeadlineExceeded {
			t.Errorf("waiting on a held key: got %v, want %v", err, context.DeadlineExceeded)
		}
		unlock()
		k.mu.Lock()
		left := len(k.m)
		k.mu.Unlock()
		if left != 0 {
			t.Errorf("entries left after every lock was released: got %d, want 0", left)
		}
	})
}
