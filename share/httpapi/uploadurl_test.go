package httpapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/share/sharetest"
)

func sums(data []byte) (sha string, crc string) {
	s := sha256.Sum256(data)
	return hex.EncodeToString(s[:]), fmt.Sprintf("%08x", crc32.Checksum(data, crc32.MakeTable(crc32.Castagnoli)))
}

// uploadTo sends data to an upload URL the way Pangea's SDKs do: PUT with the raw body for put-url,
// POST multipart with the form fields and a "file" part for post-url. No bearer token. e.HTTP checks
// both exchanges against the OpenAPI document.
func uploadTo(t *testing.T, e *sharetest.Env, method, url string, data []byte) reply {
	t.Helper()
	if method == "put-url" {
		return send(t, e, http.MethodPut, url, "", "application/octet-stream", data)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("key", "ignored form field")
	fw, _ := mw.CreateFormFile("file", "file")
	fw.Write(data)
	mw.Close()
	return send(t, e, http.MethodPost, url, "", mw.FormDataContentType(), buf.Bytes())
}

func get(t *testing.T, e *sharetest.Env, url, token string) reply {
	t.Helper()
	return send(t, e, http.MethodGet, url, token, "", nil)
}

// TestUploadURLs: put with transfer_method put-url or post-url answers 202 with a signed, single-use,
// short-lived upload URL bound to the object it creates; the object appears only when the bytes have
// arrived and match the size and digests given; /request/{id} reports each stage as an envelope.
func TestUploadURLs(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e, f := startSeeded(t, kind)
		data := bytes.Repeat([]byte("upload url bytes\n"), 70000) // over 1 MiB
		sha, crc := sums(data)
		listed := func(name string) int {
			r := postRaw(t, e, "/v1/list", fmt.Sprintf(`{"filter":{"name":%q}}`, name))
			n, _ := r.Result["count"].(float64)
			return int(n)
		}
		for _, method := range []string{"put-url", "post-url"} {
			urlField := strings.Replace(method, "-", "_", 1)
			t.Run(method, func(t *testing.T) {
				name := method + ".bin"
				r := postRaw(t, e, "/v1/put", fmt.Sprintf(`{"transfer_method":%q,"name":%q,"parent_id":%q,"size":%d,"sha256":%q,"crc32c":%q}`, method, name, f.docs.ID, len(data), sha, crc))
				if r.HTTP != http.StatusAccepted || r.Status != "Accepted" {
					t.Fatalf("request URL: got HTTP %d %s %v, want 202 Accepted", r.HTTP, r.Status, r.errorsList())
				}
				up, _ := r.Result[urlField].(string)
				loc, _ := r.Result["location"].(string)
				if !strings.HasPrefix(up, e.URL+"/v1/upload/") || loc != e.URL+"/request/"+r.RequestID {
					t.Fatalf("accepted result: got %v, want %s and location /request/%s", r.Result, urlField, r.RequestID)
				}
				if method == "post-url" && r.Result["post_form_data"] == nil {
					t.Errorf("post-url: no post_form_data (the SDKs need the object): %v", r.Result)
				}
				if p := get(t, e, loc, e.Token); p.HTTP != http.StatusAccepted || p.Status != "Accepted" {
					t.Errorf("poll before upload: got HTTP %d %s, want 202 Accepted", p.HTTP, p.Status)
				}
				if n := listed(name); n != 0 {
					t.Errorf("object listed before its bytes arrived: %d", n)
				}
				other := map[string]string{"put-url": "post-url", "post-url": "put-url"}[method]
				if w := uploadTo(t, e, other, up, data); w.HTTP != http.StatusBadRequest || w.Status != "ShareBadTransferMethod" {
					t.Errorf("upload with the other method: got HTTP %d %s, want 400 ShareBadTransferMethod", w.HTTP, w.Status)
				}
				if w := uploadTo(t, e, method, up+"x", data); w.HTTP != http.StatusNotFound {
					t.Errorf("tampered upload URL: got HTTP %d %s, want 404", w.HTTP, w.Status)
				}
				w := uploadTo(t, e, method, up, data)
				obj, _ := w.Result["object"].(map[string]any)
				if w.HTTP != http.StatusOK || obj["name"] != name || obj["sha256"] != sha || obj["parent_id"] != f.docs.ID {
					t.Fatalf("upload: got HTTP %d %s %v", w.HTTP, w.Status, w.Result)
				}
				p := get(t, e, loc, e.Token)
				pobj, _ := p.Result["object"].(map[string]any)
				if p.HTTP != http.StatusOK || p.Status != "Success" || pobj["id"] != obj["id"] {
					t.Errorf("poll after upload: got HTTP %d %s %v, want 200 with object %v", p.HTTP, p.Status, p.Result, obj["id"])
				}
				if n := listed(name); n != 1 {
					t.Errorf("object not listed after upload: %d", n)
				}
				if again := uploadTo(t, e, method, up, data); again.HTTP != http.StatusNotFound {
					t.Errorf("second use of the URL: got HTTP %d %s, want 404", again.HTTP, again.Status)
				}
			})
			t.Run(method+" refused bytes", func(t *testing.T) {
				for _, tc := range []struct{ name, fields, source string }{
					{"size", fmt.Sprintf(`"size":%d`, len(data)+1), "/size"},
					{"sha256", fmt.Sprintf(`"sha256":%q`, strings.Repeat("0", 64)), "/sha256"},
					{"crc32c", `"crc32c":"00000000"`, "/crc32c"},
				} {
					name := method + "-bad-" + tc.name
					r := postRaw(t, e, "/v1/put", fmt.Sprintf(`{"transfer_method":%q,"name":%q,%s}`, method, name, tc.fields))
					up, _ := r.Result[urlField].(string)
					if w := uploadTo(t, e, method, up, data); w.HTTP != http.StatusBadRequest || !w.hasError("BadState", tc.source) {
						t.Errorf("wrong %s: got HTTP %d %v, want 400 BadState at %s", tc.name, w.HTTP, w.errorsList(), tc.source)
					}
					if p := get(t, e, e.URL+"/request/"+r.RequestID, e.Token); p.HTTP != http.StatusBadRequest || !p.hasError("BadState", tc.source) {
						t.Errorf("poll after wrong %s: got HTTP %d %s %v, want 400 BadState", tc.name, p.HTTP, p.Status, p.errorsList())
					}
					if n := listed(name); n != 0 {
						t.Errorf("wrong %s: refused upload left an object", tc.name)
					}
					if w := uploadTo(t, e, method, up, data); w.HTTP != http.StatusNotFound {
						t.Errorf("wrong %s: the spent URL answered HTTP %d, want 404", tc.name, w.HTTP)
					}
				}
			})
		}
		t.Run("checks before the URL", func(t *testing.T) {
			for _, tc := range []struct{ body, status string }{
				{`{"transfer_method":"put-url","name":"a.txt","parent_id":"` + f.docs.ID + `"}`, "SharePutObjectExists"},
				{`{"transfer_method":"put-url","name":"x","parent_id":"pos_nope"}`, "ShareParentIDDoesNotExist"},
				{`{"transfer_method":"put-url"}`, "ValidationError"},
				{`{"transfer_method":"source-url","name":"x","source_url":"http://169.254.169.254/"}`, "ShareBadTransferMethod"},
				{`{"transfer_method":"multipart","name":"x"}`, "ShareMissingPayload"},
				{`{"transfer_method":"dest-url","name":"x"}`, "ShareBadTransferMethod"},
			} {
				if r := postRaw(t, e, "/v1/put", tc.body); r.Status != tc.status || r.HTTP < 400 {
					t.Errorf("%s: got HTTP %d %s, want %s", tc.body, r.HTTP, r.Status, tc.status)
				}
			}
		})
		t.Run("expiry", func(t *testing.T) {
			r := postRaw(t, e, "/v1/put", `{"transfer_method":"put-url","name":"late.bin"}`)
			up, _ := r.Result["put_url"].(string)
			e.Clock.Advance(16 * time.Minute)
			if w := uploadTo(t, e, "put-url", up, data); w.HTTP != http.StatusNotFound {
				t.Errorf("expired URL: got HTTP %d %s, want 404", w.HTTP, w.Status)
			}
			if p := get(t, e, e.URL+"/request/"+r.RequestID, e.Token); p.HTTP != http.StatusNotFound || p.Status != "NotFound" {
				t.Errorf("poll of an expired upload: got HTTP %d %s, want 404 NotFound", p.HTTP, p.Status)
			}
		})
	})
}

