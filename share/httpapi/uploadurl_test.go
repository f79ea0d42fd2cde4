package httpapi_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
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

// uploadBytes is the file the upload URL tests send: over 1 MiB, so it is more than one read.
func uploadBytes() []byte { return bytes.Repeat([]byte("upload url bytes\n"), 70000) }

// envelopeStatus is a Scenario.WantJSON for the envelope's status.
func envelopeStatus(s string) map[string]any { return map[string]any{"/status": s} }

// uploading is s sent to an upload URL the way Pangea's SDKs do: PUT with the raw body for put-url,
// POST multipart with the form fields and a "file" part for post-url. No bearer token. e.HTTP checks
// both exchanges against the OpenAPI document.
func uploading(e *sharetest.Env, method, url string, data []byte, s sharetest.Scenario) sharetest.Scenario {
	none := ""
	s.Path, s.Token = strings.TrimPrefix(url, e.URL), &none
	if method == "put-url" {
		s.Method, s.Body = http.MethodPut, string(data)
		s.Header = map[string]string{"Content-Type": "application/octet-stream"}
		return s
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("key", "ignored form field")
	fw, _ := mw.CreateFormFile("file", "file")
	fw.Write(data)
	mw.Close()
	s.Method, s.Body = http.MethodPost, buf.String()
	s.Header = map[string]string{"Content-Type": mw.FormDataContentType()}
	return s
}

// polling is s sent where an upload's stage is reported (location in the 202 answer).
func polling(e *sharetest.Env, location string, s sharetest.Scenario) sharetest.Scenario {
	s.Method, s.Path = http.MethodGet, strings.TrimPrefix(location, e.URL)
	return s
}

// listedTimes checks that as many objects are named name as n: none before their bytes arrive.
func listedTimes(name string, n int) func(*testing.T, *sharetest.Env, *http.Response, string) {
	return func(t *testing.T, e *sharetest.Env, _ *http.Response, _ string) {
		r := postRaw(t, e, "/v1/list", fmt.Sprintf(`{"filter":{"name":%q}}`, name))
		if got, _ := r.Result["count"].(float64); int(got) != n {
			t.Errorf("objects named %s listed: got %v, want %d", name, got, n)
		}
	}
}

// TestUploadURLs: put with transfer_method put-url or post-url answers 202 with a signed, single-use,
// short-lived upload URL bound to the object it creates; the object appears only when the bytes have
// arrived and match the size and digests given; /request/{id} reports each stage as an envelope.
func TestUploadURLs(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e, f := startSeeded(t, kind)
		data := uploadBytes()
		sha, crc := sums(data)
		for _, method := range []string{"put-url", "post-url"} {
			t.Run(method, func(t *testing.T) {
				name, other := method+".bin", map[string]string{"put-url": "post-url", "post-url": "put-url"}[method]
				var up, loc, objectID string
				sharetest.Run(t, e, []sharetest.Scenario{{
					Name: "asking answers 202 with an upload URL and where to poll", Path: "/v1/put",
					Body: fmt.Sprintf(`{"transfer_method":%q,"name":%q,"parent_id":%q,"size":%d,"sha256":%q,"crc32c":%q}`,
						method, name, f.docs.ID, len(data), sha, crc),
					WantStatus: http.StatusAccepted, WantJSON: envelopeStatus("Accepted"),
					After: func(t *testing.T, e *sharetest.Env, _ *http.Response, body string) {
						up, loc = acceptedUpload(t, e, method, body)
					},
				}})
				sharetest.Run(t, e, []sharetest.Scenario{
					polling(e, loc, sharetest.Scenario{Name: "polling before the bytes arrive answers 202, nothing listed",
						WantStatus: http.StatusAccepted, WantJSON: envelopeStatus("Accepted"), After: listedTimes(name, 0)}),
					uploading(e, other, up, data, sharetest.Scenario{Name: "uploading the other way is refused",
						WantStatus: http.StatusBadRequest, WantJSON: envelopeStatus("ShareBadTransferMethod")}),
					uploading(e, method, up+"x", data, sharetest.Scenario{Name: "a tampered URL is not found",
						WantStatus: http.StatusNotFound}),
					uploading(e, method, up, data, sharetest.Scenario{Name: "uploading creates the object asked for",
						WantStatus: http.StatusOK, WantJSON: map[string]any{"/result/object/name": name,
							"/result/object/sha256": sha, "/result/object/parent_id": f.docs.ID},
						After: func(t *testing.T, _ *sharetest.Env, _ *http.Response, body string) {
							objectID = jsonAt(t, body, "/result/object/id")
						}}),
					polling(e, loc, sharetest.Scenario{Name: "polling after the upload answers the object, listed once",
						WantStatus: http.StatusOK, WantJSON: envelopeStatus("Success"),
						After: func(t *testing.T, e *sharetest.Env, res *http.Response, body string) {
							if got := jsonAt(t, body, "/result/object/id"); got != objectID {
								t.Errorf("polled object %q, want the uploaded %q", got, objectID)
							}
							listedTimes(name, 1)(t, e, res, body)
						}}),
					uploading(e, method, up, data, sharetest.Scenario{Name: "the URL cannot be used twice",
						WantStatus: http.StatusNotFound}),
				})
			})
		}
	})
}

