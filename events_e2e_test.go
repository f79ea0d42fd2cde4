package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
	"github.com/sharedesk/sharedesk/share/store"
	"github.com/sharedesk/sharedesk/webhooks/webhookstest"
)

const testWebhookSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"

// shareProc is one run of `sharedesk share-server`.
type shareProc struct {
	stop func()
	logs *sharetest.SyncBuffer
}

func runShareServer(t *testing.T, args ...string) shareProc {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	logs := &sharetest.SyncBuffer{}
	go func() { done <- run(ctx, append([]string{"share-server"}, args...), logs, logs) }()
	var once sync.Once
	stop := func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(stop)
	return shareProc{stop: stop, logs: logs}
}

func waitAPI(t *testing.T, c *api.Client) {
	t.Helper()
	for range 200 {
		if _, err := c.Buckets(context.Background()); err == nil {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatal("share-server did not start")
}

// portalSignIn signs in to a password link as a recipient would and returns the portal cookie.
func portalSignIn(t *testing.T, link, password string) *http.Cookie {
	t.Helper()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if resp, err := noRedirect.Get(link); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("open %s: %v %v", link, resp, err)
	} else {
		resp.Body.Close()
	}
	for _, pw := range []string{"wrong guess", password} {
		resp, err := noRedirect.PostForm(link+"/password", url.Values{"auth": {"0"}, "password": {pw}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for _, c := range resp.Cookies() {
			if strings.HasSuffix(c.Name, "sd-portal") && c.Value != "" {
				return c
			}
		}
	}
	t.Fatal("no portal session after the right password")
	return nil
}

func portalGet(t *testing.T, base, path string, session *http.Cookie) []byte {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	req.AddCookie(session)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", path, resp.StatusCode)
	}
	return b
}

// TestWebhooksAndMetricsEndToEnd runs share-server with webhooks and metrics, drives a scripted session
// through the API and the portal, takes the receiver away mid-stream, restarts the server while
// deliveries are pending, and brings the receiver back: every webhook-type event recorded in the links'
// histories arrives exactly once per id, in order per link, signed. The metrics scraped on their own
// listener moved, and no label holds a token, an id or an address.
func TestWebhooksAndMetricsEndToEnd(t *testing.T) {
	for _, kind := range sharetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			dataDir := t.TempDir()
			storage := []string{"--data-dir", dataDir}
			if kind == "postgres" {
				sharetest.RequirePostgres(t)
				storage = append(storage, "--database-url", sharetest.PostgresSchemaURL(t))
			}
			rc := webhookstest.Start(t, testWebhookSecret)
			secretFile := filepath.Join(t.TempDir(), "webhook.secret")
			if err := os.WriteFile(secretFile, []byte(testWebhookSecret+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			out, err := runCmd(t, append([]string{"token", "create", "--name", "e2e"}, storage...)...)
			if err != nil {
				t.Fatal(err)
			}
			token := strings.TrimSpace(out[strings.LastIndex(strings.TrimSpace(out), "\n")+1:])
			addr, metricsAddr := freeAddr(t), freeAddr(t)
			args := append([]string{"--listen", addr, "--metrics-listen", metricsAddr,
				"--webhook-url", rc.URL + "/hook", "--webhook-secret-file", secretFile}, storage...)
			base := "http://" + addr
			ctx := context.Background()

			srv := runShareServer(t, args...)
			c := api.NewClient(base, token)
			waitAPI(t, c)
			put := func(name, body string) api.Object {
				return sharetest.Must(c.Put(ctx, api.PutRequest{Name: name}, name, strings.NewReader(body)))(t).Object
			}
			newLink := func(target string) api.ShareLink {
				return sharetest.Must(c.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{Targets: []string{target},
					Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "correct horse"}}}}}))(t).ShareLinkObjects[0]
			}
			f1, f2 := put("one.txt", "first file"), put("two.txt", "second file")
			l1, l2 := newLink(f1.ID), newLink(f2.ID)
			s1 := portalSignIn(t, l1.Link, "correct horse")
			if got := string(portalGet(t, base, "/p/d/"+f1.ID, s1)); got != "first file" {
				t.Fatalf("download: got %q", got)
			}
			// Created ×2, opened, downloaded.
			rc.WaitFor(t, hookWait, func(got []webhookstest.Delivery) bool { return len(got) >= 4 })

			rc.SetDown(true) // the receiver goes away mid-stream
			s2 := portalSignIn(t, l2.Link, "correct horse")
			portalGet(t, base, "/p/d/"+f2.ID, s2)
			time.Sleep(300 * time.Millisecond) // the first pending delivery fails once
			srv.stop()                         // and the server restarts with deliveries pending

			srv = runShareServer(t, args...)
			waitAPI(t, c)
			l3 := newLink(f1.ID)
			if _, err := c.LinkDelete(ctx, api.LinkDeleteRequest{IDs: []string{l1.ID}}); err != nil {
				t.Fatal(err)
			}
			rc.SetDown(false)

			// What the links' histories hold is what the receiver must get.
			var db *store.DB
			if kind == "postgres" {
				db, err = store.OpenPostgres(ctx, storage[3])
			} else {
				db, err = store.OpenSQLite(ctx, filepath.Join(dataDir, "sharedesk.db"))
			}
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var want []share.Event
			bucket := sharetest.Must(c.Buckets(ctx))(t).Buckets[0].ID
			for _, id := range []string{l1.ID, l2.ID, l3.ID} {
				evs, err := db.LinkEvents(ctx, bucket, id, 0, 1000, false)
				if err != nil {
					t.Fatal(err)
				}
				for _, ev := range evs {
					switch ev.Type {
					case share.EventCreated, share.EventSent, share.EventOpened, share.EventDownloaded, share.EventZipDownloaded,
						share.EventUploaded, share.EventRevoked, share.EventExpired:
						want = append(want, ev)
					}
				}
			}
			if len(want) != 8 {
				t.Fatalf("histories hold %d webhook events, want 8 (3 created, 2 opened, 2 downloaded, 1 revoked)", len(want))
			}
			rc.WaitFor(t, hookWait, func(got []webhookstest.Delivery) bool {
				return len(webhookstest.Arrivals(got)) >= len(want)
			})
			time.Sleep(200 * time.Millisecond) // let any stray repeat arrive before checking
			got := rc.Deliveries()
			if bad := rc.Failures(); len(bad) > 0 {
				t.Errorf("deliveries failed verification: %v", bad)
			}
			arrived := webhookstest.Arrivals(got)
			for _, ev := range want {
				if arrived[ev.ID] != 1 {
					t.Errorf("event %s (%s of %s) arrived %d times, want once", ev.ID, ev.Type, ev.LinkID, arrived[ev.ID])
				}
			}
			if len(arrived) != len(want) {
				t.Errorf("got %d distinct events, want %d", len(arrived), len(want))
			}
			order := map[string]int64{}
			for _, ev := range want {
				order[ev.ID] = ev.Seq
			}
			webhookstest.CheckOrderPerLink(t, got, order)

			// Metrics, on their own listener and never on the public port.
			if resp, err := http.Get(base + "/metrics"); err == nil {
				resp.Body.Close()
				if resp.StatusCode == http.StatusOK {
					t.Error("the public port serves /metrics")
				}
			}
			resp, err := http.Get("http://" + metricsAddr + "/metrics")
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			text := string(body)
			// After the restart: one link created, one revoked, a download of 0 bytes in this process.
			for _, want := range []string{
				`sharedesk_links_created_total 1`,
				`sharedesk_links_revoked_total 1`,
				`sharedesk_http_requests_total{code="200",method="post",route="POST /v1/share/link/create",server="api"} 1`,
				`go_goroutines`,
				`go_sql_open_connections{db_name="share"}`,
			} {
				if !strings.Contains(text, want) {
					t.Errorf("metrics lack %q", want)
				}
			}
			checkLabels(t, text, token, []string{l1.ID, l2.ID, l3.ID, f1.ID, f2.ID, "127.0.0.1", l1.Link})
		})
	}
}

// checkLabels fails when any label value holds one of the secrets or ids, or looks like one.
func checkLabels(t *testing.T, text, token string, ids []string) {
	t.Helper()
	label := regexp.MustCompile(`\{([^}]*)\}`)
	idLike := regexp.MustCompile(`(psl|pos|pro|prq|evt)_[a-z2-7]{20,}|@|\d+\.\d+\.\d+\.\d+`)
	for _, m := range label.FindAllStringSubmatch(text, -1) {
		for _, bad := range append(ids, token) {
			if bad != "" && strings.Contains(m[1], bad) {
				t.Errorf("label %s holds %q", m[1], bad)
			}
		}
		if idLike.MatchString(m[1]) {
			t.Errorf("label %s looks like an id or address", m[1])
		}
	}
}

// hookWait is how long deliveries may take. It is generous: a delivery that failed waits out its retry
// delay, and on a loaded machine (the whole suite under -race on two cores) the restarted server's first
// dispatch can take most of 20 s on its own.
const hookWait = 60 * time.Second
