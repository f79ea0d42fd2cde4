package handlers_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/consoledb"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// uploadAs uploads one file through the console into folder, as the signed-in person.
func uploadAs(t *testing.T, s *staff, folder, name, body string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", s.csrf)
	mw.WriteField("folder", folder)
	fw, _ := mw.CreateFormFile("files", name)
	fw.Write([]byte(body))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, s.env.url+"/files/upload", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if p := s.do(req); p.status != http.StatusOK {
		t.Fatalf("upload %s: %d", name, p.status)
	}
}

// objectNamed finds an object by name in a folder.
func objectNamed(t *testing.T, e *consoleEnv, parent, name string) (api.Object, bool) {
	t.Helper()
	res := sharetest.Must(e.share.Client.List(context.Background(), api.ListRequest{Filter: map[string]any{"parent_id": parent}, Size: 100}))(t)
	for _, o := range res.Objects {
		if o.Name == name {
			return o, true
		}
	}
	return api.Object{}, false
}

// TestFileDownloadAndPreview: every role that browses may download; a preview shows images, PDF and
// text inline with a safe type and a sandbox, and anything else (HTML above all) only as a download.
func TestFileDownloadAndPreview(t *testing.T) {
	e := startConsole(t, "sqlite")
	ctx := context.Background()
	put := func(name, body string) api.Object {
		return sharetest.Must(e.share.Client.Put(ctx, api.PutRequest{Name: name}, name, strings.NewReader(body)))(t).Object
	}
	txt := put("notes.txt", "plain notes")
	html := put("page.html", "<script>alert(1)</script>")
	png := put("pixel.png", "\x89PNG\r\n\x1a\n")
	// A name stored before direction controls were refused (the API refuses them now).
	odd := put("invoice.exe", "MZ")
	if _, err := e.share.Store.SQL().Exec("UPDATE objects SET name = ? WHERE id = ?", "invoice\u202efdp.exe", odd.ID); err != nil {
		t.Fatal(err)
	}
	folder := sharetest.Must(e.share.Client.FolderCreate(ctx, api.FolderCreateRequest{Name: "Box"}))(t).Object
	val := e.signIn(t, "val@example.com")

	files := val.get("/files")
	if n := files.testid(t, "file-download").Length(); n != 4 {
		t.Errorf("download links: %d, want one per file (4)", n)
	}
	if got := files.testid(t, "file-preview").Length(); got != 2 {
		t.Errorf("preview links: %d, want 2 (the text and the image)", got)
	}
	tests := []struct {
		name, path, wantType, wantDisposition, wantBody string
	}{
		{"text preview", "/files/" + txt.ID + "/preview", "text/plain; charset=utf-8", `inline; filename=notes.txt`, "plain notes"},
		{"image preview", "/files/" + png.ID + "/preview", "image/png", `inline; filename=pixel.png`, "\x89PNG\r\n\x1a\n"},
		{"html is never shown", "/files/" + html.ID + "/preview", "application/octet-stream", `attachment; filename=page.html`, "<script>alert(1)</script>"},
		{"download", "/files/" + txt.ID + "/download", "application/octet-stream", `attachment; filename=notes.txt`, "plain notes"},
		{"no direction controls in the name", "/files/" + odd.ID + "/download", "application/octet-stream", `attachment; filename=invoicefdp.exe`, "MZ"},
	}
	for _, tt := range tests {
		p := val.get(tt.path)
		checks := []struct{ what, got, want string }{
			{"status", http.StatusText(p.status), "OK"},
			{"type", p.header.Get("Content-Type"), tt.wantType},
			{"disposition", p.header.Get("Content-Disposition"), tt.wantDisposition},
			{"csp", p.header.Get("Content-Security-Policy"), "default-src 'none'; style-src 'unsafe-inline'; sandbox"},
			{"nosniff", p.header.Get("X-Content-Type-Options"), "nosniff"},
			{"body", p.body, tt.wantBody},
		}
		for _, c := range checks {
			if c.got != c.want {
				t.Errorf("%s: %s %q, want %q", tt.name, c.what, c.got, c.want)
			}
		}
	}
	if p := val.get("/files/" + folder.ID + "/download"); p.status != http.StatusNotFound {
		t.Errorf("downloading a folder: %d, want 404", p.status)
	}
	entries := sharetest.Must(e.db.Audit(ctx, consoledb.AuditFilter{Action: "download"}))(t)
	if len(entries) != len(tests) || entries[0].ActorEmail != "val@example.com" {
		t.Errorf("audit: %d download entries, want %d by val", len(entries), len(tests))
	}
}

