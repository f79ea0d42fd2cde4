package notify_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/sharedesk/sharedesk/notify"
)

// The SMS webhook is signed per Standard Webhooks (checked with the specification's own library) and,
// for one more release, with the previous X-Sharedesk-Signature header, whichever form the secret has.
func TestSMSWebhookSignatures(t *testing.T) {
	for _, c := range []struct{ name, secret string }{
		{"raw secret", "a plain shared secret of some length"},
		{"whsec secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var hdr http.Header
			var body []byte
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				hdr = r.Header.Clone()
				body, _ = io.ReadAll(r.Body)
			}))
			defer srv.Close()
			w := notify.Webhook{URL: srv.URL, Secret: []byte(c.secret)}
			if err := w.Send(context.Background(), notify.Message{Kind: notify.KindSMS, To: "+15555550123", Text: "Your code is 123456"}); err != nil {
				t.Fatal(err)
			}
			var v *standardwebhooks.Webhook
			var err error
			if c.secret[:6] == "whsec_" {
				v, err = standardwebhooks.NewWebhook(c.secret)
			} else {
				v, err = standardwebhooks.NewWebhookRaw([]byte(c.secret))
			}
			if err != nil {
				t.Fatal(err)
			}
			if err := v.Verify(body, hdr); err != nil {
				t.Errorf("Standard Webhooks signature: %v (headers %v)", err, hdr)
			}
			if !notify.Verify([]byte(c.secret), hdr.Get(notify.SignatureHeader), body, time.Now(), time.Minute) {
				t.Errorf("previous signature header %q does not verify", hdr.Get(notify.SignatureHeader))
			}
			wrong, _ := standardwebhooks.NewWebhookRaw([]byte("another secret entirely, not it"))
			if err := wrong.Verify(body, hdr); err == nil {
				t.Error("a wrong secret verified")
			}
		})
	}
}
