package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// The token endpoints (sharedesk extension) as an admin token and as an ordinary one: only admin
// tokens may list, create or revoke; what they create is never an admin token and its secret is in
// that one answer only; an admin token cannot be revoked through the API; duplicate names are refused
// at /name. Every exchange is checked against the OpenAPI document.
func TestTokenEndpoints(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := sharetest.Start(t, kind, sharetest.Options{NoSMTP: true})
		ctx := context.Background()
		plain, plainTok, err := e.Svc.CreateToken(ctx, "a script")
		if err != nil {
			t.Fatal(err)
		}
		countTokens := func() int {
			ts, err := e.Svc.Tokens(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return len(ts)
		}
		var created string // the secret made by "create"
		var createdID string
		none := ""
		sharetest.Run(t, e, []sharetest.Scenario{
			{Name: "list as admin", Path: "/v1/ext/tokens/list", Body: `{}`, WantStatus: http.StatusOK,
				WantContent:    []string{`"name":"test"`, `"admin":true`, `"name":"a script"`, `"admin":false`, `"fingerprint":"sha256:`},
				NotWantContent: []string{e.Token, plain, `"hash"`}},
			{Name: "list without a token", Path: "/v1/ext/tokens/list", Body: `{}`, Token: &none, WantStatus: http.StatusUnauthorized},
			{Name: "list as a plain token", Path: "/v1/ext/tokens/list", Body: `{}`, Token: &plain,
				WantStatus: http.StatusForbidden, WantContent: []string{`"status":"Forbidden"`, "admin tokens"},
				NotWantContent: []string{`"name":"test"`}},
			{Name: "create as a plain token", Path: "/v1/ext/tokens/create", Body: `{"name":"sneaky"}`, Token: &plain,
				WantStatus: http.StatusForbidden,
				After: func(t *testing.T, e *sharetest.Env, _ *http.Response, _ string) {
					if n := countTokens(); n != 2 {
						t.Errorf("a refused create left %d tokens, want 2", n)
					}
				}},
			{Name: "revoke as a plain token", Path: "/v1/ext/tokens/revoke", Body: `{"id":"` + plainTok.ID + `"}`, Token: &plain,
				WantStatus: http.StatusForbidden},
			{Name: "create", Path: "/v1/ext/tokens/create", Body: `{"name":"  reports  "}`, WantStatus: http.StatusOK,
				WantContent: []string{`"name":"reports"`, `"admin":false`, `"secret":"shd_`},
				After: func(t *testing.T, e *sharetest.Env, _ *http.Response, body string) {
					_, rest, _ := strings.Cut(body, `"secret":"`)
					created, _, _ = strings.Cut(rest, `"`)
					_, rest, _ = strings.Cut(body, `"id":"`)
					createdID, _, _ = strings.Cut(rest, `"`)
					if _, err := api.NewClient(e.URL, created).Buckets(ctx); err != nil {
						t.Errorf("the new token does not work: %v", err)
					}
					if strings.Contains(e.Logs.String(), created) {
						t.Error("the new token's secret is in the share server's log")
					}
				}},
			{Name: "the new token is not an admin token", Path: "/v1/ext/tokens/create", Body: `{"name":"escalate"}`,
				Token: &created, WantStatus: http.StatusForbidden},
			{Name: "duplicate name", Path: "/v1/ext/tokens/create", Body: `{"name":"reports"}`, WantStatus: http.StatusBadRequest,
				WantContent: []string{`"code":"BadState"`, `"source":"/name"`}},
			{Name: "the same name in other letter case", Path: "/v1/ext/tokens/create", Body: `{"name":"Reports"}`,
				WantStatus: http.StatusBadRequest, WantContent: []string{`"code":"BadState"`, `already named \"reports\"`}},
			{Name: "empty name", Path: "/v1/ext/tokens/create", Body: `{"name":"   "}`, WantStatus: http.StatusBadRequest,
				WantContent: []string{`"source":"/name"`}},
			{Name: "name like an id", Path: "/v1/ext/tokens/create", Body: `{"name":"ptk_abc"}`, WantStatus: http.StatusBadRequest,
				WantContent: []string{`"source":"/name"`}},
			{Name: "name too long", Path: "/v1/ext/tokens/create", Body: `{"name":"` + strings.Repeat("x", 101) + `"}`,
				WantStatus: http.StatusBadRequest, WantContent: []string{`"source":"/name"`}},
			{Name: "unknown field", Path: "/v1/ext/tokens/create", Body: `{"name":"x","admin":true}`, WantStatus: http.StatusBadRequest,
				WantContent: []string{`"source":"/admin"`}},
			{Name: "revoke an admin token", Path: "/v1/ext/tokens/revoke", WantStatus: http.StatusForbidden,
				Body: `{"id":"` + adminID(t, e) + `"}`,
				After: func(t *testing.T, e *sharetest.Env, _ *http.Response, _ string) {
					if _, err := e.Client.Buckets(ctx); err != nil {
						t.Errorf("the admin token stopped working: %v", err)
					}
				}},
			{Name: "revoke unknown", Path: "/v1/ext/tokens/revoke", Body: `{"id":"ptk_nosuchtoken"}`, WantStatus: http.StatusNotFound},
		})
		t.Run("revoke", func(t *testing.T) {
			res, err := e.Client.TokenRevoke(ctx, api.TokenRevokeRequest{ID: createdID})
			if err != nil || res.Token.RevokedAt == nil || res.Token.Name != "reports" {
				t.Fatalf("revoke: got %+v, %v; want reports, revoked", res, err)
			}
			if _, err := api.NewClient(e.URL, created).Buckets(ctx); !api.IsStatus(err, "Unauthorized") {
				t.Errorf("a revoked token still works: %v", err)
			}
			if _, err := e.Client.TokenRevoke(ctx, api.TokenRevokeRequest{ID: createdID}); !api.IsStatus(err, "NotFound") {
				t.Errorf("revoking twice: got %v, want NotFound", err)
			}
			// The name is free again once its token is revoked.
			if _, err := e.Client.TokenCreate(ctx, api.TokenCreateRequest{Name: "reports"}); err != nil {
				t.Errorf("a revoked token's name: %v", err)
			}
		})
	})
}

