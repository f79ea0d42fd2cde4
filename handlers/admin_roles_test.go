package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestAdminRoutesRoles tries every route of the dashboard, activity, API tokens and file actions as
// every role and signed out: allowed, or 403 with nothing changed; signed out, off to sign in.
func TestAdminRoutesRoles(t *testing.T) {
	e := startConsole(t, "sqlite")
	ctx := context.Background()
	c := e.share.Client
	_, file, _ := seedLinks(t, e)
	liveTokens := func() int {
		n := 0
		for _, tok := range sharetest.Must(c.Tokens(ctx))(t).Tokens {
			if tok.RevokedAt == nil {
				n++
			}
		}
		return n
	}
	objects := func() int { return sharetest.Must(c.List(ctx, api.ListRequest{Size: 1}))(t).Count }
	name := func(id string) func() string {
		return func() string { return sharetest.Must(c.Get(ctx, api.GetRequest{ID: id}))(t).Object.Name }
	}
	newToken := func() string {
		_, tok, err := e.share.Svc.CreateToken(ctx, "victim "+sharetest.Sprint(liveTokens()))
		if err != nil {
			t.Fatal(err)
		}
		return tok.ID
	}
	newFile := func(prefix string) api.Object {
		return sharetest.Must(c.Put(ctx, api.PutRequest{Name: prefix + sharetest.Sprint(objects())}, "f", strings.NewReader("f")))(t).Object
	}
	target := sharetest.Must(c.FolderCreate(ctx, api.FolderCreateRequest{Name: "Target"}))(t).Object
	renamed := newFile("rename me ")
	moved := newFile("move me ")

	everyone := map[string]bool{"ada": true, "hal": true, "sam": true, "val": true}
	admins := map[string]bool{"ada": true}
	actions := []struct {
		name    string
		get     bool
		path    func() string
		form    url.Values
		allowed map[string]bool
		state   func() string // what must not change when refused
	}{
		{"dashboard", true, func() string { return "/dashboard" }, nil, everyone, nil},
		{"activity", true, func() string { return "/activity?type=failed_attempt" }, nil, everyone, nil},
		{"tokens", true, func() string { return "/admin/tokens" }, nil, admins, nil},
		{"token created page", true, func() string { return "/admin/tokens/created" }, nil, admins, nil},
		{"token revoke page", true, func() string { return "/admin/tokens/" + newToken() + "/revoke" }, nil, admins, nil},
		{"create token", false, func() string { return "/admin/tokens" }, url.Values{"name": {"t " + sharetest.Sprint(liveTokens())}},
			admins, func() string { return sharetest.Sprint(liveTokens()) }},
		{"revoke token", false, func() string { return "/admin/tokens/" + newToken() + "/revoke" }, url.Values{"confirmed": {"yes"}},
			admins, func() string { return sharetest.Sprint(liveTokens()) }},
		{"download", true, func() string { return "/files/" + file.ID + "/download" }, nil, everyone, nil},
		{"preview", true, func() string { return "/files/" + file.ID + "/preview" }, nil, everyone, nil},
		{"rename form", true, func() string { return "/files/" + renamed.ID + "/rename" }, nil, admins, nil},
		{"rename", false, func() string { return "/files/" + renamed.ID + "/rename" }, url.Values{"name": {"renamed " + sharetest.Sprint(objects())}},
			admins, name(renamed.ID)},
		{"move form", true, func() string { return "/files/" + moved.ID + "/move" }, nil, admins, nil},
		{"move", false, func() string {
			// Back to the top first, so each allowed move moves.
			sharetest.Must(c.Update(ctx, api.UpdateRequest{ID: moved.ID, ParentID: ptr("")}))(t)
			return "/files/" + moved.ID + "/move"
		}, url.Values{"to": {target.ID}}, admins, func() string {
			return sharetest.Must(c.Get(ctx, api.GetRequest{ID: moved.ID}))(t).Object.ParentID
		}},
		{"delete confirmation", true, func() string { return "/files/" + file.ID + "/delete" }, nil, admins, nil},
		{"delete", false, func() string { return "/files/" + newFile("victim ").ID + "/delete" }, url.Values{"confirmed": {"yes"}},
			admins, func() string { return sharetest.Sprint(objects()) }},
	}
	signedIn := signInEach(t, e, everyRole())
	// Signed out: sent to sign in, nothing done.
	for _, a := range actions {
		out := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		path := a.path() // may make what it acts on: before the state is read
		var before string
		if a.state != nil {
			before = a.state()
		}
		method, body := http.MethodGet, ""
		if !a.get {
			method, body = http.MethodPost, a.form.Encode()
		}
		req, _ := http.NewRequest(method, e.url+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := out.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
			t.Errorf("%s signed out: got %d to %q, want 303 to /login", a.name, resp.StatusCode, loc)
		}
		if a.state != nil && a.state() != before {
			t.Errorf("%s signed out: something changed", a.name)
		}
	}
	for _, a := range actions {
		for _, who := range everyRole() {
			path := a.path() // may make what it acts on: before the state is read
			tryAs(t, a.name, who, a.allowed[who], a.state, func() page {
				if a.get {
					return signedIn[who].get(path)
				}
				form := url.Values{}
				for k, v := range a.form {
					form[k] = v
				}
				if n := form.Get("name"); n != "" {
					form.Set("name", n+" by "+who) // a fresh name each time: a taken one would be refused anyway
				}
				return signedIn[who].post(path, form)
			})
		}
	}
	// The pages offer only what a role may do.
	for who, want := range map[string]bool{"ada": true, "hal": false, "sam": false, "val": false} {
		nav := signedIn[who].get("/dashboard").doc(t).Find(`nav a[href="/admin/tokens"]`).Length() == 1
		if nav != want {
			t.Errorf("%s: API tokens in the menu %v, want %v", who, nav, want)
		}
	}
}

