package httpapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// A database that holds every request (a table locked by someone else, a writer that never
// commits) makes the API answer 503 ServiceNotAvailable, which Pangea's SDKs retry, within the
// query deadline (PostgreSQL) or the busy timeout (SQLite), never a 500 or an endless wait.
func TestFrozenDatabaseAnswers503(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := sharetest.Start(t, kind, sharetest.Options{NoSMTP: true})
		ctx := context.Background()
		tx, err := e.Store.SQL().BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		path, body, limit := "/v1/folder/create", `{"name":"Blocked"}`, 12*time.Second // SQLite: the write lock, 10 s busy timeout
		if kind == "postgres" {
			if _, err := tx.Exec("LOCK TABLE objects IN ACCESS EXCLUSIVE MODE"); err != nil {
				t.Fatal(err)
			}
			path, body, limit = "/v1/list", `{}`, 7*time.Second // 5 s statement deadline
		}
		start := time.Now()
		r := postRaw(t, e, path, body)
		took := time.Since(start)
		if r.HTTP != http.StatusServiceUnavailable || r.Status != share.CodeUnavailable {
			t.Errorf("%s: got %d %s (%s), want 503 %s", path, r.HTTP, r.Status, r.Summary, share.CodeUnavailable)
		}
		if r.Header.Get("Retry-After") == "" {
			t.Errorf("%s: no Retry-After header", path)
		}
		if took > limit {
			t.Errorf("%s: answered after %v, want within %v", path, took, limit)
		}
	})
}
