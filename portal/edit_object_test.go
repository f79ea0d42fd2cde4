package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/api"
)

// TestEditorActions: an editor link uploads beside a taken name without overwriting it, renames and
// deletes (a folder with what it holds); a forged form token or a cross-site post is refused and
// changes nothing.
func TestEditorActions(t *testing.T) {
	e, tr := startTree(t)
	_, r := signedInTo(t, e, api.LinkCreateItem{Targets: []string{tr.docs.ID}, LinkType: "editor"}, "editor pass")
	csrf := csrfOf(t, r.get("/p/"))
	up := upload(t, r, tr.docs.ID, csrf, "a.txt", "second alpha", "new.txt", "fresh")
	if !strings.Contains(up.body, `Saved a.txt as &#34;a (1).txt&#34;`) || !strings.Contains(up.body, "Saved new.txt.") {
		t.Errorf("upload with a clashing name: page says %q", up.body)
	}
	if orig := r.get("/p/d/" + tr.a.ID); orig.body != "alpha" {
		t.Errorf("the existing a.txt was overwritten: %q", orig.body)
	}
	rn := r.post("/p/rename/"+tr.b.ID, url.Values{"csrf": {csrf}, "name": {"renamed.txt"}})
	if !strings.Contains(rn.body, "Renamed to renamed.txt.") || !strings.Contains(rn.body, ">renamed.txt<") {
		t.Errorf("rename: page lacks the new name")
	}
	if p := r.post("/p/rename/"+tr.b.ID, url.Values{"csrf": {csrf}, "name": {"a.txt"}}); !strings.Contains(p.body, "already exists") {
		t.Errorf("rename onto a taken name: no clear message")
	}
	del := r.post("/p/delete/"+tr.sub.ID, url.Values{"csrf": {csrf}})
	if !strings.Contains(del.body, "Deleted Sub.") || strings.Contains(del.body, ">📁 Sub<") {
		t.Errorf("delete: page still lists Sub")
	}
	if _, err := e.Client.Get(context.Background(), api.GetRequest{ID: tr.c.ID}); !api.IsStatus(err, "NotFound") {
		t.Errorf("file inside the deleted folder: %v", err)
	}
	if p := r.post("/p/delete/"+tr.a.ID, url.Values{"csrf": {"forged"}}); p.status != http.StatusForbidden {
		t.Errorf("delete with a forged form token: got %d, want 403", p.status)
	}
	req, _ := http.NewRequest(http.MethodPost, r.abs("/p/delete/"+tr.a.ID), strings.NewReader("csrf="+csrf))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if p := r.do(req); p.status != http.StatusForbidden {
		t.Errorf("cross-site delete: got %d, want 403", p.status)
	}
	if got := r.get("/p/d/" + tr.a.ID); got.body != "alpha" {
		t.Error("a refused delete removed the file")
	}
}
