package share

import (
	"context"
	"sync"
	"time"
)

// attempt is one authentication attempt counted against the failure limits before its secret is
// checked.
type attempt struct {
	linkID, client string
	at             int64
}

// staleAttempt is how long an attempt may stay pending before it counts as a failure: a check takes
// well under a second, so one pending this long was never finished (the process stopped).
const staleAttempt = time.Minute

// reserveAttempt counts an attempt against the link's and the client's limits before the secret is
// checked, in one atomic step in the store: the limits then hold for a concurrent burst exactly as for
// a sequential one, and no expensive check runs past them. The caller settles the reservation: kept
// as a failure, or released when the secret was right (or never checked).
//
// Attempts still being checked count against the limits too (that is what makes them exact), but they
// are not failures: when only they fill a limit, this waits for them to settle (up to
// Config.AttemptWait) and tries again, and then answers Busy, never "too many wrong attempts".
//
// recheck, when set, runs before each look after a wait: an error from it (the code died meanwhile)
// ends the wait with that answer.
func (s *Service) reserveAttempt(
	ctx context.Context,
	l Link,
	client, method string,
	recheck func() error,
) (attempt, error) {
	w := attemptWait{giveUp: time.Now().Add(s.cfg.AttemptWait), seen: s.settled.count()}
	for {
		if w.waited {
			if err := s.lookAgain(&w, recheck); err != nil {
				return attempt{}, err
			}
		}
		// Queued before the look, so a settling between the look and the wait is not missed.
		wake := s.settled.wait()
		now := s.now()
		a := attempt{linkID: l.ID, client: client, at: Micros(now)}
		res, err := s.store.ReserveAuthAttempt(ctx, a.linkID, a.client, a.at, Micros(now.Add(-FailureWindow)),
			Micros(now.Add(-staleAttempt)), MaxFailuresPerLink, MaxFailuresPerIP)
		if err == nil && res == ReservedBusy {
			again, err := s.waitForSettling(ctx, wake, w.giveUp)
			if err != nil {
				return attempt{}, err
			}
			if again {
				w.waited = true
				continue
			}
		}
		s.settled.leave(wake)
		s.passOnWake(w.waited, res, err)
		switch {
		case err != nil:
			return attempt{}, err
		case res == Reserved:
			return a, nil
		case res == ReservedBusy:
			s.cfg.Logger.InfoContext(ctx, "recipient authentication busy", "link", l.ID, "client", client)
			return attempt{}, Refuse(CodeBusy, ReasonBusy)
		}
		return attempt{}, s.throttled(ctx, l, client, method)
	}
}

// attemptWait is where a reservation's wait for pending attempts stands.
type attemptWait struct {
	giveUp time.Time // when the wait ends without a reservation
	seen   uint64    // settlings counted when giveUp was last set
	waited bool
}

// lookAgain runs before each look after a wait. Attempts are settling, so the wait is going
// somewhere: it runs out only after AttemptWait without any. An error from recheck ends the wait.
func (s *Service) lookAgain(w *attemptWait, recheck func() error) error {
	if n := s.settled.count(); n != w.seen {
		w.seen, w.giveUp = n, time.Now().Add(s.cfg.AttemptWait)
	}
	if recheck != nil {
		if err := recheck(); err != nil {
			s.settled.notifyAll()
			return err
		}
	}
	return nil
}

// waitForSettling waits, until giveUp at the most, to be woken by a settled attempt. It reports
// whether to look again: false when the time is up, and then the caller still holds its place in the
// queue (wake).
func (s *Service) waitForSettling(ctx context.Context, wake chan struct{}, giveUp time.Time) (bool, error) {
	left := time.Until(giveUp)
	if left <= 0 {
		return false, nil
	}
	// Attempts settled by another instance wake nobody here: look again now and then.
	t := time.NewTimer(min(left, time.Second))
	select {
	case <-wake:
		t.Stop()
		return true, nil
	case <-t.C:
		s.settled.leave(wake)
		return true, nil
	case <-ctx.Done():
		t.Stop()
		s.settled.leave(wake)
		return false, ctx.Err()
	}
}