// TestUploadURLRefusals: bytes that do not match the size or digests asked for are refused, reported
// where the SDKs poll and leave no object; a put that cannot succeed is refused before any URL is made.
func TestUploadURLRefusals(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e, f := startSeeded(t, kind)
		data := uploadBytes()
		for _, method := range []string{"put-url", "post-url"} {
			for _, tc := range []struct{ name, fields, source string }{
				{"size", fmt.Sprintf(`"size":%d`, len(data)+1), "/size"},
				{"sha256", fmt.Sprintf(`"sha256":%q`, strings.Repeat("0", 64)), "/sha256"},
				{"crc32c", `"crc32c":"00000000"`, "/crc32c"},
			} {
				t.Run(method+" refuses bytes of the wrong "+tc.name, func(t *testing.T) {
					name := method + "-bad-" + tc.name
					r := postRaw(t, e, "/v1/put", fmt.Sprintf(`{"transfer_method":%q,"name":%q,%s}`, method, name, tc.fields))
					up, _ := r.Result[strings.Replace(method, "-", "_", 1)].(string)
					badState := []sharetest.FieldError{{Code: "BadState", Source: tc.source}}
					sharetest.Run(t, e, []sharetest.Scenario{
						uploading(e, method, up, data, sharetest.Scenario{Name: "the upload is refused, no object left",
							WantStatus: http.StatusBadRequest, WantErrors: badState, After: listedTimes(name, 0)}),
						polling(e, e.URL+"/request/"+r.RequestID, sharetest.Scenario{Name: "polling reports the refusal",
							WantStatus: http.StatusBadRequest, WantErrors: badState}),
						uploading(e, method, up, data, sharetest.Scenario{Name: "the URL is spent",
							WantStatus: http.StatusNotFound}),
					})
				})
			}
		}
		t.Run("checks before the URL", func(t *testing.T) {
			refused := func(name, body string, wantHTTP int, want string) sharetest.Scenario {
				return sharetest.Scenario{Name: name, Path: "/v1/put", Body: body, WantStatus: wantHTTP, WantJSON: envelopeStatus(want)}
			}
			sharetest.Run(t, e, []sharetest.Scenario{
				refused("a taken name", `{"transfer_method":"put-url","name":"a.txt","parent_id":"`+f.docs.ID+`"}`,
					http.StatusConflict, "SharePutObjectExists"),
				refused("an unknown parent", `{"transfer_method":"put-url","name":"x","parent_id":"pos_nope"}`,
					http.StatusBadRequest, "ShareParentIDDoesNotExist"),
				refused("no name", `{"transfer_method":"put-url"}`, http.StatusBadRequest, "ValidationError"),
				refused("source-url is not offered",
					`{"transfer_method":"source-url","name":"x","source_url":"http://169.254.169.254/"}`,
					http.StatusBadRequest, "ShareBadTransferMethod"),
				refused("multipart without the file", `{"transfer_method":"multipart","name":"x"}`,
					http.StatusBadRequest, "ShareMissingPayload"),
				refused("dest-url is not offered", `{"transfer_method":"dest-url","name":"x"}`,
					http.StatusBadRequest, "ShareBadTransferMethod"),
			})
		})
	})
}

// TestUploadURLExpiry: an upload URL is short-lived; once expired, neither it nor its poll finds anything.
func TestUploadURLExpiry(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e, _ := startSeeded(t, kind)
		data := uploadBytes()
		r := postRaw(t, e, "/v1/put", `{"transfer_method":"put-url","name":"late.bin"}`)
		up, _ := r.Result["put_url"].(string)
		sharetest.Run(t, e, []sharetest.Scenario{
			uploading(e, "put-url", up, data, sharetest.Scenario{Name: "an upload URL expires after 15 minutes",
				Before:     func(_ *testing.T, e *sharetest.Env) { e.Clock.Advance(16 * time.Minute) },
				WantStatus: http.StatusNotFound}),
			polling(e, e.URL+"/request/"+r.RequestID, sharetest.Scenario{Name: "polling an expired upload finds nothing",
				WantStatus: http.StatusNotFound, WantJSON: envelopeStatus("NotFound")}),
		})
	})
}

// acceptedUpload reads the upload URL and the place to poll from put's 202 answer to method, and
// checks they are this server's and that post-url gives the form fields the SDKs send.
func acceptedUpload(t *testing.T, e *sharetest.Env, method, body string) (up, loc string) {
	t.Helper()
	urlField := strings.Replace(method, "-", "_", 1)
	up, loc = jsonAt(t, body, "/result/"+urlField), jsonAt(t, body, "/result/location")
	if !strings.HasPrefix(up, e.URL+"/v1/upload/") || loc != e.URL+"/request/"+jsonAt(t, body, "/request_id") {
		t.Errorf("accepted result: got %s, want %s and location /request/{request_id}", body, urlField)
	}
	if method == "post-url" && !strings.Contains(body, `"post_form_data":{`) {
		t.Errorf("post-url: no post_form_data (the SDKs need the object): %s", body)
	}
	return up, loc
}

// jsonAt is the string at ptr (a JSON Pointer) in the JSON body, "" where there is none.
func jsonAt(t *testing.T, body, ptr string) string {
	t.Helper()
	var doc any
	if err := json.Unmarshal([]byte(body), &doc); err != nil {
		t.Fatalf("not JSON: %v: %.300s", err, body)
	}
	v, _ := sharetest.Pointer(doc, ptr)
	s, _ := v.(string)
	return s
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
