package store

import (
	"context"
	"sync"
)

// keyLocks serialises, within this process, the transactions that check a limit and record against
// it under the same key (a link's sign-in attempts, its codes). The database lock (lockKeys) is what
// makes the limits exact across instances; this one makes a burst on one key queue here, holding
// no connection while it waits, instead of filling the connection pool with transactions that all
// wait on the same database lock, each against its statement deadline, while everyone else's
// requests wait for a connection.
type keyLocks struct {
	mu sync.Mutex
	m  map[string]*keyLock
}

type keyLock struct {
	held chan struct{} // holds a token while someone holds the lock; waiters queue in order
	refs int           // holders and waiters; the entry goes when none are left
}

// lock takes the locks for keys in the order given (callers always give them in one fixed order)
// and returns the function that releases them all. It gives up when ctx ends.
func (k *keyLocks) lock(ctx context.Context, keys ...string) (unlock func(), err error) {
	var taken []func()
	unlockAll := func() {
		for i := len(taken) - 1; i >= 0; i-- {
			taken[i]()
		}
	}
	for _, key := range keys {
		l := k.acquire(key)
		select {
		case l.held <- struct{}{}:
			taken = append(taken, func() { <-l.held; k.release(key, l) })
		case <-ctx.Done():
			k.release(key, l)
			unlockAll()
			return nil, ctx.Err()
		}
	}
	return unlockAll, nil
}

func (k *keyLocks) acquire(key string) *keyLock {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.m == nil {
		k.m = map[string]*keyLock{}
	}
	l := k.m[key]
	if l == nil {
		l = &keyLock{held: make(chan struct{}, 1)}
		k.m[key] = l
	}
	l.refs++
	return l
}

func (k *keyLocks) release(key string, l *keyLock) {
	k.mu.Lock()
	defer k.mu.Unlock()
	if l.refs--; l.refs == 0 {
		delete(k.m, key)
	}
}
