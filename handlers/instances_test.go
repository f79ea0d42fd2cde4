package handlers_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/applog"
	"github.com/sharedesk/sharedesk/auth"
	"github.com/sharedesk/sharedesk/consoledb"
	"github.com/sharedesk/sharedesk/handlers"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// roundRobin is a load balancer in front of several console instances: each request goes to the
// next one, so every step of a sign-in and every page lands on a different instance than the last.
type roundRobin struct {
	next     atomic.Int64
	backends []http.Handler
	served   []atomic.Int64
}

func (rr *roundRobin) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	i := int(rr.next.Add(1)) % len(rr.backends)
	rr.served[i].Add(1)
	rr.backends[i].ServeHTTP(w, r)
}

// startConsoles starts n console instances, each with its own connection pool to one PostgreSQL
// schema, behind one round-robin address.
func startConsoles(t *testing.T, n int) (*consoleEnv, *roundRobin) {
	t.Helper()
	sharetest.RequirePostgres(t)
	e := &consoleEnv{share: sharetest.Start(t, "postgres", sharetest.Options{}), logs: &sharetest.SyncBuffer{}, leaks: &sharetest.SyncBuffer{}}
	e.console = httptest.NewUnstartedServer(nil)
	e.url = "http://localhost:" + strings.Split(e.console.Listener.Addr().String(), ":")[1]
	issuer, _ := devProvider(t)(e)
	dsn := sharetest.PostgresSchemaURL(t)
	rr := &roundRobin{served: make([]atomic.Int64, n)}
	roles, _ := auth.ParseRoleMap("share-admins=admin,helpdesk=helpdesk,staff=sharer,auditors=viewer")
	for range n {
		db, err := consoledb.Open(context.Background(), "", dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		e.db = db
		log := applog.New(e.logs, slog.LevelDebug)
		a, err := auth.New(context.Background(), auth.Config{Issuer: issuer, ClientID: "console", ClientSecret: "console-secret",
			RedirectURL: e.url + "/auth/callback", RoleMap: roles, PostLogoutURL: e.url + "/signed-out", Secure: true}, db, log)
		if err != nil {
			t.Fatal(err)
		}
		c := handlers.New(api.NewClient(e.share.URL, e.share.Token), db, a, log, handlers.Options{Demo: true, Outbox: e.share.Store})
		rr.backends = append(rr.backends, c.Handler())
	}
	e.console.Config.Handler = rr
	e.console.Start()
	t.Cleanup(e.console.Close)
	return e, rr
}

// Two console instances on one database share sign-ins: the sign-in flow crosses them, every page
// works whichever instance serves it, and signing out on one ends the session on both.
func TestConsoleInstancesShareSessions(t *testing.T) {
	e, rr := startConsoles(t, 2)
	ada := e.signIn(t, "ada@example.com")
	for i := range 6 {
		if p := ada.get("/links"); p.status != http.StatusOK || !strings.HasPrefix(p.path, "/links") {
			t.Fatalf("page %d: got %d at %s, want /links", i, p.status, p.path)
		}
	}
	for i := range rr.served {
		if rr.served[i].Load() < 3 {
			t.Fatalf("instance %d served %d requests: the balancer did not spread them", i, rr.served[i].Load())
		}
	}
	if p := ada.post("/logout", nil); p.status != http.StatusOK || p.text(t, "page-heading") != "You are signed out" {
		t.Fatalf("sign out: got %d at %s headed %q", p.status, p.path, p.text(t, "page-heading"))
	}
	for i := range 2 { // one request per instance
		if p := ada.get("/links"); strings.HasPrefix(p.path, "/links") {
			t.Errorf("request %d after signing out: still signed in", i)
		}
	}
}
