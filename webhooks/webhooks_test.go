package webhooks_test

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	standardwebhooks "github.com/standard-webhooks/standard-webhooks/libraries/go"

	"github.com/sharedesk/sharedesk/share/sharetest"
	"github.com/sharedesk/sharedesk/webhooks"
	"github.com/sharedesk/sharedesk/webhooks/webhookstest"
)

const secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

func TestWebhooksSurviveOutageAndRestart(t *testing.T) {
	for _, kind := range sharetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			db := sharetest.OpenStore(t, kind)
			rc := webhookstest.Start(t, secret)
			// A receiver that hangs before failing: a sender stopped meanwhile is caught mid-delivery,
			// holding a claim it must give back.
			rc.Hang = time.Second
			cfg := webhooks.Config{URLs: []string{rc.URL + "/hook"}, Secret: secret,
				Delay: func(int) time.Duration { return 20 * time.Millisecond }, Poll: 50 * time.Millisecond}

			start := func() (*webhooks.Dispatcher, func()) {
				d, err := webhooks.New(db, cfg)
				if err != nil {
					t.Fatal(err)
				}
				rctx, cancel := context.WithCancel(ctx)
				done := make(chan struct{})
				go func() { d.Run(rctx); close(done) }()
				return d, func() { cancel(); <-done }
			}
			d1, stop1 := start()
			links := []string{"psl_a", "psl_b", "psl_c"}
			var want []string
			publish := func(d *webhooks.Dispatcher, n int) {
				for i := range n {
					ev := webhooks.Event{Type: []string{webhooks.LinkCreated, webhooks.LinkOpened, webhooks.LinkDownloaded}[i%3],
						LinkID: links[i%len(links)], Data: map[string]any{"n": len(want)}}
					ev.ID = webhooks.NewEventID()
					if err := d.Publish(ctx, ev); err != nil {
						t.Fatal(err)
					}
					want = append(want, ev.ID)
				}
			}
			publish(d1, 10)
			rc.WaitFor(t, 20*time.Second, func(got []webhookstest.Delivery) bool { return len(got) >= 10 })
			rc.SetDown(true) // the receiver goes away mid-stream
			publish(d1, 10)
			time.Sleep(200 * time.Millisecond)
			stop1() // the server restarts while events are pending

			d2, stop2 := start()
			defer stop2()
			publish(d2, 10)
			rc.SetDown(false)
			rc.WaitFor(t, 20*time.Second, func(got []webhookstest.Delivery) bool {
				return len(webhookstest.Arrivals(got)) >= len(want)
			})
			time.Sleep(150 * time.Millisecond) // let any stray repeat arrive before checking

			got := rc.Deliveries()
			if bad := rc.Failures(); len(bad) > 0 {
				t.Errorf("%d deliveries failed signature or body checks: %v", len(bad), bad)
			}
			seen := webhookstest.Arrivals(got)
			for _, id := range want {
				if seen[id] == 0 {
					t.Errorf("event %s never arrived", id)
				}
			}
			if len(seen) != len(want) {
				t.Errorf("got %d distinct ids, want %d", len(seen), len(want))
			}
			// In order per link: the first arrival of each event follows publication order.
			order := map[string]int{}
			for i, id := range want {
				order[id] = i
			}
			webhookstest.CheckOrderPerLink(t, got, order)
		})
	}
}

func TestWebhooksSignatureVerifies(t *testing.T) {
	db := sharetest.OpenStore(t, "sqlite")
	var hdr http.Header
	var body []byte
	got := make(chan struct{}, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr, body = r.Header.Clone(), must(io.ReadAll(r.Body))
		got <- struct{}{}
	}))
	defer srv.Close()
	d, err := webhooks.New(db, webhooks.Config{URLs: []string{srv.URL}, Secret: secret, Poll: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go d.Run(ctx)
	if err := d.Publish(ctx, webhooks.Event{Type: webhooks.LinkRevoked, LinkID: "psl_x", Data: map[string]any{"by": "console"}}); err != nil {
		t.Fatal(err)
	}
	select {
	case <-got:
	case <-time.After(10 * time.Second):
		t.Fatal("no delivery")
	}
	v, _ := standardwebhooks.NewWebhook(secret)
	if err := v.Verify(body, hdr); err != nil {
		t.Errorf("signature does not verify: %v", err)
	}
	raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	other, _ := standardwebhooks.NewWebhookRaw(append(raw[:len(raw):len(raw)], 'x'))
	if err := other.Verify(body, hdr); err == nil {
		t.Error("a signature verified with the wrong secret")
	}
	if !strings.Contains(string(body), `"type":"link.revoked"`) || !strings.Contains(string(body), `"link_id":"psl_x"`) {
		t.Errorf("payload: got %s", body)
	}
}

func TestWebhookSettingsRefused(t *testing.T) {
	db := sharetest.OpenStore(t, "sqlite")
	for _, cfg := range []webhooks.Config{
		{URLs: []string{"ftp://x"}, Secret: secret},
		{URLs: []string{"not a url"}, Secret: secret},
		{URLs: []string{"https://hooks.example.com"}},
		{URLs: []string{"https://hooks.example.com"}, Secret: "whsec_!!notbase64"},
		{URLs: []string{"https://hooks.example.com"}, Secret: "whsec_"},
		{URLs: []string{"https://hooks.example.com"}, Secret: "whsec_" + base64.StdEncoding.EncodeToString([]byte("short"))},
		{URLs: []string{"https://hooks.example.com"}, Secret: "whsec_" + base64.StdEncoding.EncodeToString(make([]byte, 65))},
	} {
		if _, err := webhooks.New(db, cfg); err == nil {
			t.Errorf("%+v: accepted", cfg)
		}
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
