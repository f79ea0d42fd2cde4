package httpapi_test

import (
	"bytes"
	"io"
	"net/http"
	"testing"

	"github.com/sharedesk/sharedesk/share/httpapi"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestOpenAPIServed fetches the document without a token, as client generators do, and checks it is
// the one the tests validate against.
func TestOpenAPIServed(t *testing.T) {
	e := sharetest.Start(t, "sqlite", sharetest.Options{NoSMTP: true})
	tests := []struct {
		method, path string
		wantStatus   int
		wantBody     bool
	}{
		{http.MethodGet, "/v1/openapi.json", http.StatusOK, true},
		{http.MethodHead, "/v1/openapi.json", http.StatusOK, false},
		{http.MethodPost, "/v1/openapi.json", http.StatusNotFound, false},
		{http.MethodGet, "/v1beta/openapi.json", http.StatusNotFound, false},
	}
	for _, tt := range tests {
		req, _ := http.NewRequest(tt.method, e.URL+tt.path, nil)
		resp, err := e.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tt.wantStatus {
			t.Errorf("%s %s: got HTTP %d, want %d", tt.method, tt.path, resp.StatusCode, tt.wantStatus)
			continue
		}
		if !tt.wantBody {
			continue
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("%s %s: got Content-Type %q, want application/json", tt.method, tt.path, ct)
		}
		if !bytes.Equal(body, httpapi.OpenAPI()) {
			t.Errorf("%s %s: got %d bytes, want the embedded document (%d bytes)", tt.method, tt.path, len(body), len(httpapi.OpenAPI()))
		}
		if _, err := sharetest.LoadAPIDoc(body); err != nil {
			t.Errorf("%s %s: the served document does not load: %v", tt.method, tt.path, err)
		}
	}
}

// TestNullIsAbsent: the server takes null for an optional property as if it were absent and refuses
// it for a required one; the OpenAPI check (through postRaw) holds the document to the same.
func TestNullIsAbsent(t *testing.T) {
	e := sharetest.Start(t, "sqlite", sharetest.Options{NoSMTP: true})
	tests := []struct {
		path, body string
		wantHTTP   int
	}{
		{"/v1/folder/create", `{"name":"n","tags":null,"metadata":null,"parent_id":null}`, http.StatusOK},
		{"/v1/share/link/list", `{"filter":null,"size":null,"order":null,"last":null}`, http.StatusOK},
		{"/v1/list", `{"bucket_id":null,"order_by":null}`, http.StatusOK},
		{"/v1/share/link/get", `{"id":null}`, http.StatusBadRequest},
		{"/v1/share/link/delete", `{"ids":[null]}`, http.StatusBadRequest},
	}
	for _, tt := range tests {
		if r := postRaw(t, e, tt.path, tt.body); r.HTTP != tt.wantHTTP {
			t.Errorf("%s %s: got HTTP %d (%s), want %d", tt.path, tt.body, r.HTTP, r.Summary, tt.wantHTTP)
		}
	}
}
