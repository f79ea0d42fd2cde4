package httpapi_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"testing"

	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// multipartPut builds a /v1/put body in memory, so the request carries a Content-Length the way
// Pangea's SDKs and curl -F send it.
func multipartPut(t *testing.T, request map[string]any, filePart string, data []byte) ([]byte, string) {
	t.Helper()
	js, err := json.Marshal(request)
	if err != nil {
		t.Fatal(err)
	}
	return sharetest.JSONThenFile("request", js, filePart, "upload.bin", data)
}

// send makes one request with a known length (bytes.Reader) through e.HTTP, which checks it and its
// reply against the OpenAPI document, and decodes the envelope.
func send(t *testing.T, e *sharetest.Env, method, url, token, contentType string, body []byte) reply {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := e.HTTP.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := reply{HTTP: resp.StatusCode, Header: resp.Header}
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("%s %s: not an envelope (HTTP %d, %s): %.200s", method, url, resp.StatusCode, resp.Header.Get("Content-Type"), raw)
	}
	return r
}

// TestPutWithContentLength: the JSON limit applies to the request part only; a file of any size up to
// --max-upload-size passes when the client declares the body's length.
func TestPutWithContentLength(t *testing.T) {
	const maxUpload = 20 << 20
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := sharetest.Start(t, kind, sharetest.Options{NoSMTP: true, Config: func(c *share.Config) { c.MaxUploadSize = maxUpload }})
		for _, tc := range []struct {
			name     string
			size     int
			part     string
			wantHTTP int
			status   string
		}{
			{"empty", 0, "upload", 200, "Success"},
			{"just over the JSON limit", 1<<20 + 1, "file", 200, "Success"},
			{"at the upload limit", maxUpload, "upload", 200, "Success"},
			{"just over the upload limit", maxUpload + 1, "upload", 403, "ShareTooLarge"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				data := bytes.Repeat([]byte{'x'}, tc.size)
				body, ct := multipartPut(t, map[string]any{"name": tc.name + ".bin", "transfer_method": "multipart"}, tc.part, data)
				r := send(t, e, http.MethodPost, e.URL+"/v1/put", e.Token, ct, body)
				if r.HTTP != tc.wantHTTP || r.Status != tc.status {
					t.Fatalf("put %d bytes: got HTTP %d %s (%s), want %d %s", tc.size, r.HTTP, r.Status, r.Summary, tc.wantHTTP, tc.status)
				}
				if tc.status != "Success" {
					return
				}
				obj, _ := r.Result["object"].(map[string]any)
				sum := sha256.Sum256(data)
				if got, _ := obj["size"].(float64); int(got) != tc.size || obj["sha256"] != hex.EncodeToString(sum[:]) {
					t.Errorf("stored object: got size %v sha256 %v, want %d %x", obj["size"], obj["sha256"], tc.size, sum)
				}
			})
		}
		// The request part itself still has the JSON limit.
		big := map[string]any{"name": "m.bin", "metadata": map[string]string{}}
		for i := range 1200 {
			big["metadata"].(map[string]string)[string(rune('a'+i%26))+hex.EncodeToString([]byte{byte(i), byte(i >> 8)})] = string(bytes.Repeat([]byte{'v'}, 1000))
		}
		body, ct := multipartPut(t, big, "upload", []byte("x"))
		if r := send(t, e, http.MethodPost, e.URL+"/v1/put", e.Token, ct, body); r.HTTP != 400 || !r.hasError("AboveMaxLength", "") {
			t.Errorf("request part over 1 MiB: got HTTP %d %s %v, want 400 AboveMaxLength", r.HTTP, r.Status, r.errorsList())
		}
	})
}
