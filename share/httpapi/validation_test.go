package httpapi_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/share/sharetest"
)

func TestAuthentication(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := sharetest.Start(t, kind, sharetest.Options{NoSMTP: true})
		revoked, tok, err := e.Svc.CreateToken(t.Context(), "to revoke")
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Svc.RevokeToken(t.Context(), tok.ID); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name, token string
			want        int
		}{
			{"no token", "", http.StatusUnauthorized},
			{"wrong token", "shd_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", http.StatusUnauthorized},
			{"malformed token", "not-a-token", http.StatusUnauthorized},
			{"revoked token", revoked, http.StatusUnauthorized},
			{"good token", e.Token, http.StatusOK},
		}
		for _, tt := range tests {
			r := postRaw(t, e, "/v1/buckets", `{}`, tt.token)
			if r.HTTP != tt.want {
				t.Errorf("%s: got HTTP %d (%s), want %d", tt.name, r.HTTP, r.Status, tt.want)
			}
			if tt.want == http.StatusUnauthorized && r.Status != "Unauthorized" {
				t.Errorf("%s: got status %q, want Unauthorized", tt.name, r.Status)
			}
			if r.Header.Get("X-Request-Id") != r.RequestID || !strings.HasPrefix(r.RequestID, "prq_") {
				t.Errorf("%s: x-request-id %q does not match request_id %q", tt.name, r.Header.Get("X-Request-Id"), r.RequestID)
			}
		}
	})
}

