package portal_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

const burst = 200

// outcomes counts the error codes of a concurrent burst ("" for success).
type outcomes struct {
	mu sync.Mutex
	n  map[string]int
}

func (o *outcomes) add(err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	code := ""
	var e *share.Error
	switch {
	case errors.As(err, &e):
		code = e.Code
	case err != nil:
		code = "other: " + err.Error()
	}
	o.n[code]++
}

// fire runs fn burst times at once and returns how the calls ended.
func fire(n int, fn func(i int) error) map[string]int {
	o := &outcomes{n: map[string]int{}}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			o.add(fn(i))
		}()
	}
	close(start)
	wg.Wait()
	return o.n
}

// signInAtOnce starts n sign-ins at the same moment, the i-th with startSession(i), and counts those
// granted and those refused because the link is used up; any other answer fails the test.
func signInAtOnce(t *testing.T, n int, startSession func(i int) error) (granted, refused int) {
	t.Helper()
	got := fire(n, startSession)
	for code, times := range got {
		if code != "" && code != share.CodeGone {
			t.Errorf("unexpected outcome %q, %d times", code, times)
		}
	}
	return got[""], got[share.CodeGone]
}

// TestConcurrentPasswordGuesses: a burst of wrong passwords gets exactly as many argon2 checks as the
// per-link or per-client limit allows, and afterwards even the right password is refused.
func TestConcurrentPasswordGuesses(t *testing.T) {
	cases := []struct {
		name  string
		links int // the burst is spread over this many links, all from one client address
		limit int
	}{
		{"one link", 1, share.MaxFailuresPerLink},
		{"many links, one client", 30, share.MaxFailuresPerIP},
	}
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				e := sharetest.Start(t, kind, sharetest.Options{NoSMTP: true})
				tr := makeTree(t, e)
				items := make([]api.LinkCreateItem, tc.links)
				for i := range items {
					items[i] = api.LinkCreateItem{Targets: []string{tr.a.ID}, Authenticators: password("the right one")}
				}
				created := sharetest.Must(e.Client.LinkCreate(context.Background(), api.LinkCreateRequest{Links: items}))(t).ShareLinkObjects
				links := make([]share.Link, len(created))
				for i, c := range created {
					links[i] = mustOpen(t, e, c)
				}
				before := e.Svc.SecretChecks()
				got := fire(burst, func(i int) error {
					_, err := e.Svc.CheckPassword(context.Background(), links[i%len(links)], 0, fmt.Sprint("wrong ", i), "203.0.113.7")
					return err
				})
				if checks := e.Svc.SecretChecks() - before; checks != int64(tc.limit) {
					t.Errorf("%d concurrent wrong passwords: %d checked, want %d", burst, checks, tc.limit)
				}
				want := map[string]int{share.CodeAuthFailed: tc.limit, share.CodeTooMany: burst - tc.limit}
				if fmt.Sprint(got) != fmt.Sprint(want) {
					t.Errorf("outcomes: got %v, want %v", got, want)
				}
				if _, err := e.Svc.CheckPassword(context.Background(), links[0], 0, "the right one", "203.0.113.7"); !share.IsCode(err, share.CodeTooMany) {
					t.Errorf("right password after the burst: got %v, want %s", err, share.CodeTooMany)
				}
			})
		}
	})
}

// TestConcurrentCodeRequests: a burst of "send me a code" sends at most OTPPerLinkPerHour mails.
func TestConcurrentCodeRequests(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := sharetest.Start(t, kind, sharetest.Options{})
		tr := makeTree(t, e)
		l := mustOpen(t, e, createLink(t, e, api.LinkCreateItem{Targets: []string{tr.a.ID},
			Authenticators: []api.Authenticator{{AuthType: "email_otp", AuthContext: "burst@example.com"}}}))
		got := fire(burst, func(int) error {
			_, err := e.Svc.SendCode(context.Background(), l, 0)
			return err
		})
		want := map[string]int{"": share.OTPPerLinkPerHour, share.CodeTooMany: burst - share.OTPPerLinkPerHour}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("outcomes: got %v, want %v", got, want)
		}
		if n := len(e.Mail.All()); n != share.OTPPerLinkPerHour {
			t.Errorf("%d concurrent code requests sent %d mails, want %d", burst, n, share.OTPPerLinkPerHour)
		}
	})
}