func adminID(t *testing.T, e *sharetest.Env) string {
	t.Helper()
	ts, err := e.Svc.Tokens(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, tok := range ts {
		if tok.Admin && tok.RevokedAt.IsZero() {
			return tok.ID
		}
	}
	t.Fatal("no admin token")
	return ""
}

// A token's last use is kept to the minute: recorded at its first use, not rewritten within the
// minute, rewritten after it.
func TestTokenLastUsed(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := sharetest.Start(t, kind, sharetest.Options{NoSMTP: true})
		ctx := context.Background()
		secret, tok, err := e.Svc.CreateToken(ctx, "cron")
		if err != nil {
			t.Fatal(err)
		}
		lastUsed := func() *time.Time {
			t.Helper()
			for _, x := range sharetest.Must(e.Client.Tokens(ctx))(t).Tokens {
				if x.ID == tok.ID {
					return x.LastUsedAt
				}
			}
			t.Fatal("token not listed")
			return nil
		}
		if got := lastUsed(); got != nil {
			t.Fatalf("before any use: last used %v, want none", got)
		}
		use := func() {
			t.Helper()
			if _, err := api.NewClient(e.URL, secret).Buckets(ctx); err != nil {
				t.Fatal(err)
			}
		}
		use()
		first := lastUsed()
		if first == nil || e.Clock.Now().Sub(*first) > time.Minute {
			t.Fatalf("after a use: last used %v, want about %v", first, e.Clock.Now())
		}
		e.Clock.Advance(30 * time.Second)
		use()
		if got := lastUsed(); got == nil || !got.Equal(*first) {
			t.Errorf("a use within the minute: last used %v, want it unchanged at %v", got, first)
		}
		e.Clock.Advance(2 * time.Minute)
		use()
		if got := lastUsed(); got == nil || got.Sub(*first) < 2*time.Minute {
			t.Errorf("a use minutes later: last used %v, want about %v", got, e.Clock.Now())
		}
	})
}
