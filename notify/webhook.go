package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"
)

// SignatureHeader carries the previous signature scheme: "t=<unix seconds>,v1=<hex HMAC-SHA256>",
// where the HMAC is over "<t>.<body>" with the shared secret. Every post is now also signed per the
// Standard Webhooks specification (webhook-id, webhook-timestamp, webhook-signature), like the link
// event webhooks; this header is still sent for one release so receivers can move over, then goes.
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
	at := now()
	req.Header.Set(SignatureHeader, Sign(w.Secret, at.Unix(), body))
	if err := signStandard(req.Header, w.Secret, at, body); err != nil {
		return err
	}
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

// signStandard adds the Standard Webhooks headers. A secret written as the specification gives it
// ("whsec_" + base64) is decoded; any other secret is used as the key bytes as they are, the same
// key the previous scheme uses.
func signStandard(h http.Header, secret []byte, at time.Time, body []byte) error {
	var wh *standardwebhooks.Webhook
	var err error
	if strings.HasPrefix(string(secret), "whsec_") {
		wh, err = standardwebhooks.NewWebhook(string(secret))
	} else {
		wh, err = standardwebhooks.NewWebhookRaw(secret)
	}
	if err != nil {
		return fmt.Errorf("sms webhook secret: %w", err)
	}
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	msgID := "msg_" + hex.EncodeToString(id)
	sig, err := wh.Sign(msgID, at, body)
	if err != nil {
		return err
	}
	h.Set(standardwebhooks.HeaderWebhookID, msgID)
	h.Set(standardwebhooks.HeaderWebhookTimestamp, strconv.FormatInt(at.Unix(), 10))
	h.Set(standardwebhooks.HeaderWebhookSignature, sig)
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