// passOnWake tells the others waiting where things stand when a look after a wait ends without a
// reservation.
func (s *Service) passOnWake(waited bool, res Reservation, err error) {
	switch {
	case waited && err == nil && res == ReservedRefused:
		// Failures fill a limit now: everyone waiting may as well learn it at once.
		s.settled.notifyAll()
	case waited && res != Reserved:
		// This one was woken and goes away without an attempt of its own to settle: pass the
		// wake on, so the others waiting learn where things stand. Passing on is not a settling:
		// counted as one, every give-up would draw out everyone else's wait, one AttemptWait
		// after another.
		s.settled.pass()
	}
}

// throttled is the refusal of an attempt past the failure limits.
func (s *Service) throttled(ctx context.Context, l Link, client, method string) error {
	s.cfg.Logger.WarnContext(ctx, "recipient authentication throttled", "link", l.ID, "client", client)
	// Counted (metrics) but not stored: a flood of refused guesses must not turn into a flood of
	// writes; the wrong guesses that led here are in the history already. So its Detail is read by
	// nobody today (the observers count events); it says what a stored one would (see Event.Detail).
	ev := s.recipientEvent(ctx, l, EventFailedAttempt)
	ev.Client, ev.Method, ev.Outcome, ev.Detail = client, method, OutcomeRefused, "too many wrong attempts"
	s.written([]Event{ev})
	return Refuse(CodeTooMany, ReasonTooManyTries)
}

// settle ends a reserved attempt: kept as a failure, or taken back when the secret was right (or was
// never checked), so only failures count. It runs even when the client has gone away: an attempt left
// pending would hold back others until it goes stale.
func (s *Service) settle(ctx context.Context, a attempt, failure bool) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	var err error
	if failure {
		err = s.store.FailAuthAttempt(ctx, a.linkID, a.client, a.at)
	} else {
		err = s.store.ReleaseAuthAttempt(ctx, a.linkID, a.client, a.at)
	}
	if err != nil {
		s.cfg.Logger.ErrorContext(ctx, "settle attempt", "err", err)
	}
	s.settled.notify()
}

// signal wakes waiters one at a time, in order: each settled attempt frees at most one slot, so
// waking everyone would only make them all look again (and write) for nothing.
type signal struct {
	mu sync.Mutex
	q  []chan struct{}
	n  uint64 // settlings so far (notify, notifyAll)
}

// count returns how many notifications there have been.
func (g *signal) count() uint64 {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.n
}

// notifyAll wakes every waiter.
func (g *signal) notifyAll() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n++
	for _, c := range g.q {
		close(c)
	}
	g.q = nil
}

// wait queues a waiter; its channel closes when it is woken.
func (g *signal) wait() chan struct{} {
	g.mu.Lock()
	defer g.mu.Unlock()
	ch := make(chan struct{})
	g.q = append(g.q, ch)
	return ch
}

// leave takes a waiter out of the queue; one already woken passes its wake on.
func (g *signal) leave(ch chan struct{}) {
	g.mu.Lock()
	defer g.mu.Unlock()
	for i, c := range g.q {
		if c == ch {
			g.q = append(g.q[:i], g.q[i+1:]...)
			return
		}
	}
	g.wakeLocked()
}

// notify counts a settling and wakes the longest waiting.
func (g *signal) notify() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.n++
	g.wakeLocked()
}

// pass wakes the longest waiting without counting a settling.
func (g *signal) pass() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.wakeLocked()
}

func (g *signal) wakeLocked() {
	if len(g.q) > 0 {
		close(g.q[0])
		g.q = g.q[1:]
	}
}

func (s *Service) failed(ctx context.Context, l Link, client, method, why string) {
	s.cfg.Logger.WarnContext(ctx, "recipient authentication failed", "link", l.ID, "method", method, "client", client)
	ev := s.recipientEvent(ctx, l, EventFailedAttempt)
	ev.Client, ev.Method, ev.Outcome, ev.Detail = client, method, OutcomeFailed, why
	s.record(ctx, ev)
}

// SecretChecks returns how many passwords and codes have been compared with the stored ones since the
// service started, so tests can prove that no burst gets more checks than the limits allow.
func (s *Service) SecretChecks() int64 { return s.checks.Load() }
