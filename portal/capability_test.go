package portal_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestActionsTheLinkDoesNotAllow: every portal action outside a link's type is a clear 403 or 404
// page, never a 500 or an ERROR log line, and changes nothing.
func TestActionsTheLinkDoesNotAllow(t *testing.T) {
	e, tr := startTree(t)
	inboxFile := sharetest.Must(e.Client.Put(t.Context(), api.PutRequest{Name: "earlier.txt", ParentID: tr.inbox.ID}, "earlier.txt", strings.NewReader("x")))(t).Object
	inboxSub := sharetest.Must(e.Client.FolderCreate(t.Context(), api.FolderCreateRequest{Name: "Sub", ParentID: tr.inbox.ID}))(t).Object
	uploadLink := createLink(t, e, api.LinkCreateItem{Targets: []string{tr.inbox.ID}, LinkType: "upload", Authenticators: password("upload only")})
	downloadLink := createLink(t, e, api.LinkCreateItem{Targets: []string{tr.docs.ID}, Authenticators: password("download only")})
	up := signIn(t, e, uploadLink, "upload only")
	upCSRF := csrfOf(t, up.get("/p/"))
	down := signIn(t, e, downloadLink, "download only")
	downCSRF := csrfOf(t, down.get("/p/"))

	cases := []struct {
		name    string
		r       *recipient
		method  string
		path    string
		form    url.Values
		upload  bool
		want    []int
		message string
	}{
		{"zip through an upload link", up, "GET", "/p/zip?id=" + tr.inbox.ID, nil, false, []int{403}, "not download"},
		{"download through an upload link", up, "GET", "/p/d/" + inboxFile.ID, nil, false, []int{403}, "not download"},
		{"open a folder inside an upload link's folder", up, "GET", "/p/f/" + inboxSub.ID, nil, false, []int{404}, "not part of this share"},
		{"rename through an upload link", up, "POST", "/p/rename/" + inboxFile.ID, url.Values{"csrf": {upCSRF}, "name": {"x.txt"}}, false, []int{403}, "rename or delete"},
		{"delete through an upload link", up, "POST", "/p/delete/" + inboxFile.ID, url.Values{"csrf": {upCSRF}}, false, []int{403}, "rename or delete"},
		{"upload through a download link", down, "POST", "/p/upload/" + tr.docs.ID, url.Values{"csrf": {downCSRF}}, true, []int{403}, "not upload"},
		{"rename through a download link", down, "POST", "/p/rename/" + tr.a.ID, url.Values{"csrf": {downCSRF}, "name": {"x.txt"}}, false, []int{403}, "rename or delete"},
		{"delete through a download link", down, "POST", "/p/delete/" + tr.a.ID, url.Values{"csrf": {downCSRF}}, false, []int{403}, "rename or delete"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var req *http.Request
			switch {
			case tc.upload:
				var body bytes.Buffer
				mw := multipart.NewWriter(&body)
				_ = mw.WriteField("csrf", tc.form.Get("csrf"))
				fw, _ := mw.CreateFormFile("files", "new.txt")
				_, _ = fw.Write([]byte("new"))
				_ = mw.Close()
				req, _ = http.NewRequest(tc.method, tc.r.abs(tc.path), &body)
				req.Header.Set("Content-Type", mw.FormDataContentType())
			case tc.form != nil:
				req, _ = http.NewRequest(tc.method, tc.r.abs(tc.path), strings.NewReader(tc.form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			default:
				req, _ = http.NewRequest(tc.method, tc.r.abs(tc.path), nil)
			}
			p := tc.r.do(req)
			ok := false
			for _, s := range tc.want {
				ok = ok || p.status == s
			}
			if said := p.text(t, "page-message"); !ok || !strings.Contains(said, tc.message) {
				t.Errorf("got %d saying %q, want %v saying %q", p.status, said, tc.want, tc.message)
			}
		})
	}
	if strings.Contains(e.Logs.String(), `"level":"ERROR"`) {
		t.Errorf("refused actions logged errors:\n%s", e.Logs.String())
	}
	for _, id := range []string{tr.a.ID, inboxFile.ID} {
		if _, err := e.Client.Get(t.Context(), api.GetRequest{ID: id}); err != nil {
			t.Errorf("object %s after refused actions: %v", id, err)
		}
	}
	if n := sharetest.Must(e.Client.List(t.Context(), api.ListRequest{Filter: map[string]any{"parent_id": tr.docs.ID}}))(t).Count; n != 3 {
		t.Errorf("Docs holds %d objects after a refused upload, want 3", n)
	}
}

// TestUploadLinkHidesNames: an upload-only link is never told under which name a file was stored, so
// it cannot learn which names already exist in the folder.
func TestUploadLinkHidesNames(t *testing.T) {
	e, tr := startTree(t)
	sharetest.Must(e.Client.Put(t.Context(), api.PutRequest{Name: "a.txt", ParentID: tr.inbox.ID}, "a.txt", strings.NewReader("sender's")))(t)
	_, r := signedInTo(t, e, api.LinkCreateItem{Targets: []string{tr.inbox.ID}, LinkType: "upload"}, "upload only")
	csrf := csrfOf(t, r.get("/p/"))
	for _, name := range []string{"a.txt", "new.txt", "new.txt"} {
		p := upload(t, r, tr.inbox.ID, csrf, name, "data")
		// Whether a name was taken is looked for in the whole response: no part of it may tell.
		want := []string{"Saved " + name + "."}
		if got := p.texts(t, "flash"); !slices.Equal(got, want) || strings.Contains(p.body, "(1)") || strings.Contains(p.body, "already there") {
			t.Errorf("upload of %s: page says %q, want only %q:\n%s", name, got, want, p.body)
		}
	}
	if n := sharetest.Must(e.Client.List(t.Context(), api.ListRequest{Filter: map[string]any{"parent_id": tr.inbox.ID}}))(t).Count; n != 4 {
		t.Errorf("inbox holds %d files, want 4 (nothing overwritten)", n)
	}
}

// TestPortalStatic: the portal's static files carry the security headers, and no directory is listed.
func TestPortalStatic(t *testing.T) {
	e := sharetest.Start(t, "sqlite", sharetest.Options{NoSMTP: true})
	r := newRecipient(t, e)
	for _, tc := range []struct {
		path string
		want int
	}{
		{"/static/portal.css", 200},
		{"/static/portal.js", 200},
		{"/static/", 404},
		{"/static/vendor/", 404},
		{"/static/vendor", 404},
		{"/static/nope.css", 404},
		{"/static/../static/portal.css", 200},
	} {
		p := r.get(tc.path)
		if p.status != tc.want {
			t.Errorf("GET %s: got %d, want %d", tc.path, p.status, tc.want)
		}
		if strings.Contains(p.body, "<a href=") {
			t.Errorf("GET %s lists a directory:\n%s", tc.path, p.body)
		}
		for _, h := range []string{"Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"} {
			if p.header.Get(h) == "" {
				t.Errorf("GET %s: no %s header", tc.path, h)
			}
		}
	}
}
