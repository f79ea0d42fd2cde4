package handlers_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestRoleMatrix tries every action as every role: allowed actions succeed, the others answer 403
// and change nothing.
func TestRoleMatrix(t *testing.T) {
	e := startConsole(t, "sqlite")
	folder, file, _ := seedLinks(t, e)
	ctx := context.Background()
	count := func() int { return sharetest.Must(e.share.Client.LinkList(ctx, api.LinkListRequest{}))(t).Count }
	objects := func() int { return sharetest.Must(e.share.Client.List(ctx, api.ListRequest{}))(t).Count }

	newLink := func(s *staff) page {
		return s.post("/links/new", url.Values{"target": {file.ID}, "type": {"download"}, "expiry": {"7"}, "max_access": {"5"},
			"recipients": {"someone@example.com"}, "title": {"matrix " + s.csrf[:6]}})
	}
	seeded := map[string]any{"title__in": []string{"Signed NDA", "Q3 board pack", "Supplier invoices"}}
	revokeOne := func(s *staff) page {
		// A link nobody created through the console, so only revoke-any roles may revoke it.
		l := sharetest.Must(e.share.Client.LinkList(ctx, api.LinkListRequest{Size: 1, Filter: seeded}))(t).ShareLinkObjects[0]
		return s.post("/links/revoke", url.Values{"id": {l.ID}})
	}
	sendOne := func(s *staff) page {
		// Their own link where they made one (sharers may send only those), else a seeded one.
		ls := sharetest.Must(e.share.Client.LinkList(ctx, api.LinkListRequest{Size: 1, Filter: map[string]any{"title": "matrix " + s.csrf[:6]}}))(t).ShareLinkObjects
		if len(ls) == 0 {
			ls = sharetest.Must(e.share.Client.LinkList(ctx, api.LinkListRequest{Size: 1, Filter: seeded}))(t).ShareLinkObjects
		}
		return s.post("/links/"+ls[0].ID+"/send", url.Values{"email": {"again@example.com"}})
	}
	// Edit follows send: their own link for sharers, a seeded one otherwise; each edit raises the limit.
	editOne := func(s *staff) page {
		ls := sharetest.Must(e.share.Client.LinkList(ctx, api.LinkListRequest{Size: 1, Filter: map[string]any{"title": "matrix " + s.csrf[:6]}}))(t).ShareLinkObjects
		if len(ls) == 0 {
			ls = sharetest.Must(e.share.Client.LinkList(ctx, api.LinkListRequest{Size: 1, Filter: seeded}))(t).ShareLinkObjects
		}
		if p := s.get("/links/" + ls[0].ID + "/edit"); p.status >= 400 {
			return p
		}
		return s.post("/links/"+ls[0].ID+"/edit", url.Values{"max_access": {strconv.Itoa(ls[0].MaxAccessCount + 1)}})
	}
	limits := func() int {
		n := 0
		for _, l := range sharetest.Must(e.share.Client.LinkList(ctx, api.LinkListRequest{Size: 100}))(t).ShareLinkObjects {
			n += l.MaxAccessCount
		}
		return n
	}
	newFolder := func(s *staff) page {
		return s.post("/files/folder", url.Values{"name": {"F " + s.csrf[:8]}})
	}
	upload := func(s *staff) page {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("csrf", s.csrf)
		mw.WriteField("folder", folder.ID)
		fw, _ := mw.CreateFormFile("files", "up-"+s.csrf[:8]+".txt")
		fw.Write([]byte("hello"))
		mw.Close()
		req, _ := http.NewRequest(http.MethodPost, e.url+"/files/upload", &buf)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return s.do(req)
	}
	deleteFile := func(s *staff) page {
		o := sharetest.Must(e.share.Client.Put(ctx, api.PutRequest{Name: "victim-" + s.csrf[:8]}, "v", strings.NewReader("v")))(t).Object
		return s.post("/files/"+o.ID+"/delete", url.Values{"confirmed": {"yes"}})
	}
	actions := []struct {
		name    string
		run     func(*staff) page
		allowed map[string]bool
		state   func() int
	}{
		{"browse links", func(s *staff) page { return s.get("/links") }, map[string]bool{"ada": true, "hal": true, "sam": true, "val": true}, nil},
		{"browse files", func(s *staff) page { return s.get("/files") }, map[string]bool{"ada": true, "hal": true, "sam": true, "val": true}, nil},
		{"new link form", func(s *staff) page { return s.get("/links/new") }, map[string]bool{"ada": true, "sam": true}, nil},
		{"create link", newLink, map[string]bool{"ada": true, "sam": true}, count},
		{"send link", sendOne, map[string]bool{"ada": true, "hal": true, "sam": true}, nil},
		{"edit link", editOne, map[string]bool{"ada": true, "hal": true, "sam": true}, limits},
		{"edit form", func(s *staff) page {
			l := sharetest.Must(e.share.Client.LinkList(ctx, api.LinkListRequest{Size: 1, Filter: seeded}))(t).ShareLinkObjects[0]
			return s.get("/links/" + l.ID + "/edit")
		}, map[string]bool{"ada": true, "hal": true}, nil},
		{"new folder", newFolder, map[string]bool{"ada": true, "sam": true}, objects},
		{"upload", upload, map[string]bool{"ada": true, "sam": true}, objects},
		{"audit", func(s *staff) page { return s.get("/audit") }, map[string]bool{"ada": true}, nil},
		{"audit csv", func(s *staff) page { return s.get("/audit?format=csv") }, map[string]bool{"ada": true}, nil},
		{"sessions", func(s *staff) page { return s.get("/admin/sessions") }, map[string]bool{"ada": true}, nil},
		{"link detail", func(s *staff) page {
			l := sharetest.Must(e.share.Client.LinkList(ctx, api.LinkListRequest{Size: 1, Filter: seeded}))(t).ShareLinkObjects[0]
			return s.get("/links/" + l.ID)
		}, map[string]bool{"ada": true, "hal": true, "sam": true, "val": true}, nil},
		{"revoke confirmation page", func(s *staff) page {
			l := sharetest.Must(e.share.Client.LinkList(ctx, api.LinkListRequest{Size: 1, Filter: seeded}))(t).ShareLinkObjects[0]
			return s.get("/links/revoke?id=" + l.ID)
		}, map[string]bool{"ada": true, "hal": true}, nil},
		{"end another session", func(s *staff) page {
			victim := e.signIn(t, "val@example.com")
			victim.get("/links")
			rows, _ := e.db.Sessions(ctx, 0, 0)
			for _, r := range rows {
				if r.Email == "val@example.com" {
					return s.post("/admin/sessions/"+r.IDHash+"/end", url.Values{})
				}
			}
			t.Fatal("no session to end")
			return page{}
		}, map[string]bool{"ada": true}, nil},
		{"revoke any link", revokeOne, map[string]bool{"ada": true, "hal": true}, count},
		{"delete file", deleteFile, map[string]bool{"ada": true}, nil},
	}
	signedIn := signInEach(t, e, everyRole())
	for _, a := range actions {
		for _, who := range everyRole() {
			tryAs(t, a.name, who, a.allowed[who], a.state, func() page { return a.run(signedIn[who]) })
		}
	}
	// The pages offer only what a role may do.
	if p := signedIn["val"].get("/links"); p.testid(t, "revoke-selected").Length() != 0 || p.testid(t, "new-link").Length() != 0 {
		t.Error("a viewer is offered revoke or new link")
	}
	if p := signedIn["hal"].get("/links"); p.text(t, "revoke-selected") != "Revoke selected…" || p.testid(t, "new-link").Length() != 0 {
		t.Error("helpdesk: wrong actions offered")
	}
	// A sharer may revoke what they created, and only that.
	sam := signedIn["sam"]
	newLink(sam)
	mine := sharetest.Must(e.share.Client.LinkList(ctx, api.LinkListRequest{Filter: map[string]any{"title__contains": []string{"matrix " + sam.csrf[:6]}}}))(t).ShareLinkObjects
	if len(mine) == 0 {
		t.Fatal("sam's link was not created")
	}
	if p := sam.post("/links/revoke", url.Values{"id": {mine[0].ID}}); p.status >= 400 {
		t.Errorf("sharer revoking own link: got %d", p.status)
	}
	ada := signedIn["ada"]
	newLink(ada)
	adas := sharetest.Must(e.share.Client.LinkList(ctx, api.LinkListRequest{Filter: map[string]any{"title__contains": []string{"matrix " + ada.csrf[:6]}}}))(t).ShareLinkObjects
	if len(adas) == 0 {
		t.Fatal("ada's link was not created")
	}
	if p := sam.post("/links/revoke", url.Values{"id": {adas[0].ID}}); p.status != http.StatusForbidden {
		t.Errorf("sharer revoking someone else's link: got %d, want 403", p.status)
	}
	if p := sam.post("/links/"+adas[0].ID+"/edit", url.Values{"max_access": {"99"}}); p.status != http.StatusForbidden ||
		sharetest.Must(e.share.Client.LinkGet(ctx, api.LinkGetRequest{ID: adas[0].ID}))(t).ShareLinkObject.MaxAccessCount == 99 {
		t.Errorf("sharer editing someone else's link: got %d, want 403 and nothing changed", p.status)
	}
	// Nobody without a role gets in.
	nia := e.signIn(t, "nia@example.com")
	// Anywhere in the response: no part of the page may show a link to someone without a role.
	if p := nia.get("/links"); p.status == http.StatusOK && strings.Contains(p.body, "Signed NDA") {
		t.Error("a person without a role sees links")
	}
}

