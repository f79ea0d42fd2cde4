package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestNumbersAsStrings (each link listing adds one link of 7 openings first, so counts grow): every integer of every request (filters, page sizes, counts, byte sizes) may
// come as a string of digits, as Pangea's SDKs send typed filters; anything else is still refused.
func TestNumbersAsStrings(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e, f := startSeeded(t, kind)
		for _, tc := range []struct {
			name, path, body string
			wantCount        int // -1: only the status matters
		}{
			{"object size filter", "/v1/list", `{"filter":{"size":"5"}}`, 1},
			{"object size range", "/v1/list", `{"filter":{"size__gt":"5","size__lte":"11"}}`, 1},
			{"page size", "/v1/list", `{"size":"1"}`, 4},
			{"link access_count__gt", "/v1/share/link/list", `{"filter":{"access_count__gt":"3"}}`, 0},
			{"link max_access_count", "/v1/share/link/list", `{"filter":{"max_access_count":"7","access_count__lte":"0"}}`, 2},
			{"link page size", "/v1/share/link/list", `{"size":"1","filter":{"max_access_count__gte":"1"}}`, 3},
			{"max_access_count on create", "/v1/share/link/create", fmt.Sprintf(`{"links":[{"targets":[%q],"max_access_count":"3","authenticators":[{"auth_type":"email_otp","auth_context":"a@example.com"}]}]}`, f.a.ID), -1},
		} {
			t.Run(tc.name, func(t *testing.T) {
				if tc.path == "/v1/share/link/list" {
					limit := 7
					postRaw(t, e, "/v1/share/link/create", fmt.Sprintf(`{"links":[{"targets":[%q],"max_access_count":%d,"authenticators":[{"auth_type":"email_otp","auth_context":"a@example.com"}]}]}`, f.a.ID, limit))
				}
				r := postRaw(t, e, tc.path, tc.body)
				if r.HTTP != http.StatusOK || r.Status != "Success" {
					t.Fatalf("%s: got HTTP %d %s %v, want 200 Success", tc.body, r.HTTP, r.Status, r.errorsList())
				}
				if tc.wantCount >= 0 {
					if got, _ := r.Result["count"].(float64); int(got) != tc.wantCount {
						t.Errorf("%s: got count %v, want %d", tc.body, r.Result["count"], tc.wantCount)
					}
				}
			})
		}
		for _, tc := range []struct{ name, path, body, source string }{
			{"word in a filter", "/v1/list", `{"filter":{"size":"ten"}}`, "/filter/size"},
			{"fraction in a filter", "/v1/share/link/list", `{"filter":{"access_count__gt":"1.5"}}`, "/filter/access_count__gt"},
			{"empty string in a filter", "/v1/share/link/list", `{"filter":{"access_count":""}}`, "/filter/access_count"},
			{"word as page size", "/v1/list", `{"size":"many"}`, "/size"},
			{"spaces as page size", "/v1/list", `{"size":" 2"}`, "/size"},
			{"string below the minimum", "/v1/list", `{"size":"0"}`, "/size"},
			{"word as max_access_count", "/v1/share/link/create", fmt.Sprintf(`{"links":[{"targets":[%q],"max_access_count":"lots","authenticators":[{"auth_type":"email_otp","auth_context":"a@example.com"}]}]}`, f.a.ID), "/links/0/max_access_count"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				r := postRaw(t, e, tc.path, tc.body)
				if r.HTTP != http.StatusBadRequest || r.Status != "ValidationError" || !r.hasError("BadFormat", tc.source) {
					t.Errorf("%s: got HTTP %d %s %v, want 400 BadFormat at %s", tc.body, r.HTTP, r.Status, r.errorsList(), tc.source)
				}
			})
		}
		// A byte size over 32 bits is a valid size for put (files of 2 GiB and more).
		body, ct := multipartPut(t, map[string]any{"name": "s.bin", "size": "5000000000"}, "upload", []byte("x"))
		r := send(t, e, http.MethodPost, e.URL+"/v1/put", e.Token, ct, body)
		if r.HTTP != http.StatusBadRequest || !r.hasError("BadState", "/size") {
			t.Errorf("put with size 5000000000 and 1 byte: got HTTP %d %v, want BadState at /size (not a format error)", r.HTTP, r.errorsList())
		}
		body, ct = multipartPut(t, map[string]any{"name": "s.bin", "size": "1"}, "upload", []byte("x"))
		if r := send(t, e, http.MethodPost, e.URL+"/v1/put", e.Token, ct, body); r.HTTP != http.StatusOK {
			t.Errorf("put with size \"1\": got HTTP %d %s %v, want 200", r.HTTP, r.Status, r.errorsList())
		}
	})
}
