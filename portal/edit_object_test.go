package portal_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
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
	want := []string{`Saved a.txt as "a (1).txt", because a file with that name is already there.`, "Saved new.txt."}
	if got := up.texts(t, "flash"); !slices.Equal(got, want) {
		t.Errorf("upload with a clashing name: page says %q, want %q", got, want)
	}
	if orig := r.get("/p/d/" + tr.a.ID); orig.body != "alpha" {
		t.Errorf("the existing a.txt was overwritten: %q", orig.body)
	}
	rn := r.post("/p/rename/"+tr.b.ID, url.Values{"csrf": {csrf}, "name": {"renamed.txt"}})
	if got := rn.text(t, "flash"); got != "Renamed to renamed.txt." || !slices.Contains(rn.texts(t, "item-name"), "renamed.txt") {
		t.Errorf("rename: page says %q and lists %q, want the new name in both", got, rn.texts(t, "item-name"))
	}
	taken := r.post("/p/rename/"+tr.b.ID, url.Values{"csrf": {csrf}, "name": {"a.txt"}})
	if got, want := taken.text(t, "flash-error"), `An object named "a.txt" already exists in this folder.`; got != want {
		t.Errorf("rename onto a taken name: page says %q, want %q", got, want)
	}
	del := r.post("/p/delete/"+tr.sub.ID, url.Values{"csrf": {csrf}})
	if got := del.text(t, "flash"); got != "Deleted Sub." || slices.Contains(del.texts(t, "item-name"), "Sub") {
		t.Errorf("delete: page says %q and lists %q, want Sub gone", got, del.texts(t, "item-name"))
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