// TestRenameAndMove: admins rename and move anything, sharers what they uploaded or created; a taken
// name, an empty one and a folder moved into itself come back as clear errors, and nothing changes.
func TestRenameAndMove(t *testing.T) {
	e := startConsole(t, "sqlite")
	ctx := context.Background()
	c := e.share.Client
	docs := sharetest.Must(c.FolderCreate(ctx, api.FolderCreateRequest{Name: "Docs"}))(t).Object
	inner := sharetest.Must(c.FolderCreate(ctx, api.FolderCreateRequest{Name: "Inner", ParentID: docs.ID}))(t).Object
	archive := sharetest.Must(c.FolderCreate(ctx, api.FolderCreateRequest{Name: "Archive"}))(t).Object
	sharetest.Must(c.Put(ctx, api.PutRequest{ParentID: archive.ID, Name: "plan.txt"}, "plan.txt", strings.NewReader("x")))(t)
	plan := sharetest.Must(c.Put(ctx, api.PutRequest{ParentID: docs.ID, Name: "plan.txt"}, "plan.txt", strings.NewReader("p")))(t).Object
	sharetest.Must(c.Put(ctx, api.PutRequest{ParentID: docs.ID, Name: "budget.txt"}, "budget.txt", strings.NewReader("b")))(t)

	ada := e.signIn(t, "ada@example.com")
	form := ada.get("/files/" + plan.ID + "/rename")
	if v, _ := form.doc(t).Find("#rename-name").Attr("value"); form.status != http.StatusOK || v != "plan.txt" {
		t.Fatalf("rename form: %d with %q", form.status, v)
	}
	for _, c := range []struct{ name, typed, want string }{
		{"taken", "budget.txt", "There is already something called “budget.txt” in this folder."},
		{"empty", "   ", "Give it a name."},
		{"slash", "a/b.txt", "The name "},
		{"long, in accented letters", strings.Repeat("é", 200), "The name is 400 bytes long and may be at most 255"},
	} {
		p := ada.post("/files/"+plan.ID+"/rename", url.Values{"name": {c.typed}})
		if got := p.text(t, "field-error-name"); p.status != http.StatusBadRequest || !strings.HasPrefix(got, c.want) {
			t.Errorf("rename %s: got %d %q, want 400 %q", c.name, p.status, got, c.want)
		}
		if v, _ := p.doc(t).Find("#rename-name").Attr("value"); v != c.typed {
			t.Errorf("rename %s: the field holds %q, want what was typed", c.name, v)
		}
	}
	if p := ada.post("/files/"+plan.ID+"/rename", url.Values{"name": {"plan v2.txt"}}); p.text(t, "flash") != "Renamed “plan.txt” to “plan v2.txt”." {
		t.Errorf("rename: flash %q", p.text(t, "flash"))
	}
	if _, ok := objectNamed(t, e, docs.ID, "plan v2.txt"); !ok {
		t.Error("the file was not renamed")
	}

	// Moving: the page starts in the item's folder, with breadcrumbs, and opens folders one by one.
	mv := ada.get("/files/" + docs.ID + "/move")
	if got := mv.text(t, "crumbs"); got != "All files" {
		t.Errorf("move page crumbs: %q, want All files", got)
	}
	if got := mv.text(t, "move-folders"); !strings.Contains(got, "Docs (the folder being moved)") || !strings.Contains(got, "Archive") {
		t.Errorf("move page folders: %q", got)
	}
	into := ada.post("/files/"+docs.ID+"/move", url.Values{"to": {inner.ID}})
	if got := into.text(t, "move-problem"); into.status != http.StatusBadRequest || !strings.Contains(got, "cannot go inside itself") {
		t.Errorf("a folder into its own folder: got %d %q", into.status, got)
	}
	if got := strings.Join(strings.Fields(strings.ReplaceAll(into.text(t, "crumbs"), "/", " / ")), " "); got != "All files / Docs / Inner" {
		t.Errorf("after a refusal the page looks at %q, want All files / Docs / Inner", got)
	}
	// A destination that is a file or is gone (a stale page): said on the page, which looks into the
	// folder the item is in.
	budget, _ := objectNamed(t, e, docs.ID, "budget.txt")
	for _, d := range []struct{ name, to, want string }{
		{"onto a file", budget.ID, "“budget.txt” is a file, not a folder. Choose a folder."},
		{"into a folder that is gone", "pos_gone00000000000000000000000000", "The folder you chose no longer exists. Choose another."},
	} {
		p := ada.post("/files/"+inner.ID+"/move", url.Values{"to": {d.to}})
		if got := p.text(t, "move-problem"); p.status != http.StatusBadRequest || got != d.want {
			t.Errorf("move %s: got %d %q, want 400 %q", d.name, p.status, got, d.want)
		}
		if got := strings.Join(strings.Fields(strings.ReplaceAll(p.text(t, "crumbs"), "/", " / ")), " "); got != "All files / Docs" {
			t.Errorf("move %s: the page looks at %q, want All files / Docs", d.name, got)
		}
	}
	plan2, _ := objectNamed(t, e, docs.ID, "plan v2.txt")
	sharetest.Must(c.Update(ctx, api.UpdateRequest{ID: plan2.ID, Name: ptr("plan.txt")}))(t)
	taken := ada.post("/files/"+plan2.ID+"/move", url.Values{"to": {archive.ID}})
	if got := taken.text(t, "move-problem"); taken.status != http.StatusBadRequest || !strings.Contains(got, "already something called “plan.txt”") {
		t.Errorf("a name taken there: got %d %q", taken.status, got)
	}
	if p := ada.post("/files/"+inner.ID+"/move", url.Values{"to": {""}}); p.text(t, "flash") != "Moved “Inner” to the top folder." {
		t.Errorf("move to the top: flash %q", p.text(t, "flash"))
	}
	if _, ok := objectNamed(t, e, "", "Inner"); !ok {
		t.Error("Inner was not moved to the top")
	}

	// Sharers: their own uploads, not the rest.
	sam := e.signIn(t, "sam@example.com")
	uploadAs(t, sam, docs.ID, "mine.txt", "m")
	mine, _ := objectNamed(t, e, docs.ID, "mine.txt")
	page := sam.get("/files?folder=" + docs.ID)
	if n := page.testid(t, "file-rename").Length(); n != 1 {
		t.Errorf("a sharer is offered rename on %d items, want 1 (their own)", n)
	}
	if p := sam.post("/files/"+mine.ID+"/rename", url.Values{"name": {"mine2.txt"}}); p.status != http.StatusOK {
		t.Errorf("a sharer renaming their upload: %d", p.status)
	}
	if p := sam.post("/files/"+plan2.ID+"/rename", url.Values{"name": {"stolen.txt"}}); p.status != http.StatusForbidden {
		t.Errorf("a sharer renaming another's file: %d, want 403", p.status)
	}
	if _, ok := objectNamed(t, e, docs.ID, "stolen.txt"); ok {
		t.Error("a refused rename renamed")
	}
}

