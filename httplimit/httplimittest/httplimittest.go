// Package httplimittest is the slow client of httplimit's tests: connections from one address that
// trickle a request body, and how the server answered each.
package httplimittest

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"
)

// FormHead is the start of a form post of 1000 bytes: the request line, the headers (with extra, each
// header ending in CRLF) and the first bytes of the body, which Trickle then drips.
func FormHead(method, path, addr, extra, body string) string {
	return fmt.Sprintf("%s %s HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n%s"+
		"Content-Length: 1000\r\n\r\n%s", method, path, addr, extra, body)
}

// Trickle opens a connection to addr, sends head and then one more body byte every 200 ms until stop
// is closed (writers counts the dripping goroutine). The connection closes when the test ends.
func Trickle(t testing.TB, addr, head string, stop <-chan struct{}, writers *sync.WaitGroup) net.Conn {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprint(conn, head)
	writers.Add(1)
	go func() {
		defer writers.Done()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				if _, err := conn.Write([]byte("x")); err != nil {
					return
				}
			}
		}
	}()
	return conn
}

// Still is the outcome of a connection that was neither answered nor closed in time: held open.
const Still = -1

// AnswerWithin reads the server's reply on conn, waiting at most d; it returns the status, 0 when the
// server closed the connection without one, or Still when nothing happened in time.
func AnswerWithin(conn net.Conn, d time.Duration) int {
	_ = conn.SetReadDeadline(time.Now().Add(d))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return Still
		}
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// Flood is n trickling connections from one address, each waiting for its answer.
type Flood struct {
	stop              chan struct{}
	writers, answered sync.WaitGroup
	results           []int
	wait              time.Duration
}

// StartFlood opens n connections that send head and trickle (see Trickle), and waits for each one's
// answer for at most wait.
func StartFlood(t testing.TB, addr, head string, n int, wait time.Duration) *Flood {
	t.Helper()
	f := &Flood{stop: make(chan struct{}), results: make([]int, n), wait: wait}
	for i := range n {
		conn := Trickle(t, addr, head, f.stop, &f.writers)
		f.answered.Add(1)
		go func() {
			defer f.answered.Done()
			f.results[i] = AnswerWithin(conn, wait)
		}()
	}
	return f
}

// Outcomes waits until every connection has had its answer (or its wait ran out), stops the
// trickle, and counts the connections by outcome (see AnswerWithin).
func (f *Flood) Outcomes() map[int]int {
	f.answered.Wait()
	close(f.stop)
	f.writers.Wait()
	counts := map[int]int{}
	for _, r := range f.results {
		counts[r]++
	}
	return counts
}

// CheckCutOrRefused waits for the outcomes and fails t unless no connection was still held open
// after its wait, and at least those past the per-client cap were refused with 429.
func (f *Flood) CheckCutOrRefused(t testing.TB, perClient int) {
	t.Helper()
	counts, n := f.Outcomes(), len(f.results)
	if counts[Still] != 0 {
		t.Errorf("%d of %d trickling connections were still open after %s (outcomes %v)", counts[Still], n, f.wait,
			counts)
	}
	if counts[http.StatusTooManyRequests] < n-perClient {
		t.Errorf("over the per-client cap of %d: %d refused with 429, want at least %d (outcomes %v)",
			perClient, counts[http.StatusTooManyRequests], n-perClient, counts)
	}
}

// FromAnotherAddress is a client connecting from 127.0.0.2: someone other than the flood's sender.
func FromAnotherAddress() *http.Client {
	return &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{DialContext: (&net.Dialer{
		LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}).DialContext}}
}
