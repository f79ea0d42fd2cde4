package httpapi_test

import (
	"archive/tar"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

func TestObjects(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := sharetest.Start(t, kind, sharetest.Options{NoSMTP: true, Config: func(c *share.Config) { c.MaxUploadSize = 1 << 20 }})
		ctx := context.Background()
		f := seed(t, e)

		buckets := sharetest.Must(e.Client.Buckets(ctx))(t).Buckets
		if len(buckets) != 1 || !buckets[0].Default || len(buckets[0].ID) != 36 {
			t.Fatalf("buckets: got %+v, want one default bucket", buckets)
		}

		t.Run("folder create", func(t *testing.T) {
			sharetest.Run(t, e, []sharetest.Scenario{{
				Name: "a path creates the missing parents", Path: "/v1/folder/create", Body: `{"folder":"/Projects/2026/Q4"}`,
				WantStatus:  http.StatusOK,
				WantContent: []string{`"name":"Q4"`, `"folder":"/Projects/2026"`, `"type":"folder"`},
			}, {
				Name: "a taken name", Path: "/v1/folder/create", Body: `{"name":"Docs"}`,
				WantStatus: http.StatusConflict, WantContent: []string{`"SharePutObjectExists"`},
			}, {
				Name: "an unknown parent", Path: "/v1/folder/create", Body: `{"name":"x","parent_id":"pos_nope"}`,
				WantStatus: http.StatusBadRequest, WantContent: []string{`"ShareParentIDDoesNotExist"`},
			}, {
				Name: "a path through a file", Path: "/v1/folder/create", Body: `{"folder":"/Docs/a.txt/inner"}`,
				WantStatus: http.StatusBadRequest, WantContent: []string{`"SharePathContainsNonFolder"`},
			}})
		})

		t.Run("put checks and streams", func(t *testing.T) {
			body := bytes.Repeat([]byte("0123456789"), 5000)
			sum := sha256.Sum256(body)
			o := sharetest.Must(e.Client.Put(ctx, api.PutRequest{Folder: "/Uploads/2026", Name: "data.bin", SHA256: hex.EncodeToString(sum[:])}, "data.bin", bytes.NewReader(body)))(t).Object
			if o.Size != int64(len(body)) || o.SHA256 != hex.EncodeToString(sum[:]) || o.Folder != "/Uploads/2026" || !strings.HasPrefix(o.ID, "pos_") {
				t.Errorf("put: got %+v", o)
			}
			_, err := e.Client.Put(ctx, api.PutRequest{Folder: "/Uploads/2026", Name: "data.bin"}, "data.bin", bytes.NewReader(body))
			if !api.IsStatus(err, "SharePutObjectExists") {
				t.Errorf("same name again: got %v, want SharePutObjectExists", err)
			}
			_, err = e.Client.Put(ctx, api.PutRequest{Name: "bad.bin", SHA256: strings.Repeat("0", 64)}, "bad.bin", bytes.NewReader(body))
			if !api.IsStatus(err, "ValidationError") {
				t.Errorf("wrong sha256: got %v, want ValidationError", err)
			}
			_, err = e.Client.Put(ctx, api.PutRequest{Name: "huge.bin"}, "huge.bin", io.LimitReader(zeros{}, 2<<20))
			if !api.IsStatus(err, "ShareTooLarge") {
				t.Errorf("over the size limit: got %v, want ShareTooLarge", err)
			}
			page := sharetest.Must(e.Client.List(ctx, api.ListRequest{Filter: map[string]any{"name__in": []string{"bad.bin", "huge.bin"}}}))(t)
			if page.Count != 0 {
				t.Errorf("refused uploads left %d objects behind", page.Count)
			}
			// The file name comes from the part when the request has none.
			o2 := sharetest.Must(e.Client.Put(ctx, api.PutRequest{}, "from-part.txt", strings.NewReader("x")))(t).Object
			if o2.Name != "from-part.txt" || o2.MimeType != "text/plain; charset=utf-8" {
				t.Errorf("name from part: got %q %q", o2.Name, o2.MimeType)
			}
		})

		t.Run("get multipart and dest-url", func(t *testing.T) {
			res, dl, err := e.Client.GetFile(ctx, api.GetRequest{ID: f.b.ID})
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(dl)
			dl.Close()
			if string(got) != "bravo bravo" || res.Object.Name != "b.txt" || dl.Filename != "b.txt" {
				t.Errorf("multipart get: got %q (%s, part %q)", got, res.Object.Name, dl.Filename)
			}
			info := sharetest.Must(e.Client.Get(ctx, api.GetRequest{ID: f.b.ID, TransferMethod: "dest-url"}))(t)
			if !strings.HasPrefix(info.DestURL, e.URL+"/v1/download/") {
				t.Fatalf("dest_url: got %q", info.DestURL)
			}
			req, _ := http.NewRequest(http.MethodGet, info.DestURL, nil)
			req.Header.Set("Range", "bytes=6-10")
			resp, err := e.HTTP.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			part, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusPartialContent || string(part) != "bravo" {
				t.Errorf("ranged download: got %d %q, want 206 \"bravo\"", resp.StatusCode, part)
			}
			if cd := resp.Header.Get("Content-Disposition"); cd != `attachment; filename=b.txt` {
				t.Errorf("Content-Disposition: got %q", cd)
			}
			bad := info.DestURL[:len(info.DestURL)-3] + "AAA"
			resp, err = e.HTTP.Get(bad)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("tampered dest_url: got %d, want 404", resp.StatusCode)
			}
			e.Clock.Advance(6 * time.Minute)
			resp, err = e.HTTP.Get(info.DestURL)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusNotFound {
				t.Errorf("expired dest_url: got %d, want 404", resp.StatusCode)
			}
			if _, err := e.Client.Get(ctx, api.GetRequest{ID: "pos_nope"}); !api.IsStatus(err, "NotFound") {
				t.Errorf("get unknown: got %v, want NotFound", err)
			}
		})

		t.Run("list filters and paging", func(t *testing.T) {
			inDocs := sharetest.Must(e.Client.List(ctx, api.ListRequest{Filter: map[string]any{"folder": "/Docs"}, OrderBy: "name"}))(t)
			if names := objectNames(inDocs.Objects); !slices.Equal(names, []string{"a.txt", "b.txt"}) {
				t.Errorf("folder /Docs: got %v", names)
			}
			byParent := sharetest.Must(e.Client.List(ctx, api.ListRequest{Filter: map[string]any{"parent_id": f.docs.ID, "size__gt": 5}}))(t)
			if names := objectNames(byParent.Objects); !slices.Equal(names, []string{"b.txt"}) {
				t.Errorf("parent_id + size__gt: got %v", names)
			}
			folders := sharetest.Must(e.Client.List(ctx, api.ListRequest{Filter: map[string]any{"type": "folder", "name__contains": []string{"o"}}}))(t)
			if names := objectNames(folders.Objects); !slices.Contains(names, "Docs") || slices.Contains(names, "a.txt") {
				t.Errorf("type folder: got %v", names)
			}
			missing := sharetest.Must(e.Client.List(ctx, api.ListRequest{Filter: map[string]any{"folder": "/Nowhere"}}))(t)
			if missing.Count != 0 {
				t.Errorf("unknown folder: got %d objects", missing.Count)
			}
			total := sharetest.Must(e.Client.List(ctx, api.ListRequest{}))(t).Count
			var seen []string
			last := ""
			for {
				p := sharetest.Must(e.Client.List(ctx, api.ListRequest{Size: 2, Last: last, OrderBy: "name", Order: "desc"}))(t)
				seen = append(seen, objectNames(p.Objects)...)
				if p.Last == "" {
					break
				}
				last = p.Last
			}
			if len(seen) != total || !slices.IsSortedFunc(seen, func(a, b string) int { return strings.Compare(b, a) }) {
				t.Errorf("paging by name desc: got %v (total %d)", seen, total)
			}
		})

		t.Run("update", func(t *testing.T) {
			o := sharetest.Must(e.Client.Put(ctx, api.PutRequest{Name: "draft.txt", Tags: []string{"draft"}}, "draft.txt", strings.NewReader("d")))(t).Object
			name := "final.txt"
			moved := sharetest.Must(e.Client.Update(ctx, api.UpdateRequest{ID: o.ID, Name: &name, ParentID: &f.docs.ID,
				AddTags: []string{"final"}, RemoveTags: []string{"draft"}, AddMetadata: map[string]string{"owner": "ann"}}))(t).Object
			if moved.Name != "final.txt" || moved.Folder != "/Docs" || !slices.Equal(moved.Tags, []string{"final"}) || moved.Metadata["owner"] != "ann" {
				t.Errorf("update: got %+v", moved)
			}
			stale := o.UpdatedAt
			if _, err := e.Client.Update(ctx, api.UpdateRequest{ID: o.ID, AddTags: []string{"x"}, UpdatedAt: &stale}); !api.IsStatus(err, "ShareUpdatedAtMismatch") {
				t.Errorf("stale updated_at: got %v, want ShareUpdatedAtMismatch", err)
			}
			fresh := moved.UpdatedAt
			if _, err := e.Client.Update(ctx, api.UpdateRequest{ID: o.ID, AddTags: []string{"x"}, UpdatedAt: &fresh}); err != nil {
				t.Errorf("current updated_at: %v", err)
			}
			taken := "a.txt"
			if _, err := e.Client.Update(ctx, api.UpdateRequest{ID: o.ID, Name: &taken}); !api.IsStatus(err, "SharePutObjectExists") {
				t.Errorf("rename onto a taken name: got %v, want SharePutObjectExists", err)
			}
			sub := sharetest.Must(e.Client.FolderCreate(ctx, api.FolderCreateRequest{Name: "Sub", ParentID: f.docs.ID}))(t).Object
			if _, err := e.Client.Update(ctx, api.UpdateRequest{ID: f.docs.ID, ParentID: &sub.ID}); !api.IsStatus(err, "ShareLoopDetected") {
				t.Errorf("move into own subfolder: got %v, want ShareLoopDetected", err)
			}
			tagged := sharetest.Must(e.Client.List(ctx, api.ListRequest{Filter: map[string]any{"tags": []string{"final", "x"}}}))(t)
			if tagged.Count != 1 {
				t.Errorf("tags filter after update: got %d, want 1", tagged.Count)
			}
		})

		t.Run("archive", func(t *testing.T) {
			res, zr := getZip(t, e, f.docs.ID)
			contents := map[string]string{}
			for _, zf := range zr.File {
				r, _ := zf.Open()
				b, _ := io.ReadAll(r)
				r.Close()
				contents[zf.Name] = string(b)
			}
			if contents["Docs/a.txt"] != "alpha" || contents["Docs/b.txt"] != "bravo bravo" || res.Count != len(zr.File) {
				t.Errorf("zip: got %v (count %d)", contents, res.Count)
			}
			u := sharetest.Must(e.Client.GetArchiveURL(ctx, api.GetArchiveRequest{IDs: []string{f.a.ID, f.b.ID}, Format: "tar"}))(t)
			resp, err := e.HTTP.Get(u.DestURL)
			if err != nil {
				t.Fatal(err)
			}
			tr := tar.NewReader(resp.Body)
			var names []string
			for {
				h, err := tr.Next()
				if err != nil {
					break
				}
				names = append(names, h.Name)
			}
			resp.Body.Close()
			if !slices.Equal(names, []string{"a.txt", "b.txt"}) {
				t.Errorf("tar via dest_url: got %v", names)
			}
		})

		t.Run("delete", func(t *testing.T) {
			fileGone := func(t *testing.T, e *sharetest.Env, _ *http.Response, body string) {
				var r struct {
					Result struct{ Count int } `json:"result"`
				}
				if err := json.Unmarshal([]byte(body), &r); err != nil || r.Result.Count < 3 {
					t.Errorf("forced delete: count %d (%v), want the folder and its contents", r.Result.Count, err)
				}
				if _, err := e.Client.Get(ctx, api.GetRequest{ID: f.a.ID}); !api.IsStatus(err, "NotFound") {
					t.Errorf("file inside the deleted folder: got %v, want NotFound", err)
				}
			}
			sharetest.Run(t, e, []sharetest.Scenario{{
				Name: "a folder with contents needs force", Path: "/v1/delete", Body: `{"id":"` + f.docs.ID + `"}`,
				WantStatus: http.StatusBadRequest, WantContent: []string{`"ShareNotEmpty"`},
			}, {
				Name: "force deletes the folder and its contents", Path: "/v1/delete",
				Body:       `{"id":"` + f.docs.ID + `","force":true}`,
				WantStatus: http.StatusOK, After: fileGone,
			}, {
				Name: "deleting twice", Path: "/v1/delete", Body: `{"id":"` + f.docs.ID + `"}`,
				WantStatus: http.StatusNotFound, WantContent: []string{`"NotFound"`},
			}})
		})
	})
}

func TestPutRequiresRequestFirst(t *testing.T) {
	e := sharetest.Start(t, "sqlite", sharetest.Options{NoSMTP: true})
	body := "--B\r\nContent-Disposition: form-data; name=\"upload\"; filename=\"x.txt\"\r\n\r\nhello\r\n--B--\r\n"
	req, _ := http.NewRequest(http.MethodPost, e.URL+"/v1/put", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+e.Token)
	req.Header.Set("Content-Type", "multipart/form-data; boundary=B")
	resp, err := e.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("file before request: got %d, want 400", resp.StatusCode)
	}
	r := postRaw(t, e, "/v1/put", `{"name":"x"}`)
	if r.HTTP != http.StatusBadRequest || r.Status != "ShareMissingPayload" {
		t.Errorf("JSON put: got %d %s, want 400 ShareMissingPayload", r.HTTP, r.Status)
	}
}

func objectNames(os []api.Object) []string {
	out := make([]string, len(os))
	for i, o := range os {
		out[i] = o.Name
	}
	return out
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

var _ = fmt.Sprint
