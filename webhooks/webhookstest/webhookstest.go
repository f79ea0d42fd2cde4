// Package webhookstest is the receiving end of webhook tests: a real HTTP endpoint that checks every
// delivery's signature with the Standard Webhooks library and keeps what arrived.
package webhookstest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// Delivery is one event as it arrived.
type Delivery struct{ ID, Type, LinkID string }

// Receiver takes deliveries signed with one secret.
type Receiver struct {
	URL string // where it listens; deliveries may go to any path under it
	// Hang is how long a delivery waits before the receiver, while down, fails it: a sender stopped
	// meanwhile is caught mid-delivery.
	Hang time.Duration

	verifier *standardwebhooks.Webhook
	down     atomic.Bool
	mu       sync.Mutex
	got      []Delivery // in arrival order, repeats included
	bad      []string
}

// Start serves a receiver for secret (whsec_…) until the test ends.
func Start(t testing.TB, secret string) *Receiver {
	t.Helper()
	v, err := standardwebhooks.NewWebhook(secret)
	if err != nil {
		t.Fatal(err)
	}
	rc := &Receiver{verifier: v}
	srv := httptest.NewServer(rc)
	t.Cleanup(srv.Close)
	rc.URL = srv.URL
	return rc
}

// SetDown makes the receiver fail every delivery (503) until it is set up again.
func (rc *Receiver) SetDown(down bool) { rc.down.Store(down) }

func (rc *Receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rc.down.Load() {
		select {
		case <-r.Context().Done():
		case <-time.After(rc.Hang):
		}
		http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
		return
	}
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if err := rc.verifier.Verify(body, r.Header); err != nil {
		rc.bad = append(rc.bad, err.Error())
		http.Error(w, err.Error(), http.StatusUnauthorized)
		return
	}
	var p struct {
		Type string `json:"type"`
		Data struct {
			LinkID string `json:"link_id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		rc.bad = append(rc.bad, err.Error())
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	rc.got = append(rc.got, Delivery{r.Header.Get("webhook-id"), p.Type, p.Data.LinkID})
}

// Deliveries are the events that arrived and verified, in arrival order, repeats included.
func (rc *Receiver) Deliveries() []Delivery {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]Delivery(nil), rc.got...)
}

// Failures say why deliveries failed their signature or body checks.
func (rc *Receiver) Failures() []string {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]string(nil), rc.bad...)
}

// WaitFor waits until enough holds of the deliveries so far, failing t after within.
func (rc *Receiver) WaitFor(t testing.TB, within time.Duration, enough func(got []Delivery) bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !enough(rc.Deliveries()) {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting for webhook deliveries")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Arrivals counts how often each event id arrived.
func Arrivals(got []Delivery) map[string]int {
	n := map[string]int{}
	for _, d := range got {
		n[d.ID]++
	}
	return n
}

// CheckOrderPerLink fails t when, for any link, an event first arrived after one that rank puts later
// (rank maps event ids to their order of publication).
func CheckOrderPerLink[R int | int64](t testing.TB, got []Delivery, rank map[string]R) {
	t.Helper()
	last := map[string]R{}
	first := map[string]bool{}
	for _, d := range got {
		if first[d.ID] {
			continue
		}
		first[d.ID] = true
		if prev, ok := last[d.LinkID]; ok && rank[d.ID] < prev {
			t.Errorf("link %s: event %s (%s) arrived after a later one", d.LinkID, d.ID, d.Type)
		}
		last[d.LinkID] = rank[d.ID]
	}
}
