package sharetest_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/sharedesk/sharedesk/share/httpapi"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// recorder collects what the validating transport reports.
type recorder struct {
	mu   sync.Mutex
	msgs []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}

const (
	reqID  = "prq_abcdefghijklmnopqrstuvwxyz234567"
	objID  = "pos_abcdefghijklmnopqrstuvwxyz234567"
	linkID = "psl_abcdefghijklmnopqrstuvwxyz234567"
	bucket = "pro_abcdefghijklmnopqrstuvwxyz234567"
)

func envelope(status, result string) string {
	return `{"request_id":"` + reqID + `","request_time":"2026-01-02T03:04:05Z","response_time":"2026-01-02T03:04:05.1Z","status":"` +
		status + `","summary":"s","result":` + result + `}`
}

const object = `{"id":"` + objID + `","name":"a.txt","type":"file","parent_id":"","folder":"/","size":5,"mimetype":"text/plain","created_at":"2026-01-02T03:04:05Z","updated_at":"2026-01-02T03:04:05Z"}`

func link(extra string) string {
	return `{"id":"` + linkID + `","bucket_id":"` + bucket + `","targets":["` + objID + `"],"link_type":"download","access_count":0,"max_access_count":10,` +
		`"created_at":"2026-01-02T03:04:05Z","expires_at":"2026-01-09T03:04:05Z","authenticators":[{"auth_type":"password","auth_context":"********"}],"link":"http://x/s/t"` + extra + `}`
}

// multipartReply is a get reply as the server writes it: the envelope, then the file.
func multipartReply(env string) (string, string) {
	// The file is longer than the part the validator reads.
	return jsonThenFile("json", env, "file", bytes.Repeat([]byte("x"), 3<<20))
}

// putBody is a put request: the JSON request part, then the file.
func putBody(request string) (string, string) {
	return jsonThenFile("request", request, "upload", []byte("hello"))
}

// jsonThenFile is a multipart body: a JSON part, then a file part called a.txt, and its content type.
func jsonThenFile(jsonField, json, fileField string, file []byte) (string, string) {
	body, contentType := sharetest.JSONThenFile(jsonField, []byte(json), fileField, "a.txt", file)
	return string(body), contentType
}

// uploadForm is a post-url upload as the SDKs send it: form fields, then the file part.
func uploadForm() (string, string) {
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("key", "a form field the server ignores")
	fw, _ := mw.CreateFormFile("file", "a.txt")
	fw.Write(bytes.Repeat([]byte("x"), 3<<20))
	mw.Close()
	return b.String(), mw.FormDataContentType()
}

