package httpapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/share/sharetest"
)

var fuzzPaths = []string{
	"/v1/share/link/create", "/v1/share/link/get", "/v1/share/link/list", "/v1/share/link/delete",
	"/v1/share/link/send", "/v1/buckets", "/v1/folder/create", "/v1/get", "/v1/list", "/v1/delete",
	"/v1/update", "/v1/get_archive", "/v1/put",
	"/v1/ext/link/events", "/v1/ext/link/revoked/list", "/v1/ext/link/revoked/get",
}

// FuzzRequest sends arbitrary bodies to every endpoint of a real server (SQLite and PostgreSQL) and
// requires an envelope that is never a 500 (nothing a client sends may crash the request) and that
// matches the OpenAPI document.
func FuzzRequest(f *testing.F) {
	seeds := []string{
		`{}`, `[]`, `null`, `{"links":[{"targets":["pos_x"],"authenticators":[{"auth_type":"password","auth_context":"12345678"}]}]}`,
		`{"filter":{"title__contains":["%_\\"]}}`, `{"filter":{"access_count__gt":99999999999999}}`,
		`{"filter":{"max_access_count":1e300}}`, `{"filter":{"created_at__gte":"0000-01-01T00:00:00Z"}}`,
		`{"filter":{"expires_at":"9999-12-31T23:59:59.999999999Z"}}`, `{"filter":{"tags":[1,2]}}`,
		`{"filter":{"title":"a\u0000b"}}`, `{"order_by":"target","order":"desc","size":2147483647}`,
		`{"size":-1}`, `{"size":99999999999}`, `{"last":"e30.AAAA"}`, `{"last":"....."}`,
		`{"search":["%_\\",""]}`, `{"search":"kim"}`, `{"order":"desc","last":"99999999999999999999"}`,
		`{"id":"psl_` + strings.Repeat("a", 32) + `"}`, `{"ids":["a","a","a"]}`,
		`{"links":[{"id":"psl_x","email":"a@b.c"}],"sender_email":"x@y.z"}`, `{"name":"..","folder":"/../.."}`,
		`{"folder":"////"}`, `{"id":"pos_x","name":"ok","parent_id":"pos_x"}`, `{"ids":["pos_x"],"transfer_method":"multipart"}`,
		`{"id":"pos_x","transfer_method":"source-url"}`, "{\"name\":\"\xff\xfe\"}", `{"metadata":{"k":1}}`, `{"a":` + strings.Repeat("[", 5000),
		`{"transfer_method":"put-url","name":"f.bin","size":"3","file_ttl":"1d"}`, // lands on /v1/put: a 202 Accepted
	}
	for i, s := range seeds {
		for j := range fuzzPaths {
			if (i+j)%3 == 0 || i < 4 {
				f.Add(uint8(j), s)
			}
		}
	}
	envs := map[string]*sharetest.Env{}
	for _, kind := range sharetest.Kinds {
		envs[kind] = sharetest.Start(f, kind, sharetest.Options{NoSMTP: true})
	}
	f.Fuzz(func(t *testing.T, which uint8, body string) {
		path := fuzzPaths[int(which)%len(fuzzPaths)]
		for kind, e := range envs {
			req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+e.Token)
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			watchdog := time.AfterFunc(5*time.Second, func() {
				panic(fmt.Sprintf("%s %s %q: no answer within 5s", kind, path, body))
			})
			e.Server.Config.Handler.ServeHTTP(rec, req)
			watchdog.Stop()
			if rec.Code >= 500 {
				t.Fatalf("%s %s %q: got HTTP %d: %s", kind, path, body, rec.Code, rec.Body.String())
			}
			if !strings.Contains(rec.Body.String(), `"request_id":"prq_`) {
				t.Fatalf("%s %s %q: reply is not an envelope: %s", kind, path, body, rec.Body.String())
			}
			// The reply must match the OpenAPI document, and a body the document refuses must be refused.
			sent := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
			sent.Header = req.Header.Clone()
			if err := e.APIDoc.CheckExchange(sent, rec.Code, rec.Header(), rec.Body.Bytes()); err != nil {
				t.Fatalf("%s %s %q: %v", kind, path, body, err)
			}
		}
	})
}