func ptr[T any](v T) *T { return &v }

// TestDeleteWithoutJavaScript: a delete posted without the browser's confirmation (no JavaScript)
// deletes nothing and shows a page saying what would go; its own form deletes.
func TestDeleteWithoutJavaScript(t *testing.T) {
	e := startConsole(t, "sqlite")
	folder, file, _ := seedLinks(t, e) // Contracts/nda.txt, shared by two links, Contracts by a third
	// Deeper down: Contracts/2026/msa.pdf, shared by a link of its own and by one with nda.txt.
	ctx := context.Background()
	c := e.share.Client
	year := sharetest.Must(c.FolderCreate(ctx, api.FolderCreateRequest{Name: "2026", ParentID: folder.ID}))(t).Object
	msa := sharetest.Must(c.Put(ctx, api.PutRequest{ParentID: year.ID, Name: "msa.pdf"}, "msa.pdf", strings.NewReader("M")))(t).Object
	for _, targets := range [][]string{{msa.ID}, {msa.ID, file.ID}} {
		sharetest.Must(c.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{Targets: targets,
			Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "long enough password"}}}}}))(t)
	}
	ada := e.signIn(t, "ada@example.com")
	exists := func(id string) bool {
		_, err := e.share.Client.Get(context.Background(), api.GetRequest{ID: id})
		return err == nil
	}
	// A folder's Delete on the Files page leads to the page that says what goes, script or not.
	if href := ada.get("/files").doc(t).Find(`[data-testid=file-delete][aria-label="Delete Contracts…"]`).AttrOr("href", ""); href !=
		"/files/"+folder.ID+"/delete?folder=" {
		t.Errorf("a folder's Delete: href %q, want its confirmation page", href)
	}
	p := ada.post("/files/"+folder.ID+"/delete", url.Values{})
	if p.status != http.StatusOK || !strings.HasPrefix(p.path, "/files/"+folder.ID+"/delete") || !exists(folder.ID) {
		t.Fatalf("unconfirmed delete: %d at %s (exists: %v), want the confirmation page and nothing deleted", p.status, p.path, exists(folder.ID))
	}
	sharetest.CheckTexts(t, "folder's delete confirmation", p.body,
		sharetest.Want{ID: "page-heading", Text: "Delete the folder “Contracts” and everything in it?"},
		sharetest.Want{ID: "delete-contents", Text: "It holds 3 items, counting what is inside its folders, and all of them go too."},
		sharetest.Want{ID: "delete-links",
			Text: "5 links share it or something in it: their recipients will no longer find what was shared. This cannot be undone."})
	if p := ada.get("/files/" + file.ID + "/delete"); p.text(t, "page-heading") != "Delete the file “nda.txt”?" ||
		!strings.HasPrefix(p.text(t, "delete-links"), "3 links share it:") {
		t.Errorf("file: %q, %q", p.text(t, "page-heading"), p.text(t, "delete-links"))
	}
	done := ada.post("/files/"+folder.ID+"/delete", url.Values{"confirmed": {"yes"}})
	if done.status != http.StatusOK || done.text(t, "flash") != "Deleted Contracts." || exists(folder.ID) || exists(file.ID) {
		t.Errorf("confirmed delete: %d %q (folder exists: %v)", done.status, done.text(t, "flash"), exists(folder.ID))
	}
}