// everyRole is one person of each role: ada an admin, hal the help desk, sam a sharer, val a viewer.
func everyRole() []string { return []string{"ada", "hal", "sam", "val"} }

// signInEach signs each of people in, by the name before @example.com.
func signInEach(t *testing.T, e *consoleEnv, people []string) map[string]*staff {
	t.Helper()
	signedIn := map[string]*staff{}
	for _, who := range people {
		signedIn[who] = e.signIn(t, who+"@example.com")
	}
	return signedIn
}

// tryAs does an action as who and checks the answer against what their role may do: allowed, it
// succeeds and changes what state reads; refused, it answers 403 and changes nothing. An action with
// nothing to watch has a nil state.
func tryAs[S comparable](t *testing.T, action, who string, allowed bool, state func() S, do func() page) {
	t.Helper()
	var before S
	if state != nil {
		before = state()
	}
	p := do()
	switch {
	case allowed && p.status >= 400:
		t.Errorf("%s as %s: got %d, want success\n%.300s", action, who, p.status, p.body)
	case !allowed && p.status != http.StatusForbidden:
		t.Errorf("%s as %s: got %d, want 403", action, who, p.status)
	}
	if state == nil {
		return
	}
	switch after := state(); {
	case allowed && after == before:
		t.Errorf("%s as %s: allowed, but nothing changed", action, who)
	case !allowed && after != before:
		t.Errorf("%s as %s: refused, but something changed (%v → %v)", action, who, before, after)
	}
}

