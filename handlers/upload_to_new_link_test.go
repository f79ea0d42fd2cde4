package handlers_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// newLinkUpload posts the New link form as multipart to /links/new/upload: fields in order, with the
// files where the upload field is (after the chooser, before the rest of the form), as browsers send it.
func newLinkUpload(t *testing.T, s *staff, before, after [][2]string, files map[string]string, order ...string) page {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range before {
		mw.WriteField(f[0], f[1])
	}
	for _, name := range order {
		fw, _ := mw.CreateFormFile("files", name)
		fw.Write([]byte(files[name]))
	}
	for _, f := range after {
		mw.WriteField(f[0], f[1])
	}
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, s.env.url+"/links/new/upload", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return s.do(req)
}

// TestUploadFromNewLinkForm: files uploaded from the New link page land in the folder being browsed and
// are chosen, and nothing typed in the form is lost, whether the upload works, stops half way, or
// was forgotten before Create.
func TestUploadFromNewLinkForm(t *testing.T) {
	e := startConsole(t, "sqlite")
	folder, file, _ := seedLinks(t, e)
	sam := e.signIn(t, "sam@example.com")
	batch := batchOf(t, sam.get("/links/new"))
	before := [][2]string{{"csrf", sam.csrf}, {"batch", batch}, {"at", folder.ID}, {"search", ""}, {"target", file.ID}}
	typed := [][2]string{{"type", "download"}, {"expiry", "30"}, {"max_access", "4"},
		{"recipients", "kim@partner.example\nboss@partner.example"}, {"password", "tide-pool-42"},
		{"title", "Drafts for Kim"}, {"message", "Here are the drafts."}, {"tags", "legal"}, {"op", "upload"}}
	keptFields := func(t *testing.T, p page) {
		t.Helper()
		d := p.doc(t)
		checks := []struct{ what, got, want string }{
			{"recipients", d.Find("textarea#recipients").Text(), "kim@partner.example\nboss@partner.example"},
			{"password", d.Find("input#password").AttrOr("value", ""), "tide-pool-42"},
			{"title", d.Find("input#title").AttrOr("value", ""), "Drafts for Kim"},
			{"message", d.Find("textarea#message").Text(), "Here are the drafts."},
			{"max_access", d.Find("input#max_access").AttrOr("value", ""), "4"},
			{"expiry", d.Find("select#expiry option[selected]").AttrOr("value", ""), "30"},
			{"batch", d.Find(`input[name="batch"]`).AttrOr("value", ""), batch},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s after the upload: got %q, want %q", c.what, c.got, c.want)
			}
		}
	}

	t.Run("uploaded files are chosen", func(t *testing.T) {
		p := newLinkUpload(t, sam, before, typed, map[string]string{"draft-1.txt": "one", "draft-2.txt": "two"},
			"draft-1.txt", "draft-2.txt")
		if p.status != http.StatusOK {
			t.Fatalf("status %d: %s", p.status, p.body)
		}
		keptFields(t, p)
		if got, want := p.texts(t, "selected-name"), []string{"draft-1.txt", "draft-2.txt", "nda.txt"}; strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("chosen: got %v, want %v", got, want)
		}
		if got := p.text(t, "new-upload-status"); got != "Uploaded and chosen: draft-1.txt, draft-2.txt." {
			t.Errorf("status: got %q", got)
		}
		for _, name := range []string{"draft-1.txt", "draft-2.txt"} {
			if _, ok := objectNamed(t, e, folder.ID, name); !ok {
				t.Errorf("%s is not in folder %s", name, folder.Name)
			}
		}
	})

	t.Run("a refused file keeps the form and the files before it", func(t *testing.T) {
		p := newLinkUpload(t, sam, before, typed, map[string]string{"draft-3.txt": "three", "nda.txt": "again", "draft-4.txt": "four"},
			"draft-3.txt", "nda.txt", "draft-4.txt")
		keptFields(t, p)
		if got := p.text(t, "field-error-new-up"); got != "nda.txt was not saved: a file with that name is already in this folder." {
			t.Errorf("field error: got %q", got)
		}
		if got := p.doc(t).Find("input#new-up").AttrOr("aria-invalid", ""); got != "true" {
			t.Errorf("upload field aria-invalid: got %q, want true", got)
		}
		if got := p.text(t, "error-summary"); !strings.Contains(got, "Nothing more was uploaded") {
			t.Errorf("summary: got %q", got)
		}
		if got := strings.Join(p.texts(t, "selected-name"), ","); got != "draft-3.txt,nda.txt" {
			t.Errorf("chosen: got %v, want draft-3.txt (stored before the problem) and nda.txt", got)
		}
		if _, ok := objectNamed(t, e, folder.ID, "draft-4.txt"); ok {
			t.Error("a file after the refused one was stored")
		}
	})

	t.Run("no file chosen", func(t *testing.T) {
		p := newLinkUpload(t, sam, before, typed, nil)
		keptFields(t, p)
		if got := p.text(t, "field-error-new-up"); got != "Choose one or more files to upload." {
			t.Errorf("field error: got %q", got)
		}
	})

	t.Run("without the form token", func(t *testing.T) {
		p := newLinkUpload(t, sam, before[1:], typed, map[string]string{"sneaky.txt": "x"}, "sneaky.txt")
		if p.status != http.StatusForbidden {
			t.Errorf("status: got %d, want %d", p.status, http.StatusForbidden)
		}
		if _, ok := objectNamed(t, e, folder.ID, "sneaky.txt"); ok {
			t.Error("a file without the form token was stored")
		}
	})

	t.Run("files picked but not uploaded before Create", func(t *testing.T) {
		form := url.Values{"batch": {batch}, "target": {file.ID}, "type": {"download"}, "expiry": {"7"},
			"max_access": {"3"}, "recipients": {"kim@partner.example"}, "files": {"forgotten.pdf"}}
		p := sam.post("/links/new", form)
		if p.status != http.StatusBadRequest {
			t.Errorf("status: got %d, want %d", p.status, http.StatusBadRequest)
		}
		if got := p.text(t, "field-error-new-up"); got != "The files you picked are not uploaded yet: press Upload, then Create." {
			t.Errorf("field error: got %q", got)
		}
	})
}