// TestConcurrentCodeGuesses: a burst of wrong codes from many addresses gets at most OTPMaxAttempts
// comparisons against the code, and the right code is refused afterwards.
func TestConcurrentCodeGuesses(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := sharetest.Start(t, kind, sharetest.Options{})
		tr := makeTree(t, e)
		l := mustOpen(t, e, createLink(t, e, api.LinkCreateItem{Targets: []string{tr.a.ID},
			Authenticators: []api.Authenticator{{AuthType: "email_otp", AuthContext: "guess@example.com"}}}))
		if _, err := e.Svc.SendCode(context.Background(), l, 0); err != nil {
			t.Fatal(err)
		}
		code := codeIn(t, e.Mail.Wait(t, "guess@example.com").Text)
		wrong := fmt.Sprintf("%06d", (atoi(code)+1)%1000000)
		before := e.Svc.SecretChecks()
		got := fire(burst, func(i int) error {
			_, err := e.Svc.VerifyCode(context.Background(), l, 0, wrong, fmt.Sprintf("198.51.100.%d", i%250))
			return err
		})
		if checks := e.Svc.SecretChecks() - before; checks != share.OTPMaxAttempts {
			t.Errorf("%d concurrent wrong codes: %d compared, want %d", burst, checks, share.OTPMaxAttempts)
		}
		if got[""] != 0 || got[share.CodeAuthFailed]+got[share.CodeTooMany] != burst {
			t.Errorf("outcomes: got %v, want every guess refused", got)
		}
		if _, err := e.Svc.VerifyCode(context.Background(), l, 0, code, "192.0.2.1"); !share.IsCode(err, share.CodeAuthFailed) {
			t.Errorf("right code after the burst: got %v, want %s", err, share.CodeAuthFailed)
		}
	})
}

// TestConcurrentRightPasswords: right passwords typed at once by more people than the per-link limit
// allows (each from an address of their own) all sign in, on both databases: attempts still being
// checked are not wrong attempts.
func TestConcurrentRightPasswords(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := sharetest.Start(t, kind, sharetest.Options{NoSMTP: true})
		tr := makeTree(t, e)
		limit := 1000
		l := mustOpen(t, e, createLink(t, e, api.LinkCreateItem{Targets: []string{tr.a.ID}, Authenticators: password("the right one"), MaxAccessCount: &limit}))
		const n = 3 * share.MaxFailuresPerLink
		got := fire(n, func(i int) error {
			_, err := e.Svc.CheckPassword(context.Background(), l, 0, "the right one", fmt.Sprintf("198.51.100.%d", i))
			return err
		})
		if want := map[string]int{"": n}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%d concurrent right passwords: got %v, want %v", n, got, want)
		}
	})
}

// fillWithPending fills the link's limit with attempts still being checked (never settled), each from
// an address of its own.
func fillWithPending(t *testing.T, e *sharetest.Env, l share.Link) {
	t.Helper()
	now := e.Clock.Now()
	for i := range share.MaxFailuresPerLink {
		res, err := e.Store.ReserveAuthAttempt(context.Background(), l.ID, fmt.Sprintf("192.0.2.%d", i), share.Micros(now),
			share.Micros(now.Add(-share.FailureWindow)), share.Micros(now.Add(-time.Minute)), share.MaxFailuresPerLink, share.MaxFailuresPerIP)
		if err != nil || res != share.Reserved {
			t.Fatalf("reserve %d: got %v, %v", i, res, err)
		}
	}
}

