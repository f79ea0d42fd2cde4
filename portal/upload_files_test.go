package portal_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// upload posts files, given as name and content pairs, to folder with the form token csrf.
func upload(t *testing.T, r *recipient, folder, csrf string, files ...string) page {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", csrf)
	for i := 0; i+1 < len(files); i += 2 {
		fw, _ := mw.CreateFormFile("files", files[i])
		io.WriteString(fw, files[i+1])
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, r.abs("/p/upload/"+folder), &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return r.do(req)
}

// TestUploadLink: an upload link says what it is, takes files (two of the same name both saved, the
// stored names never shown), lists and serves nothing, refuses a file over the size limit without
// keeping any of it, and refuses a forged form token.
func TestUploadLink(t *testing.T) {
	e := sharetest.Start(t, "sqlite", sharetest.Options{NoSMTP: true, Config: func(c *share.Config) { c.MaxUploadSize = 1 << 20 }})
	tr := makeTree(t, e)
	l := createLink(t, e, api.LinkCreateItem{Targets: []string{tr.inbox.ID}, LinkType: "upload", Authenticators: password("upload pass")})
	r := newRecipient(t, e)
	if got, want := r.get(linkPath(e, l)).text(t, "grants"), "Upload to folder Inbox"; got != want {
		t.Errorf("open page grants %q, want %q", got, want)
	}
	r = signIn(t, e, l, "upload pass")
	home := r.get("/p/")
	form := home.testid(t, "upload-form")
	if home.text(t, "upload-heading") != "Add files to Inbox" || form.AttrOr("enctype", "") != "multipart/form-data" ||
		form.Find("progress").Length() != 1 {
		t.Fatalf("upload page lacks its form: heading %q, %d forms", home.text(t, "upload-heading"), form.Length())
	}
	csrf := csrfOf(t, home)
	up := upload(t, r, tr.inbox.ID, csrf, "invoice.pdf", "%PDF-1", "invoice.pdf", "%PDF-2")
	// The stored name is looked for in the whole response: no part of it may tell.
	saved := []string{"Saved invoice.pdf.", "Saved invoice.pdf."}
	if got := up.texts(t, "flash"); !slices.Equal(got, saved) || strings.Contains(up.body, "invoice (1).pdf") {
		t.Errorf("two uploads of the same name: page says %q, want %q and no stored name shown", got, saved)
	}
	if got := up.texts(t, "item-name"); len(got) != 0 {
		t.Errorf("upload link lists the folder's files: %q", got)
	}
	list := sharetest.Must(e.Client.List(context.Background(), api.ListRequest{Filter: map[string]any{"parent_id": tr.inbox.ID}}))(t)
	if list.Count != 2 {
		t.Errorf("inbox holds %d files, want 2", list.Count)
	}
	if p := r.get("/p/d/" + list.Objects[0].ID); p.status != http.StatusForbidden {
		t.Errorf("download through an upload link: got %d, want 403", p.status)
	}
	big := upload(t, r, tr.inbox.ID, csrf, "huge.bin", strings.Repeat("x", 2<<20))
	if got, want := big.text(t, "flash-error"), "huge.bin is too large: files can be at most 1.0 MB. It was not saved."; got != want {
		t.Errorf("oversize upload: page says %q, want %q", got, want)
	}
	if n := sharetest.Must(e.Client.List(context.Background(), api.ListRequest{Filter: map[string]any{"parent_id": tr.inbox.ID}}))(t).Count; n != 2 {
		t.Errorf("oversize upload left a file: %d files", n)
	}
	if p := upload(t, r, tr.inbox.ID, "wrong", "x.txt", "x"); p.status != http.StatusForbidden {
		t.Errorf("upload with a forged form token: got %d, want 403", p.status)
	}
}