// TestAdminFormsNeedTheFormToken: every new form refuses a post without the session's form token and
// changes nothing.
func TestAdminFormsNeedTheFormToken(t *testing.T) {
	e := startConsole(t, "sqlite")
	ctx := context.Background()
	c := e.share.Client
	_, plain, err := e.share.Svc.CreateToken(ctx, "script")
	if err != nil {
		t.Fatal(err)
	}
	f := sharetest.Must(c.Put(ctx, api.PutRequest{Name: "keep.txt"}, "keep.txt", strings.NewReader("k")))(t).Object
	dir := sharetest.Must(c.FolderCreate(ctx, api.FolderCreateRequest{Name: "Dir"}))(t).Object
	ada := e.signIn(t, "ada@example.com")
	ada.get("/files")
	state := func() string {
		toks := sharetest.Must(c.Tokens(ctx))(t).Tokens
		o := sharetest.Must(c.Get(ctx, api.GetRequest{ID: f.ID}))(t).Object
		return sharetest.Sprint(len(toks), toks[len(toks)-1].RevokedAt == nil, o.Name, o.ParentID)
	}
	before := state()
	for _, post := range []struct {
		path string
		form url.Values
	}{
		{"/admin/tokens", url.Values{"name": {"forged"}}},
		{"/admin/tokens/" + plain.ID + "/revoke", url.Values{"confirmed": {"yes"}}},
		{"/files/" + f.ID + "/rename", url.Values{"name": {"forged.txt"}}},
		{"/files/" + f.ID + "/move", url.Values{"to": {dir.ID}}},
		{"/files/" + f.ID + "/delete", url.Values{"confirmed": {"yes"}}},
	} {
		for _, token := range []string{"", "forged"} {
			form := url.Values{"csrf": {token}}
			for k, v := range post.form {
				form[k] = v
			}
			if p := ada.post(post.path, form); p.status != http.StatusForbidden {
				t.Errorf("%s with form token %q: got %d, want 403", post.path, token, p.status)
			}
		}
	}
	if after := state(); after != before {
		t.Errorf("posts without the form token changed something: %s → %s", before, after)
	}
}
