package portal_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// deployment is several share server instances on one PostgreSQL schema and one bucket. a and b move
// bytes through the server; ad and bd hand out presigned bucket URLs for downloads and put-url.
type deployment struct {
	a, b, ad, bd *sharetest.Env
}

func startDeployment(t *testing.T) deployment {
	t.Helper()
	s3 := sharetest.StartS3(t)
	big := func(c *share.Config) { c.MaxUploadSize = 64 << 20 }
	direct := func(c *share.Config) { big(c); c.Downloads, c.Uploads = share.TransferDirect, share.TransferDirect }
	a := sharetest.Start(t, "postgres", sharetest.Options{NoSMTP: true, S3: s3, Config: big})
	return deployment{
		a:  a,
		b:  sharetest.Instance(t, a, sharetest.Options{NoSMTP: true, Config: big}),
		ad: sharetest.Instance(t, a, sharetest.Options{NoSMTP: true, Config: direct}),
		bd: sharetest.Instance(t, a, sharetest.Options{NoSMTP: true, Config: direct}),
	}
}

// apiJSON posts a JSON API request with the env's token and decodes the envelope.
func apiJSON(t *testing.T, e *sharetest.Env, method, u string, body any) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, u, rd)
	req.Header.Set("Authorization", "Bearer "+e.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var env struct {
		Result map[string]any `json:"result"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&env)
	return resp.StatusCode, env.Result
}

// uploadByURL uploads data through e with put-url or post-url, the way the SDKs do: ask for the URL,
// send the bytes there (to e, or straight to the bucket), then poll the location until the object is
// there.
func uploadByURL(t *testing.T, e *sharetest.Env, method, name, parent string, data []byte, wantDirect bool) string {
	t.Helper()
	status, res := apiJSON(t, e, http.MethodPost, e.URL+"/v1/put", map[string]any{"transfer_method": method, "name": name, "parent_id": parent, "size": len(data)})
	if status != http.StatusAccepted {
		t.Fatalf("%s: request the upload URL: %d %v", method, status, res)
	}
	field := strings.Replace(method, "-", "_", 1)
	up, _ := res[field].(string)
	if direct := !strings.HasPrefix(up, e.URL); direct != wantDirect {
		t.Fatalf("%s: upload URL %s: direct to the bucket %v, want %v", method, up, direct, wantDirect)
	}
	var req *http.Request
	if method == "put-url" {
		req, _ = http.NewRequest(http.MethodPut, up, bytes.NewReader(data))
	} else {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fields, _ := res["post_form_data"].(map[string]any)
		for k, v := range fields { // a bucket's signed policy; the server's own URL has none
			mw.WriteField(k, fmt.Sprint(v))
		}
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(data)
		mw.Close()
		req, _ = http.NewRequest(http.MethodPost, up, &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		t.Fatalf("%s: send the bytes: %d", method, resp.StatusCode)
	}
	loc, _ := res["location"].(string)
	for range 50 {
		status, res := apiJSON(t, e, http.MethodGet, loc, nil)
		if status == http.StatusOK {
			obj, _ := res["object"].(map[string]any)
			id, _ := obj["id"].(string)
			return id
		}
		if status != http.StatusAccepted {
			t.Fatalf("%s: poll: %d %v", method, status, res)
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("%s: the object never appeared", method)
	return ""
}

func fetch(t *testing.T, c *http.Client, u string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// TestInstances: two (and, for direct transfers, four) share servers on one PostgreSQL database and
// one bucket behave as one service.
func TestInstances(t *testing.T) {
	d := startDeployment(t)
	ctx := context.Background()
	a, b := d.a, d.b
	inbox := sharetest.Must(a.Client.FolderCreate(ctx, api.FolderCreateRequest{Name: "Inbox"}))(t).Object

	t.Run("uploaded on one, byte-identical on the other by every transfer method", func(t *testing.T) {
		// Over one 5 MiB part of the test store, so multipart uploads are exercised too.
		data := make([]byte, 6<<20+123)
		_, _ = rand.Read(data)
		ids := map[string]string{}
		ids["multipart put on a"] = sharetest.Must(a.Client.Put(ctx, api.PutRequest{Name: "multipart.bin", ParentID: inbox.ID}, "multipart.bin", bytes.NewReader(data)))(t).Object.ID
		ids["put-url through a"] = uploadByURL(t, a, "put-url", "put-url.bin", inbox.ID, data, false)
		ids["post-url through a"] = uploadByURL(t, a, "post-url", "post-url.bin", inbox.ID, data, false)
		ids["put-url straight to the bucket, polled on a"] = uploadByURL(t, d.ad, "put-url", "direct.bin", inbox.ID, data, true)
		ids["post-url straight to the bucket, polled on a"] = uploadByURL(t, d.ad, "post-url", "direct-post.bin", inbox.ID, data, true)

		editor := createLink(t, a, api.LinkCreateItem{Targets: []string{inbox.ID}, LinkType: "editor", Authenticators: password("both instances")})
		r := signIn(t, a, editor, "both instances")
		page := r.get("/p/f/" + inbox.ID)
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("csrf", csrfOf(t, page))
		fw, _ := mw.CreateFormFile("files", "portal.bin")
		fw.Write(data)
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, r.abs("/p/upload/"+inbox.ID), &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		if p := r.do(req); p.status != http.StatusOK {
			t.Fatalf("portal upload on a: %d", p.status)
		}
		list := sharetest.Must(b.Client.List(ctx, api.ListRequest{Filter: map[string]any{"name": "portal.bin"}}))(t)
		if list.Count != 1 {
			t.Fatalf("portal upload not listed on b: %+v", list)
		}
		ids["portal upload on a"] = list.Objects[0].ID

		plain := &http.Client{}
		onB := newRecipient(t, b)
		onB.http.Jar = r.http.Jar // the session made on a, used on b
		onBd := newRecipient(t, d.bd)
		onBd.http.Jar = r.http.Jar
		for how, id := range ids {
			if id == "" {
				t.Fatalf("%s: no object", how)
			}
			got := map[string][]byte{}
			res, dl, err := b.Client.GetFile(ctx, api.GetRequest{ID: id, TransferMethod: "multipart"})
			if err != nil {
				t.Fatalf("%s: get multipart on b: %v", how, err)
			}
			got["get multipart on b"], _ = io.ReadAll(dl)
			dl.Close()
			if res.Object.Size != int64(len(data)) {
				t.Errorf("%s: size %d, want %d", how, res.Object.Size, len(data))
			}
			for name, e := range map[string]*sharetest.Env{"dest_url proxied by b": b, "dest_url presigned by bd": d.bd} {
				g := sharetest.Must(e.Client.Get(ctx, api.GetRequest{ID: id, TransferMethod: "dest-url"}))(t)
				if direct := strings.HasPrefix(g.DestURL, a.S3.Endpoint); direct != (e == d.bd) {
					t.Errorf("%s: %s is %s", how, name, g.DestURL)
				}
				resp, body := fetch(t, plain, g.DestURL)
				if !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "attachment") {
					t.Errorf("%s: %s: Content-Disposition %q", how, name, resp.Header.Get("Content-Disposition"))
				}
				got[name] = body
				resp, body = fetch(t, plain, g.DestURL, "Range", "bytes=1000-1999")
				if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(body, data[1000:2000]) {
					t.Errorf("%s: %s with Range: %d, %d bytes", how, name, resp.StatusCode, len(body))
				}
			}
			p := onB.get("/p/d/" + id)
			got["portal download proxied by b"] = []byte(p.body)
			p = onBd.get("/p/d/"+id, "Range", "bytes=5-9")
			if p.status != http.StatusPartialContent || p.body != string(data[5:10]) || !strings.HasPrefix(p.header.Get("Content-Disposition"), "attachment") {
				t.Errorf("%s: portal range straight from the bucket: %d %q %q", how, p.status, p.body, p.header.Get("Content-Disposition"))
			}
			got["portal download presigned by bd"] = []byte(onBd.get("/p/d/" + id).body)
			for via, body := range got {
				if !bytes.Equal(body, data) {
					t.Errorf("%s, downloaded by %s: %d bytes, not identical to the %d uploaded", how, via, len(body), len(data))
				}
			}
		}
	})

	t.Run("a direct upload appears only once the server has checked what the bucket holds", func(t *testing.T) {
		data := []byte("direct upload bytes")
		cases := []struct {
			name     string
			req      map[string]any
			wantCode string
		}{
			{"wrong sha256", map[string]any{"sha256": strings.Repeat("0", 64)}, "ValidationError"},
			{"wrong size", map[string]any{"size": len(data) + 1}, "ValidationError"},
			{"wrong crc32c", map[string]any{"crc32c": "00000001"}, "ValidationError"},
		}
		for i, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				name := fmt.Sprintf("checked-%d.bin", i)
				req := map[string]any{"transfer_method": "put-url", "name": name}
				for k, v := range c.req {
					req[k] = v
				}
				status, res := apiJSON(t, d.ad, http.MethodPost, d.ad.URL+"/v1/put", req)
				if status != http.StatusAccepted {
					t.Fatalf("request: %d %v", status, res)
				}
				up, _ := res["put_url"].(string)
				loc, _ := res["location"].(string)
				if status, _ := apiJSON(t, d.bd, http.MethodGet, loc, nil); status != http.StatusAccepted {
					t.Errorf("poll before the bytes arrived: %d, want 202", status)
				}
				putReq, _ := http.NewRequest(http.MethodPut, up, bytes.NewReader(data))
				resp, err := http.DefaultClient.Do(putReq)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				var got map[string]any
				var code int
				for range 50 { // polled on the other instance
					if code, got = apiJSON(t, d.bd, http.MethodGet, loc, nil); code != http.StatusAccepted {
						break
					}
					time.Sleep(20 * time.Millisecond)
				}
				if code != http.StatusBadRequest {
					t.Errorf("poll after a mismatching upload: %d %v, want 400", code, got)
				}
				if n := sharetest.Must(a.Client.List(ctx, api.ListRequest{Filter: map[string]any{"name": name}}))(t).Count; n != 0 {
					t.Errorf("the refused upload is listed")
				}
			})
		}
		for o := range a.S3.Client(t).ListObjects(ctx, a.S3.Bucket, minio.ListObjectsOptions{Prefix: "in/", Recursive: true}) {
			t.Errorf("left in the bucket: %s", o.Key)
		}
	})

	t.Run("a link made on one opens on the other, and revoked there its session ends everywhere", func(t *testing.T) {
		f := sharetest.Must(a.Client.Put(ctx, api.PutRequest{Name: "revoke.txt"}, "revoke.txt", strings.NewReader("revocable")))(t).Object
		l := createLink(t, a, api.LinkCreateItem{Targets: []string{f.ID}, Authenticators: password("open on b")})
		onB := signIn(t, b, l, "open on b")
		if p := onB.get("/p/d/" + f.ID); p.status != http.StatusOK || p.body != "revocable" {
			t.Fatalf("download on b: %d %q", p.status, p.body)
		}
		onA := signIn(t, a, l, "open on b")
		if p := onA.get("/p/d/" + f.ID); p.status != http.StatusOK {
			t.Fatalf("download on a before the revocation: %d", p.status)
		}
		sharetest.Must(b.Client.LinkDelete(ctx, api.LinkDeleteRequest{IDs: []string{l.ID}}))(t)
		for name, r := range map[string]*recipient{"a": onA, "b": onB} {
			if p := r.get("/p/d/" + f.ID); p.status < 400 || p.status > 499 || p.body == "revocable" {
				t.Errorf("session on %s after the revocation on b: %d, want a 4xx refusal", name, p.status)
			}
		}
	})

	t.Run("200 concurrent sign-ins over both instances against a limit of 5 grant exactly 5", func(t *testing.T) {
		f := sharetest.Must(a.Client.Put(ctx, api.PutRequest{Name: "limited.txt"}, "limited.txt", strings.NewReader("x")))(t).Object
		limit := 5
		l := createLink(t, a, api.LinkCreateItem{Targets: []string{f.ID}, MaxAccessCount: &limit, Authenticators: password("concurrent!")})
		onB, err := b.Svc.OpenLink(ctx, strings.TrimPrefix(l.Link, a.URL+"/s/")) // the link as b reads it
		if err != nil {
			t.Fatal(err)
		}
		links := []share.Link{mustOpen(t, a, l), onB}
		svcs := []*share.Service{a.Svc, b.Svc}
		granted, refused := signInAtOnce(t, 200, func(i int) error {
			_, err := svcs[i%2].StartSession(ctx, links[i%2])
			return err
		})
		if granted != limit || refused != 200-limit {
			t.Errorf("granted %d, refused %d; want %d and %d", granted, refused, limit, 200-limit)
		}
		if got := sharetest.Must(b.Client.LinkGet(ctx, api.LinkGetRequest{ID: l.ID}))(t).ShareLinkObject.AccessCount; got != limit {
			t.Errorf("access_count on b: %d, want %d", got, limit)
		}
	})

	t.Run("the password-guess limit holds across instances", func(t *testing.T) {
		f := sharetest.Must(a.Client.Put(ctx, api.PutRequest{Name: "guess.txt"}, "guess.txt", strings.NewReader("x")))(t).Object
		l := createLink(t, a, api.LinkCreateItem{Targets: []string{f.ID}, Authenticators: password("right password")})
		onA, onB := newRecipient(t, a), newRecipient(t, b)
		for i := range share.MaxFailuresPerLink {
			r := []*recipient{onA, onB}[i%2]
			if p := r.post(linkPath(a, l)+"/password", url.Values{"auth": {"0"}, "password": {fmt.Sprint("wrong ", i)}}); p.status != http.StatusUnauthorized {
				t.Fatalf("guess %d: %d", i, p.status)
			}
		}
		for name, r := range map[string]*recipient{"a": onA, "b": onB} {
			if p := r.post(linkPath(a, l)+"/password", url.Values{"auth": {"0"}, "password": {"right password"}}); p.status != http.StatusTooManyRequests {
				t.Errorf("right password on %s after %d failures spread over both: %d, want 429", name, share.MaxFailuresPerLink, p.status)
			}
		}
	})
}