// TestAPIDocRejects checks the check: a real HTTP server answers with hand-made replies, some of
// which the server under test must never send, and the validating transport must report exactly those.
func TestAPIDocRejects(t *testing.T) {
	doc, err := sharetest.LoadAPIDoc(httpapi.OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	getReply, getCT := multipartReply(envelope("Success", `{"object":`+object+`}`))
	badGetReply, badGetCT := multipartReply(envelope("Success", `{"object":`+strings.Replace(object, `"size":5`, `"size":"5"`, 1)+`}`))
	goodPut, goodPutCT := putBody(`{"transfer_method":"multipart","name":"a.txt"}`)
	putURLPut, putURLPutCT := putBody(`{"transfer_method":"put-url","name":"a.txt"}`)
	postUpload, postUploadCT := uploadForm()
	const putAccepted = `{"ttl_mins":15,"retry_counter":0,"location":"http://x/request/` + reqID + `","put_url":"http://x/v1/upload/t"}`
	const postAccepted = `{"ttl_mins":15,"retry_counter":0,"location":"http://x/request/` + reqID + `","post_url":"http://x/v1/upload/t","post_form_data":{}}`
	const sendBody = `{"links":[{"id":"` + linkID + `","email":"a@b.c"}],"sender_email":"s@b.c"}`
	badPut, badPutCT := putBody(`{"transfer_method":"multipart","name":"a.txt","colour":"blue"}`)
	badRequest := envelope("ValidationError", `{"errors":[{"code":"UnexpectedProperty","detail":"d","source":"/colour"}]}`)
	tests := []struct {
		name       string
		method     string
		path, body string
		reqCT      string
		status     int
		respCT     string
		reply      string
		noReqID    bool
		bearer     bool              // send a bearer token with a method other than POST
		header     map[string]string // reply headers besides Content-Type and X-Request-Id
		want       string            // "" when the exchange matches the document
	}{
		{name: "good link/get", path: "/v1/share/link/get", body: `{"id":"` + linkID + `"}`, status: 200,
			reply: envelope("Success", `{"share_link_object":`+link("")+`}`)},
		{name: "v1beta path", path: "/v1beta/share/link/get", body: `{"id":"` + linkID + `"}`, status: 200,
			reply: envelope("Success", `{"share_link_object":`+link("")+`}`)},
		{name: "wrong type of a response field", path: "/v1/share/link/get", body: `{"id":"x"}`, status: 200,
			reply: envelope("Success", `{"share_link_object":`+strings.Replace(link(""), `"access_count":0`, `"access_count":"0"`, 1)+`}`),
			want:  "access_count"},
		{name: "undocumented response field", path: "/v1/share/link/get", body: `{"id":"x"}`, status: 200,
			reply: envelope("Success", `{"share_link_object":`+link(`,"owner":"ann"`)+`}`), want: "owner"},
		{name: "missing required response field", path: "/v1/list", body: `{}`, status: 200,
			reply: envelope("Success", `{"objects":[]}`), want: "count"},
		{name: "bad enum in response", path: "/v1/share/link/get", body: `{"id":"x"}`, status: 200,
			reply: envelope("Success", `{"share_link_object":`+strings.Replace(link(""), `"download"`, `"stream"`, 1)+`}`), want: "link_type"},
		{name: "error status on a 200", path: "/v1/share/link/get", body: `{"id":"x"}`, status: 200,
			reply: envelope("NotFound", `{}`), want: "status"},
		{name: "Success on a 400", path: "/v1/share/link/get", body: `{"id":"x"}`, status: 400,
			reply: envelope("Success", `{}`), want: "status"},
		{name: "error code with the wrong HTTP status", path: "/v1/share/link/get", body: `{"id":"x"}`, status: 404,
			reply: envelope("ValidationError", `{}`), want: "status"},
		{name: "undocumented HTTP status", path: "/v1/share/link/get", body: `{"id":"x"}`, status: 418,
			reply: envelope("Teapot", `{}`), want: "status is not supported"},
		{name: "missing x-request-id", path: "/v1/buckets", body: `{}`, status: 200, noReqID: true,
			reply: envelope("Success", `{"buckets":[]}`), want: "X-Request-Id"},
		{name: "not JSON", path: "/v1/buckets", body: `{}`, status: 200, respCT: "text/html", reply: "<p>hi</p>", want: "text/html"},
		{name: "refused bad request", path: "/v1/share/link/list", body: `{"colour":"blue"}`, status: 400, reply: badRequest},
		{name: "accepted bad request", path: "/v1/share/link/list", body: `{"colour":"blue"}`, status: 200,
			reply: envelope("Success", `{"count":0,"share_link_objects":[]}`), want: "the request does not match"},
		{name: "accepted unknown filter", path: "/v1/share/link/list", body: `{"filter":{"link__contains":["x"]}}`, status: 200,
			reply: envelope("Success", `{"count":0,"share_link_objects":[]}`), want: "the request does not match"},
		{name: "numeric filter as a string", path: "/v1/share/link/list", body: `{"filter":{"access_count__gte":"2","created_at__lt":"2026-01-01T00:00:00Z","title__contains":"q","tags":["a"]}}`,
			status: 200, reply: envelope("Success", `{"count":0,"share_link_objects":[]}`)},
		{name: "null for an optional property", path: "/v1/share/link/list", body: `{"filter":null,"size":null}`, status: 200,
			reply: envelope("Success", `{"count":0,"share_link_objects":[]}`)},
		{name: "accepted null for a required property", path: "/v1/share/link/get", body: `{"id":null}`, status: 200,
			reply: envelope("Success", `{"share_link_object":`+link("")+`}`), want: "the request does not match"},
		{name: "accepted request without a token", method: "POST", path: "/v1/buckets", body: `{}`, status: 200,
			reply: envelope("Success", `{"buckets":[]}`), want: "bearer"},
		{name: "good multipart get", path: "/v1/get", body: `{"id":"` + objID + `","transfer_method":"multipart"}`, status: 200,
			respCT: getCT, reply: getReply},
		{name: "bad envelope in a multipart get", path: "/v1/get", body: `{"id":"` + objID + `","transfer_method":"multipart"}`, status: 200,
			respCT: badGetCT, reply: badGetReply, want: "size"},
		{name: "good put", path: "/v1/put", body: goodPut, reqCT: goodPutCT, status: 200,
			reply: envelope("Success", `{"object":`+object+`}`)},
		{name: "accepted put with a bad request part", path: "/v1/put", body: badPut, reqCT: badPutCT, status: 200,
			reply: envelope("Success", `{"object":`+object+`}`), want: "colour"},
		{name: "undocumented endpoint", path: "/v1/share/link/edit", body: `{}`, status: 200,
			reply: envelope("Success", `{}`), want: "does not describe"},
		{name: "unknown endpoint refused", path: "/v1/share/link/edit", body: `{}`, status: 404,
			reply: envelope("NotFound", `{}`)},
		{name: "download", method: "GET", path: "/v1/download/tok", status: 200, respCT: "application/zip", reply: "PK..."},
		{name: "put-url request", path: "/v1/put", body: `{"transfer_method":"put-url","name":"a.txt","size":"5"}`, status: 202,
			reply: envelope("Accepted", putAccepted)},
		{name: "post-url request", path: "/v1/put", body: `{"transfer_method":"post-url","name":"a.txt"}`, status: 202,
			reply: envelope("Accepted", postAccepted)},
		{name: "accepted put-url without a name", path: "/v1/put", body: `{"transfer_method":"put-url"}`, status: 202,
			reply: envelope("Accepted", putAccepted), want: "the request does not match"},
		{name: "accepted multipart put with put-url", path: "/v1/put", body: putURLPut, reqCT: putURLPutCT, status: 200,
			reply: envelope("Success", `{"object":`+object+`}`), want: "the request does not match"},
		{name: "202 with both upload URLs", path: "/v1/put", body: `{"transfer_method":"put-url","name":"a.txt"}`, status: 202,
			reply: envelope("Accepted", strings.Replace(postAccepted, `{`, `{"put_url":"http://x/v1/upload/t",`, 1)), want: "the response does not match"},
		{name: "put-url upload", method: "PUT", path: "/v1/upload/tok", body: strings.Repeat("x", 3<<20), reqCT: "application/octet-stream",
			status: 200, reply: envelope("Success", `{"object":`+object+`}`)},
		{name: "post-url upload", path: "/v1/upload/tok", body: postUpload, reqCT: postUploadCT, status: 200,
			reply: envelope("Success", `{"object":`+object+`}`)},
		{name: "spent upload URL", method: "PUT", path: "/v1/upload/tok", body: "x", reqCT: "application/octet-stream", status: 404,
			reply: envelope("NotFound", `{}`)},
		{name: "poll while awaited", method: "GET", bearer: true, path: "/request/" + reqID, status: 202, reply: envelope("Accepted", putAccepted)},
		{name: "poll under /v1 once stored", method: "GET", bearer: true, path: "/v1/request/" + reqID, status: 200,
			reply: envelope("Success", `{"object":`+object+`}`)},
		{name: "poll of a refused upload", method: "GET", bearer: true, path: "/request/" + reqID, status: 400, reply: badRequest},
		{name: "poll answered without a token", method: "GET", path: "/request/" + reqID, status: 200,
			reply: envelope("Success", `{"object":`+object+`}`), want: "bearer"},
		{name: "link/send with send results", path: "/v1/share/link/send", body: sendBody, status: 200,
			reply: envelope("Success", `{"share_link_objects":[`+link("")+`],"ext_send_results":[{"id":"`+linkID+`","email":"a@b.c","sent":false,"detail":"d"}]}`)},
		{name: "link/send without send results", path: "/v1/share/link/send", body: sendBody, status: 200,
			reply: envelope("Success", `{"share_link_objects":[`+link("")+`]}`), want: "ext_send_results"},
		{name: "unsent email without a reason", path: "/v1/share/link/send", body: sendBody, status: 200,
			reply: envelope("Success", `{"share_link_objects":[`+link("")+`],"ext_send_results":[{"id":"`+linkID+`","email":"a@b.c","sent":false}]}`),
			want:  "the response does not match"},
		{name: "503 with Retry-After", path: "/v1/list", body: `{}`, status: 503, header: map[string]string{"Retry-After": "5"},
			reply: envelope("ServiceNotAvailable", `{}`)},
		{name: "503 without Retry-After", path: "/v1/list", body: `{}`, status: 503, reply: envelope("ServiceNotAvailable", `{}`), want: "Retry-After"},
		{name: "507 on a write", path: "/v1/folder/create", body: `{"name":"n"}`, status: 507, header: map[string]string{"Retry-After": "5"},
			reply: envelope("InsufficientStorage", `{}`)},
		{name: "507 on a read", path: "/v1/list", body: `{}`, status: 507, header: map[string]string{"Retry-After": "5"},
			reply: envelope("InsufficientStorage", `{}`), want: "status is not supported"},
		{name: "per-client cap", method: "GET", path: "/v1/download/tok", status: 429, respCT: "text/plain; charset=utf-8",
			noReqID: true, header: map[string]string{"Retry-After": "5"}, reply: "Too many requests\n"},
		{name: "per-client cap without Retry-After", path: "/v1/buckets", body: `{}`, status: 429, respCT: "text/plain; charset=utf-8",
			noReqID: true, reply: "Too many requests\n", want: "Retry-After"},
		{name: "vault option refused", path: "/v1/get", body: `{"id":"x","password":"p"}`, status: 400,
			reply: envelope("ShareVaultNotConfigured", `{}`)},
		{name: "document", method: "GET", path: "/v1/openapi.json", status: 200, reply: string(httpapi.OpenAPI())},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				ct := tt.respCT
				if ct == "" {
					ct = "application/json"
				}
				w.Header().Set("Content-Type", ct)
				if tt.path == "/v1/download/tok" {
					w.Header().Set("Content-Disposition", "attachment; filename=archive.zip")
				}
				if !tt.noReqID {
					w.Header().Set("X-Request-Id", reqID)
				}
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.reply))
			}))
			defer srv.Close()
			var rec recorder
			client := &http.Client{Transport: doc.Transport(&rec, nil)}
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			var body *strings.Reader
			if tt.body != "" || method == http.MethodPost {
				body = strings.NewReader(tt.body)
			}
			var req *http.Request
			if body != nil {
				req, _ = http.NewRequest(method, srv.URL+tt.path, body)
			} else {
				req, _ = http.NewRequest(method, srv.URL+tt.path, nil)
			}
			ct := tt.reqCT
			if ct == "" && method == http.MethodPost {
				ct = "application/json"
			}
			if ct != "" {
				req.Header.Set("Content-Type", ct)
			}
			if tt.method == "" || tt.bearer {
				req.Header.Set("Authorization", "Bearer shd_test")
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			got.ReadFrom(resp.Body)
			resp.Body.Close()
			if got.String() != tt.reply {
				t.Errorf("the caller got %d bytes, want the %d the server sent", got.Len(), len(tt.reply))
			}
			msgs := strings.Join(rec.msgs, "\n")
			switch {
			case tt.want == "" && len(rec.msgs) > 0:
				t.Errorf("got reports for a matching exchange:\n%s", msgs)
			case tt.want != "" && len(rec.msgs) == 0:
				t.Errorf("got no report, want one mentioning %q", tt.want)
			case tt.want != "" && !strings.Contains(msgs, tt.want):
				t.Errorf("got report\n%s\nwant it to mention %q", msgs, tt.want)
			}
		})
	}
}