// TestPendingAttemptsAnswerBusy: when only attempts still being checked fill the link's limit, a
// sign-in is answered 429 "try again in a moment" with Retry-After, not "too many wrong attempts";
// attempts left pending past a minute (their check never finished) count as wrong ones.
func TestPendingAttemptsAnswerBusy(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := sharetest.Start(t, kind, sharetest.Options{NoSMTP: true, Config: func(c *share.Config) { c.AttemptWait = 200 * time.Millisecond }})
		tr := makeTree(t, e)
		link := createLink(t, e, api.LinkCreateItem{Targets: []string{tr.a.ID}, Authenticators: password("the right one")})
		l := mustOpen(t, e, link)
		fillWithPending(t, e, l)
		tests := []struct {
			name       string
			advance    time.Duration
			status     int
			retryAfter bool
			message    string
		}{
			{"attempts being checked", 0, http.StatusTooManyRequests, true, "Try again in a moment"},
			{"attempts pending for two minutes", 2 * time.Minute, http.StatusTooManyRequests, false, "Too many wrong attempts"},
		}
		for _, tt := range tests {
			e.Clock.Advance(tt.advance)
			p := newRecipient(t, e).post(linkPath(e, link)+"/password", url.Values{"auth": {"0"}, "password": {"the right one"}})
			said := p.text(t, "auth-error")
			if p.status != tt.status || (p.header.Get("Retry-After") != "") != tt.retryAfter || !strings.Contains(said, tt.message) {
				t.Errorf("%s: got %d, Retry-After %q, saying %q; want %d, Retry-After %v, saying %q", tt.name, p.status,
					p.header.Get("Retry-After"), said, tt.status, tt.retryAfter, tt.message)
			}
		}
	})
}

// TestWaitersBehindPendingAttempts: when attempts that never settle fill the limit, people signing in
// at the same moment are all told "try again in a moment" once AttemptWait has passed without a
// settling; waking one another while they wait is not a settling and must not keep them waiting.
func TestWaitersBehindPendingAttempts(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		const wait, n = time.Second, 20
		e := sharetest.Start(t, kind, sharetest.Options{NoSMTP: true, Config: func(c *share.Config) { c.AttemptWait = wait }})
		tr := makeTree(t, e)
		l := mustOpen(t, e, createLink(t, e, api.LinkCreateItem{Targets: []string{tr.a.ID}, Authenticators: password("the right one")}))
		fillWithPending(t, e, l)
		ctx, cancel := context.WithTimeout(context.Background(), 2*n*wait)
		defer cancel()
		start := time.Now()
		got := fire(n, func(i int) error {
			// One after another, as people come: each one's wait must run out on its own, not be
			// drawn out by the ones before it giving up.
			time.Sleep(time.Duration(i) * wait / 10)
			_, err := e.Svc.CheckPassword(ctx, l, 0, "the right one", fmt.Sprintf("198.51.100.%d", i))
			return err
		})
		took := time.Since(start)
		if want := map[string]int{share.CodeBusy: n}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%d sign-ins behind pending attempts: got %v, want %v", n, got, want)
		}
		if took > 8*wait {
			t.Errorf("answered after %v, want about AttemptWait (%v) after the last one came (%v)", took, wait, (n-1)*wait/10)
		}
	})
}

// TestCodeWithoutSenderOrComposer: a service given no sender, or nothing to word its messages, says
// the code could not be sent, never that it was.
func TestCodeWithoutSenderOrComposer(t *testing.T) {
	tests := []struct {
		name   string
		config func(*share.Config)
	}{
		{"no sender", func(c *share.Config) { c.Sender, c.SMS = nil, nil }},
		{"no composer", func(c *share.Config) { c.Composer = nil }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := sharetest.Start(t, "sqlite", sharetest.Options{NoSMTP: true, Config: tt.config})
			tr := makeTree(t, e)
			l := mustOpen(t, e, createLink(t, e, api.LinkCreateItem{Targets: []string{tr.a.ID},
				Authenticators: []api.Authenticator{{AuthType: "email_otp", AuthContext: "nobody@example.com"}}}))
			_, err := e.Svc.SendCode(context.Background(), l, 0)
			if !share.IsCode(err, share.CodeProvider) {
				t.Errorf("SendCode: got %v, want a %s error", err, share.CodeProvider)
			}
			if msgs, _ := e.Store.Messages(context.Background(), 10); len(msgs) != 0 {
				t.Errorf("the outbox holds %d messages, want none", len(msgs))
			}
		})
	}
}
