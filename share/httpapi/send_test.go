package httpapi_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestSendRetriesNeverDuplicate: Pangea's SDKs retry 500/502/503/504. A link/send where some
// addresses fail answers 200 with per-address results, so a retrying client never emails the good
// addresses twice; only a send where nothing went out is an error (and retrying it duplicates nothing).
func TestSendRetriesNeverDuplicate(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e, f := startSeededSMTP(t, kind)
		bad := "nobody@" + sharetest.RejectedDomain
		for _, tc := range []struct {
			name     string
			emails   []string
			wantHTTP int
			status   string
		}{
			{"one good, one bad", []string{"good1@example.com", bad}, 200, "Success"},
			{"two good, one bad", []string{"good2@example.com", bad, "good3@example.com"}, 200, "Success"},
			{"all bad", []string{bad, "other@" + sharetest.RejectedDomain}, 502, "ProviderError"},
			{"all good", []string{"good4@example.com"}, 200, "Success"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				link := sharetest.Must(e.Client.LinkCreate(t.Context(), api.LinkCreateRequest{Links: []api.LinkCreateItem{{
					Targets: []string{f.a.ID}, Authenticators: emailAuth("x@example.com")}}}))(t).ShareLinkObjects[0]
				var items []string
				for _, m := range tc.emails {
					items = append(items, fmt.Sprintf(`{"id":%q,"email":%q}`, link.ID, m))
				}
				body := fmt.Sprintf(`{"links":[%s],"sender_email":"me@example.com"}`, strings.Join(items, ","))
				// The SDKs' policy: up to 3 retries on 500, 502, 503 and 504.
				var r reply
				for attempt := 0; attempt < 4; attempt++ {
					r = postRaw(t, e, "/v1/share/link/send", body)
					if r.HTTP != 500 && r.HTTP != 502 && r.HTTP != 503 && r.HTTP != 504 {
						break
					}
				}
				if r.HTTP != tc.wantHTTP || r.Status != tc.status {
					t.Fatalf("got HTTP %d %s (%s), want %d %s", r.HTTP, r.Status, r.Summary, tc.wantHTTP, tc.status)
				}
				time.Sleep(200 * time.Millisecond) // let any duplicate arrive before counting
				for _, m := range tc.emails {
					got := 0
					for _, msg := range e.Mail.All() {
						for _, to := range msg.To {
							if to == m {
								got++
							}
						}
					}
					want := 1
					if strings.HasSuffix(m, sharetest.RejectedDomain) {
						want = 0
					}
					if got != want {
						t.Errorf("%s received %d emails, want %d", m, got, want)
					}
				}
				if r.Status != "Success" {
					return
				}
				results, _ := r.Result["ext_send_results"].([]any)
				if len(results) != len(tc.emails) {
					t.Fatalf("ext_send_results: got %v, want one per address", r.Result["ext_send_results"])
				}
				for i, m := range tc.emails {
					res, _ := results[i].(map[string]any)
					wantSent := !strings.HasSuffix(m, sharetest.RejectedDomain)
					if res["email"] != m || res["sent"] != wantSent || res["id"] != link.ID {
						t.Errorf("result %d: got %v, want %s sent=%v", i, res, m, wantSent)
					}
					if !wantSent && !strings.Contains(r.Summary, m) {
						t.Errorf("summary %q does not name the failed address %s", r.Summary, m)
					}
				}
			})
		}
	})
}

// TestSendAnswersWithinItsBudget: a mail server that answers slowly for some recipients cannot hold the
// answer back past the budget (and so past the server's write deadline): the client gets a 200 that
// says which went out, so it has no reason to retry and email the good address again.
func TestSendAnswersWithinItsBudget(t *testing.T) {
	e := sharetest.Start(t, "sqlite", sharetest.Options{Config: func(c *share.Config) { c.SendBudget = time.Second }})
	f := seed(t, e)
	link := sharetest.Must(e.Client.LinkCreate(t.Context(), api.LinkCreateRequest{Links: []api.LinkCreateItem{{
		Targets: []string{f.a.ID}, Authenticators: emailAuth("x@example.com")}}}))(t).ShareLinkObjects[0]
	items := []string{fmt.Sprintf(`{"id":%q,"email":"good@example.com"}`, link.ID)}
	for i := range 6 {
		items = append(items, fmt.Sprintf(`{"id":%q,"email":"late%d@%s"}`, link.ID, i, sharetest.SlowDomain))
	}
	start := time.Now()
	r := postRaw(t, e, "/v1/share/link/send", fmt.Sprintf(`{"links":[%s],"sender_email":"me@example.com"}`, strings.Join(items, ",")))
	if took := time.Since(start); took > sharetest.SlowAnswer {
		t.Errorf("answered after %s, want within the 1 s budget (6 slow recipients take %s each)", took, sharetest.SlowAnswer)
	}
	if r.HTTP != 200 {
		t.Fatalf("got HTTP %d %s, want 200 with per-address results", r.HTTP, r.Status)
	}
	results, _ := r.Result["ext_send_results"].([]any)
	sent := map[string]bool{}
	for _, x := range results {
		m := x.(map[string]any)
		sent[m["email"].(string)] = m["sent"].(bool)
	}
	if !sent["good@example.com"] || len(sent) != 7 {
		t.Errorf("results: got %v, want good@example.com sent and all 7 addresses reported", sent)
	}
	for a, ok := range sent {
		if a != "good@example.com" && ok {
			t.Errorf("%s: reported sent, but its mail server never answered", a)
		}
	}
}