func TestValidationErrors(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := sharetest.Start(t, kind, sharetest.Options{NoSMTP: true, MaxJSON: 64 << 10})
		f := seed(t, e)
		link := func(extra string) string {
			return fmt.Sprintf(`{"links":[{"targets":[%q],"authenticators":[{"auth_type":"email_otp","auth_context":"a@example.com"}]%s}]}`, f.a.ID, extra)
		}
		tooMany := `{"links":[` + strings.TrimSuffix(strings.Repeat(`{"targets":["x"],"authenticators":[{"auth_type":"password","auth_context":"xxxxxxxx"}]},`, 101), ",") + `]}`
		manyTargets := `{"links":[{"targets":[` + strings.TrimSuffix(strings.Repeat(`"pos_x",`, 1001), ",") + `],"authenticators":[{"auth_type":"password","auth_context":"xxxxxxxx"}]}]}`
		manyAuths := link(`,"authenticators":[` + strings.TrimSuffix(strings.Repeat(`{"auth_type":"password","auth_context":"xxxxxxxx"},`, 11), ",") + `]`)
		tests := []struct {
			name, path, body string
			wantHTTP         int
			wantCode, source string
		}{
			{"malformed JSON", "/v1/share/link/create", `{"links": [`, 400, "BadFormat", ""},
			{"not an object", "/v1/share/link/list", `[1,2]`, 400, "BadFormat", ""},
			{"trailing data", "/v1/share/link/list", `{} {}`, 400, "BadFormat", ""},
			{"unknown property", "/v1/share/link/list", `{"colour":"blue"}`, 400, "UnexpectedProperty", "/colour"},
			{"unknown nested property", "/v1/share/link/create", link(`,"colour":"blue"`), 400, "UnexpectedProperty", "/links/0/colour"},
			{"wrong type string", "/v1/share/link/get", `{"id":5}`, 400, "InvalidString", "/id"},
			{"wrong type integer", "/v1/share/link/list", `{"size":"ten"}`, 400, "BadFormat", "/size"},
			{"fractional integer", "/v1/share/link/list", `{"size":1.5}`, 400, "BadFormat", "/size"},
			{"size below 1", "/v1/share/link/list", `{"size":0}`, 400, "BadFormat", "/size"},
			{"bad order", "/v1/share/link/list", `{"order":"sideways"}`, 400, "NotEnumMember", "/order"},
			{"bad order_by", "/v1/share/link/list", `{"order_by":"colour"}`, 400, "NotEnumMember", "/order_by"},
			{"unknown filter key", "/v1/share/link/list", `{"filter":{"colour":"blue"}}`, 400, "UnexpectedProperty", "/filter/colour"},
			{"unknown filter operator", "/v1/share/link/list", `{"filter":{"title__gt":"a"}}`, 400, "UnexpectedProperty", "/filter/title__gt"},
			{"bad filter value type", "/v1/share/link/list", `{"filter":{"access_count__gt":"many"}}`, 400, "BadFormat", "/filter/access_count__gt"},
			{"bad filter time", "/v1/share/link/list", `{"filter":{"created_at__gte":"yesterday"}}`, 400, "BadFormat", "/filter/created_at__gte"},
			{"filter in needs array", "/v1/share/link/list", `{"filter":{"link_type__in":"download"}}`, 400, "BadFormat", "/filter/link_type__in"},
			{"forged cursor", "/v1/share/link/list", `{"last":"eyJiIjoieCJ9.AAAAAAAAAAAAAAAAAAAAAA"}`, 400, "BadFormat", "/last"},
			{"garbage cursor", "/v1/share/link/list", `{"last":"hello"}`, 400, "BadFormat", "/last"},
			{"missing links", "/v1/share/link/create", `{}`, 400, "FieldRequired", "/links"},
			{"empty links", "/v1/share/link/create", `{"links":[]}`, 400, "BelowMinItems", "/links"},
			{"too many links", "/v1/share/link/create", tooMany, 400, "AboveMaxItems", "/links"},
			{"too many targets", "/v1/share/link/create", manyTargets, 400, "AboveMaxItems", "/links/0/targets"},
			{"too many authenticators", "/v1/share/link/create", manyAuths, 400, "AboveMaxItems", "/links/0/authenticators"},
			{"missing authenticators", "/v1/share/link/create", fmt.Sprintf(`{"links":[{"targets":[%q]}]}`, f.a.ID), 400, "FieldRequired", "/links/0/authenticators"},
			{"bad link_type", "/v1/share/link/create", link(`,"link_type":"stream"`), 400, "NotEnumMember", "/links/0/link_type"},
			{"social auth refused", "/v1/share/link/create", fmt.Sprintf(`{"links":[{"targets":[%q],"authenticators":[{"auth_type":"social","auth_context":"google"}]}]}`, f.a.ID), 400, "NotEnumMember", "/links/0/authenticators/0/auth_type"},
			{"title too long", "/v1/share/link/create", link(`,"title":"` + strings.Repeat("t", 257) + `"`), 400, "AboveMaxLength", "/links/0/title"},
			{"bad expires_at", "/v1/share/link/create", link(`,"expires_at":"next week"`), 400, "BadFormat", "/links/0/expires_at"},
			{"expires in the past", "/v1/share/link/create", link(`,"expires_at":"2001-01-01T00:00:00Z"`), 400, "BadState", "/links/0/expires_at"},
			{"expires past maximum", "/v1/share/link/create", link(`,"expires_at":"2999-01-01T00:00:00Z"`), 400, "BadState", "/links/0/expires_at"},
			{"max_access_count zero", "/v1/share/link/create", link(`,"max_access_count":0`), 400, "BadFormat", "/links/0/max_access_count"},
			{"max_access_count above limit", "/v1/share/link/create", link(`,"max_access_count":5000`), 400, "BadState", "/links/0/max_access_count"},
			{"target does not exist", "/v1/share/link/create", `{"links":[{"targets":["pos_nope"],"authenticators":[{"auth_type":"password","auth_context":"long enough"}]}]}`, 400, "DoesNotExist", "/links/0/targets/0"},
			{"upload link on a file", "/v1/share/link/create", link(`,"link_type":"upload"`), 400, "BadState", "/links/0/targets/0"},
			{"bad email", "/v1/share/link/create", fmt.Sprintf(`{"links":[{"targets":[%q],"authenticators":[{"auth_type":"email_otp","auth_context":"not-an-email"}]}]}`, f.a.ID), 400, "BadFormat", "/links/0/authenticators/0/auth_context"},
			{"bad phone", "/v1/share/link/create", fmt.Sprintf(`{"links":[{"targets":[%q],"authenticators":[{"auth_type":"sms_otp","auth_context":"555-1234"}]}]}`, f.a.ID), 400, "BadFormat", "/links/0/authenticators/0/auth_context"},
			{"short password", "/v1/share/link/create", fmt.Sprintf(`{"links":[{"targets":[%q],"authenticators":[{"auth_type":"password","auth_context":"short"}]}]}`, f.a.ID), 400, "BelowMinLength", "/links/0/authenticators/0/auth_context"},
			{"bad bucket length", "/v1/share/link/list", `{"bucket_id":"pro_short"}`, 400, "BelowMinLength", "/bucket_id"},
			{"unknown bucket", "/v1/share/link/list", `{"bucket_id":"pro_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}`, 400, "DoesNotExist", "/bucket_id"},
			{"delete needs ids", "/v1/share/link/delete", `{"ids":[]}`, 400, "BelowMinItems", "/ids"},
			{"send needs sender", "/v1/share/link/send", `{"links":[{"id":"psl_x","email":"a@example.com"}]}`, 400, "FieldRequired", "/sender_email"},
			{"send bad recipient", "/v1/share/link/send", `{"links":[{"id":"psl_x","email":"nope"}],"sender_email":"me@example.com"}`, 400, "BadFormat", "/links/0/email"},
			{"oversize body", "/v1/share/link/list", `{"filter":{"title":"` + strings.Repeat("x", 70<<10) + `"}}`, 400, "AboveMaxLength", ""},
			{"list bad object filter", "/v1/list", `{"filter":{"owner":"me"}}`, 400, "UnexpectedProperty", "/filter/owner"},
			{"update bad name", "/v1/update", fmt.Sprintf(`{"id":%q,"name":"a/b"}`, f.a.ID), 400, "BadFormat", "/name"},
			{"folder needs a name", "/v1/folder/create", `{}`, 400, "MustProvideOne", "/name"},
			{"archive bad format", "/v1/get_archive", fmt.Sprintf(`{"ids":[%q],"format":"rar"}`, f.a.ID), 400, "NotEnumMember", "/format"},
			{"NUL in a filter value", "/v1/share/link/list", `{"filter":{"title":"a\u0000b"}}`, 400, "InvalidString", "/filter/title"},
			{"NUL in a name", "/v1/folder/create", `{"name":"a\u0000b"}`, 400, "InvalidString", "/name"},
			{"link filter contains refused", "/v1/share/link/list", `{"filter":{"link__contains":["abc"]}}`, 400, "UnexpectedProperty", "/filter/link__contains"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := postRaw(t, e, tt.path, tt.body)
				if r.HTTP != tt.wantHTTP || r.Status != "ValidationError" {
					t.Fatalf("got HTTP %d %s (%s), want %d ValidationError", r.HTTP, r.Status, r.Summary, tt.wantHTTP)
				}
				if !r.hasError(tt.wantCode, tt.source) {
					t.Errorf("errors %v: want code %s at %q", r.errorsList(), tt.wantCode, tt.source)
				}
			})
		}
		// A failed batch writes nothing.
		r := postRaw(t, e, "/v1/share/link/create", fmt.Sprintf(`{"links":[
			{"targets":[%q],"authenticators":[{"auth_type":"password","auth_context":"long enough"}]},
			{"targets":["pos_missing"],"authenticators":[{"auth_type":"password","auth_context":"long enough"}]}]}`, f.a.ID))
		if r.HTTP != 400 {
			t.Fatalf("half-bad batch: got HTTP %d, want 400", r.HTTP)
		}
		if l := postRaw(t, e, "/v1/share/link/list", `{}`); l.Result["count"] != float64(0) {
			t.Errorf("after a refused batch: got count %v, want 0", l.Result["count"])
		}
	})
}

func TestMethodAndPath(t *testing.T) {
	e := sharetest.Start(t, "sqlite", sharetest.Options{NoSMTP: true})
	tests := []struct {
		method, path string
		want         int
	}{
		{http.MethodGet, "/v1/share/link/list", http.StatusMethodNotAllowed},
		{http.MethodPost, "/v1/share/link/nope", http.StatusNotFound},
		{http.MethodGet, "/healthz", http.StatusOK},
		{http.MethodGet, "/readyz", http.StatusOK},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, e.URL+tt.path, nil)
		resp, err := e.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tt.want {
			t.Errorf("%s %s: got %d, want %d", tt.method, tt.path, resp.StatusCode, tt.want)
		}
	}
	// /v1beta answers like /v1.
	if r := postRaw(t, e, "/v1beta/buckets", `{}`); r.Status != "Success" {
		t.Errorf("/v1beta/buckets: got %s, want Success", r.Status)
	}
}