func TestCSRF(t *testing.T) {
	e := startConsole(t, "sqlite")
	_, _, links := seedLinks(t, e)
	ada := e.signIn(t, "ada@example.com")
	ada.get("/links")
	ctx := context.Background()
	exists := func() bool {
		_, err := e.share.Client.LinkGet(ctx, api.LinkGetRequest{ID: links[0].ID})
		return err == nil
	}
	// Without the form token.
	if p := ada.post("/links/revoke", url.Values{"id": {links[0].ID}, "csrf": {""}}); p.status != http.StatusForbidden || !exists() {
		t.Errorf("post without form token: got %d (link exists: %v)", p.status, exists())
	}
	// With a wrong one.
	if p := ada.post("/links/revoke", url.Values{"id": {links[0].ID}, "csrf": {"forged"}}); p.status != http.StatusForbidden || !exists() {
		t.Errorf("post with a forged token: got %d", p.status)
	}
	// Cross-site, even with the right token (the browser would send the cookie).
	form := url.Values{"id": {links[0].ID}, "csrf": {ada.csrf}}
	req, _ := http.NewRequest(http.MethodPost, e.url+"/links/revoke", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	if p := ada.do(req); p.status != http.StatusForbidden || !exists() {
		t.Errorf("cross-site post: got %d", p.status)
	}
	// Multipart is no way around the token.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("id", links[0].ID)
	mw.Close()
	req, _ = http.NewRequest(http.MethodPost, e.url+"/links/revoke", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if p := ada.do(req); p.status != http.StatusForbidden || !exists() {
		t.Errorf("multipart post without token: got %d", p.status)
	}
	// And the real thing works.
	if p := ada.post("/links/revoke", url.Values{"id": {links[0].ID}}); p.status != http.StatusOK || exists() {
		t.Errorf("genuine revoke: got %d, link exists: %v", p.status, exists())
	}
}
