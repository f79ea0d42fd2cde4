package auth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/gorilla/sessions"

	"github.com/sharedesk/sharedesk/consoledb"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// openConsoleDB opens empty console tables of the given kind, closed when the test ends.
func openConsoleDB(t *testing.T, kind string) *consoledb.DB {
	t.Helper()
	path, dsn := filepath.Join(t.TempDir(), "console.db"), ""
	if kind == "postgres" {
		dsn = sharetest.PostgresSchemaURL(t)
	}
	db, err := consoledb.Open(context.Background(), path, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestEndedSessionStaysEnded: a request that loaded its session before the session was ended (by
// an admin, or by signing out in another tab) and saves it afterwards must not bring it back.
func TestEndedSessionStaysEnded(t *testing.T) {
	for _, kind := range sharetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			db := openConsoleDB(t, kind)
			store := NewDBStore(db, true, nil)
			ctx := context.Background()

			opts := store.options
			// signIn creates a session the way sign-in does and returns its cookie.
			signIn := func() *http.Cookie {
				sess := sessions.NewSession(store, "sd")
				o := opts
				sess.Options = &o
				sess.Values[keySubject], sess.Values[keyRole] = "u-sam", RoleSharer
				rec := httptest.NewRecorder()
				if err := store.create(httptest.NewRequest(http.MethodGet, "/", nil), rec, sess); err != nil {
					t.Fatal(err)
				}
				return rec.Result().Cookies()[0]
			}
			for _, end := range []struct {
				name string
				do   func(idHash string) error
			}{
				{"admin ends it", func(idHash string) error { return store.EndSessionByHash(ctx, idHash) }},
				{"signed out in another tab", func(idHash string) error { return db.DeleteSession(ctx, idHash) }},
				{"purged as idle", func(string) error { return db.PurgeSessions(ctx, time.Now().Add(time.Hour).UnixMicro(), 0) }},
			} {
				cookie := signIn()
				idHash := hashID(cookie.Value)
				// A request in flight has loaded the session...
				req := httptest.NewRequest(http.MethodGet, "/links", nil)
				req.AddCookie(cookie)
				inFlight, err := store.New(req, "sd")
				if err != nil || inFlight.IsNew {
					t.Fatalf("%s: load the live session: new=%v err=%v", end.name, inFlight.IsNew, err)
				}
				// ...the session ends...
				if err := end.do(idHash); err != nil {
					t.Fatal(err)
				}
				// ...and the request saves a flash afterwards.
				inFlight.AddFlash("done")
				w := httptest.NewRecorder()
				if err := store.Save(req, w, inFlight); err != nil {
					t.Errorf("%s: save after the end: %v", end.name, err)
				}
				if _, err := db.Session(ctx, idHash); !errors.Is(err, consoledb.ErrNotFound) {
					t.Errorf("%s: after a save, the ended session's row: err=%v, want ErrNotFound (it came back)", end.name, err)
				}
				for _, c := range w.Result().Cookies() {
					if c.Value != "" {
						t.Errorf("%s: the save set a live cookie %s for an ended session", end.name, c.Name)
					}
				}
				// The same browser is signed out from then on.
				if again, _ := store.New(req, "sd"); !again.IsNew {
					t.Errorf("%s: the ended session still loads", end.name)
				}
			}

			// A session nobody signed in to is never stored.
			anon := sessions.NewSession(store, "sd")
			anon.Options = &opts
			anon.AddFlash("x")
			if err := store.Save(httptest.NewRequest(http.MethodGet, "/", nil), httptest.NewRecorder(), anon); err != nil {
				t.Fatal(err)
			}
			if rows, _ := db.Sessions(ctx, 0, 0); len(rows) != 0 {
				t.Errorf("saving an anonymous session stored %d rows, want 0", len(rows))
			}
		})
	}
}