// TestRequestEndpointIsJSON: /request/{id}, where the SDKs poll, always answers an envelope.
func TestRequestEndpointIsJSON(t *testing.T) {
	e := sharetest.Start(t, "sqlite", sharetest.Options{NoSMTP: true})
	for _, tc := range []struct {
		name, method, path, token string
		want                      int
		status                    string
	}{
		{"unknown id", http.MethodGet, "/request/prq_unknown", e.Token, 404, "NotFound"},
		{"under /v1", http.MethodGet, "/v1/request/prq_unknown", e.Token, 404, "NotFound"},
		{"no token", http.MethodGet, "/request/prq_unknown", "", 401, "Unauthorized"},
		{"wrong token", http.MethodGet, "/request/prq_unknown", "shd_wrong", 401, "Unauthorized"},
		{"no id", http.MethodGet, "/request/", e.Token, 404, "NotFound"},
		{"nested path", http.MethodGet, "/request/a/b", e.Token, 404, "NotFound"},
		{"upload without token", http.MethodGet, "/v1/upload/x", "", 405, "MethodNotAllowed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := send(t, e, tc.method, e.URL+tc.path, tc.token, "", nil)
			if r.HTTP != tc.want || r.Status != tc.status || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
				t.Errorf("%s %s: got HTTP %d %s (%s), want %d %s as JSON", tc.method, tc.path, r.HTTP, r.Status, r.Header.Get("Content-Type"), tc.want, tc.status)
			}
		})
	}
}
