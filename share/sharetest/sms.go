package sharetest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/notify"
)

// SMS is one text message the webhook receiver accepted.
type SMS struct {
	To   string `json:"to"`
	Text string `json:"text"`
}

// SMSInbox is a real HTTP webhook receiver that checks each post's signature, the way an operator's
// bridge to an SMS provider would, and keeps the messages whose signature is valid.
type SMSInbox struct {
	URL      string
	Secret   []byte
	mu       sync.Mutex
	msgs     []SMS
	Rejected int
}

// StartSMSReceiver starts the receiver; now is the clock used to check signature timestamps.
func StartSMSReceiver(t testing.TB, now func() time.Time) *SMSInbox {
	in := &SMSInbox{Secret: []byte(randomHex(16))}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		if !notify.Verify(in.Secret, r.Header.Get(notify.SignatureHeader), body, now(), 5*time.Minute) {
			in.mu.Lock()
			in.Rejected++
			in.mu.Unlock()
			http.Error(w, "bad signature", http.StatusUnauthorized)
			return
		}
		var m SMS
		if err := json.Unmarshal(body, &m); err != nil {
			http.Error(w, "bad json", http.StatusBadRequest)
			return
		}
		in.mu.Lock()
		in.msgs = append(in.msgs, m)
		in.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	in.URL = srv.URL
	return in
}

// Last returns the newest message to a number, or false.
func (in *SMSInbox) Last(to string) (SMS, bool) {
	in.mu.Lock()
	defer in.mu.Unlock()
	for i := len(in.msgs) - 1; i >= 0; i-- {
		if in.msgs[i].To == to {
			return in.msgs[i], true
		}
	}
	return SMS{}, false
}
