package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SignatureHeader carries the webhook signature: "t=<unix seconds>,v1=<hex HMAC-SHA256>", where the
// HMAC is over "<t>.<body>" with the shared secret. The timestamp lets a receiver refuse replays.
const SignatureHeader = "X-Sharedesk-Signature"

// Webhook sends SMS by POSTing {"to": "+1555…", "text": "…"} to a URL the operator bridges to any
// SMS provider.
type Webhook struct {
	URL    string
	Secret []byte
	Client *http.Client
	Now    func() time.Time
}

// Send posts one SMS.
func (w Webhook) Send(ctx context.Context, m Message) error {
	if m.Kind != KindSMS {
		return fmt.Errorf("sms webhook cannot send %s messages", m.Kind)
	}
	body, err := json.Marshal(struct {
		To   string `json:"to"`
		Text string `json:"text"`
	}{m.To, m.Text})
	if err != nil {
		return err
	}
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(SignatureHeader, Sign(w.Secret, now().Unix(), body))
	client := w.Client
	if client == nil {
		client = &http.Client{Timeout: 15 * time.Second}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("sms webhook: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("sms webhook answered %s", resp.Status)
	}
	return nil
}

// Sign returns the signature header value for body sent at unix time t.
func Sign(secret []byte, t int64, body []byte) string {
	m := hmac.New(sha256.New, secret)
	fmt.Fprintf(m, "%d.", t)
	m.Write(body)
	return fmt.Sprintf("t=%d,v1=%s", t, hex.EncodeToString(m.Sum(nil)))
}

// Verify checks a signature header against body, accepting timestamps within tolerance of now. It is
// what a receiver runs; the README shows the same check in a few lines of another language.
func Verify(secret []byte, header string, body []byte, now time.Time, tolerance time.Duration) bool {
	var t int64
	var sig string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			t, _ = strconv.ParseInt(v, 10, 64)
		case "v1":
			sig = v
		}
	}
	if t == 0 || sig == "" {
		return false
	}
	if d := now.Sub(time.Unix(t, 0)); d > tolerance || d < -tolerance {
		return false
	}
	want := Sign(secret, t, body)
	return hmac.Equal([]byte(want), []byte(fmt.Sprintf("t=%d,v1=%s", t, sig)))
}
