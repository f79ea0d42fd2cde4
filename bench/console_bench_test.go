package bench

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/applog"
	"github.com/sharedesk/sharedesk/auth"
	"github.com/sharedesk/sharedesk/consoledb"
	"github.com/sharedesk/sharedesk/devidp"
	"github.com/sharedesk/sharedesk/handlers"
)

// BenchmarkConsoleLinks measures the Links page (50 rows) over 1,000,000 links: the console's own
// work plus its share/link/list and object-name calls to the share server, as a signed-in admin sees it;
// and the dashboard, whose numbers are two estimated link counts and a bounded event count.
func BenchmarkConsoleLinks(b *testing.B) {
	for _, kind := range backends() {
		b.Run(kind, func(b *testing.B) { benchConsoleLinks(b, kind) })
	}
}

func benchConsoleLinks(b *testing.B, kind string) {
	client, consoleURL := startConsole(b, start(b, kind))
	pages := []struct{ name, query string }{
		{"console-dashboard", ""},
		{"console-links-nofilter", "size=50"},
		{"console-links-type+created", "size=50&type=editor&created_from=2026-03-01&created_to=2026-04-01"},
		{"console-links-title-search", "size=50&q=Globex+12"},
		{"console-links-person-search", "size=50&person=USER0042%40Ex"},
		{"console-links-person-phone", "size=50&person=%28555%29+004-2"},
		{"console-links-old-recipient-address", "size=50&recipient=user0042%40"},
		{"console-links-activity-downloaded", "size=50&activity=downloaded"},
		{"console-links-activity-never-opened", "size=50&activity=never_opened"},
		{"console-links-htmx-fragment-type-download", "size=50&type=download"},
		{"console-links-not-expired", "size=50&status=active"},
		{"console-links-expired", "size=50&status=expired"},
	}
	for _, pg := range pages {
		b.Run(pg.name, func(b *testing.B) {
			measure(b, 200, 40, func(int) {
				page, want := "/links?"+pg.query, "match"
				if pg.query == "" {
					page, want = "/dashboard", " expiring within 7 days"
				}
				req, _ := http.NewRequest(http.MethodGet, consoleURL+page, nil)
				if strings.Contains(pg.name, "htmx") {
					req.Header.Set("HX-Request", "true")
				}
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
					b.Fatalf("%s: %d %.300s", page, resp.StatusCode, body)
				}
			})
		})
	}
}

// startConsole starts a console in front of s, with a development identity provider, and returns a
// client signed in to it as an admin, and the console's address.
func startConsole(b *testing.B, s *server) (*http.Client, string) {
	ctx := context.Background()
	idp := httptest.NewUnstartedServer(nil)
	issuer := "http://" + idp.Listener.Addr().String()
	cs := httptest.NewUnstartedServer(nil)
	consoleURL := "http://localhost:" + strings.Split(cs.Listener.Addr().String(), ":")[1]
	p, err := devidp.New(issuer, []devidp.Client{{ID: "console", Secret: "s", RedirectURIs: []string{consoleURL + "/auth/callback"}}},
		[]devidp.User{{ID: "ada", Email: "ada@example.com", Name: "Ada", Groups: []string{"admins"}}})
	if err != nil {
		b.Fatal(err)
	}
	idp.Config.Handler = p
	idp.Start()
	b.Cleanup(idp.Close)
	db, err := consoledb.Open(ctx, filepath.Join(b.TempDir(), "console.db"), "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	log := applog.New(io.Discard, slog.LevelWarn)
	a, err := auth.New(ctx, auth.Config{Issuer: issuer, ClientID: "console", ClientSecret: "s", RedirectURL: consoleURL + "/auth/callback",
		RoleMap: map[string]string{"admins": auth.RoleAdmin}}, db, log)
	if err != nil {
		b.Fatal(err)
	}
	cs.Config.Handler = handlers.New(api.NewClient(s.url, s.token), db, a, log, handlers.Options{}).Handler()
	cs.Start()
	b.Cleanup(cs.Close)

	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	resp, err := client.Get(consoleURL + "/login")
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	resp, err = client.PostForm(issuer+"/login/username", url.Values{"id": {resp.Request.URL.Query().Get("authRequestID")}, "username": {"ada@example.com"}})
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	return client, consoleURL
}
