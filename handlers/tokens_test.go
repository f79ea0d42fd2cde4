package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/consoledb"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestAPITokens: an admin makes a token; the secret is on the one page after the post (Post/Redirect/
// Get), never in a URL, the session row, a log or a second visit; a taken name comes back beside the
// field as typed; revoking without JavaScript goes through a confirmation page; both are audited.
func TestAPITokens(t *testing.T) {
	e := startConsole(t, "sqlite")
	ctx := context.Background()
	ada := e.signIn(t, "ada@example.com")

	list := ada.get("/admin/tokens")
	if list.status != http.StatusOK || !strings.Contains(list.text(t, "token-name"), "test") {
		t.Fatalf("tokens page: %d, names %q; want the console's own token listed", list.status, list.texts(t, "token-name"))
	}

	// Create: the answer is a redirect to the page that shows the token, not the token itself.
	req, _ := http.NewRequest(http.MethodPost, e.url+"/admin/tokens", strings.NewReader(url.Values{"csrf": {ada.csrf}, "name": {"nightly export"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	noFollow := *ada.http
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noFollow.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if got := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || got != "/admin/tokens/created" {
		t.Fatalf("create: got %d to %q, want 303 to /admin/tokens/created", resp.StatusCode, got)
	}
	var made api.APIToken
	for _, tok := range sharetest.Must(e.share.Client.Tokens(ctx))(t).Tokens {
		if tok.Name == "nightly export" {
			made = tok
		}
	}
	if made.ID == "" || made.Admin {
		t.Fatalf("the new token: %+v, want an ordinary token named nightly export", made)
	}
	// Waiting in the session, the secret is sealed: the row does not hold it. (Checked below, once
	// the secret is known.)
	rows, err := e.db.Sessions(ctx, 0, 0)
	if err != nil {
		t.Fatal(err)
	}

	shown := ada.get("/admin/tokens/created")
	secret, _ := shown.testid(t, "token-secret").Attr("value")
	if shown.status != http.StatusOK || !strings.HasPrefix(secret, "shd_") {
		t.Fatalf("created page: %d, secret %q; want the new token", shown.status, secret)
	}
	if _, err := api.NewClient(e.share.URL, secret).Buckets(ctx); err != nil {
		t.Errorf("the token shown does not work: %v", err)
	}
	for _, r := range rows {
		if strings.Contains(r.Data, secret) {
			t.Error("the session row holds the new token in clear")
		}
	}
	again := ada.get("/admin/tokens/created")
	if strings.Contains(again.body, secret) || again.text(t, "token-gone") == "" {
		t.Errorf("a second visit: got the secret again or no explanation\n%.400s", again.body)
	}
	for name, logs := range map[string]string{"console": e.logs.String(), "share server": e.share.Logs.String()} {
		if strings.Contains(logs, secret) {
			t.Errorf("the new token is in the %s log", name)
		}
	}

	// The same name again (a resubmitted form, or other letter case): refused beside the field, with
	// what was typed.
	if p := ada.post("/admin/tokens", url.Values{"name": {"Nightly Export"}}); p.status != http.StatusBadRequest {
		t.Errorf("the name in other letter case: got %d, want 400", p.status)
	}
	dup := ada.post("/admin/tokens", url.Values{"name": {" nightly export "}})
	if got := dup.text(t, "field-error-name"); dup.status != http.StatusBadRequest || !strings.Contains(got, "exists already") {
		t.Errorf("duplicate name: got %d %q, want 400 with the problem beside the field", dup.status, got)
	}
	if v, _ := dup.doc(t).Find("#token-name").Attr("value"); v != " nightly export " {
		t.Errorf("duplicate name: the field holds %q, want what was typed", v)
	}
	if inv, _ := dup.doc(t).Find("#token-name").Attr("aria-invalid"); inv != "true" {
		t.Error("duplicate name: the field is not marked invalid")
	}
	if empty := ada.post("/admin/tokens", url.Values{"name": {"  "}}); empty.status != http.StatusBadRequest || empty.text(t, "field-error-name") == "" {
		t.Errorf("empty name: got %d %q", empty.status, empty.text(t, "field-error-name"))
	}

	// Revoke without JavaScript: the list's form posts without confirmation, which leads to the
	// confirmation page and revokes nothing; its own form revokes.
	confirm := ada.post("/admin/tokens/"+made.ID+"/revoke", url.Values{})
	if confirm.status != http.StatusOK || !strings.HasPrefix(confirm.path, "/admin/tokens/"+made.ID+"/revoke") ||
		!strings.Contains(confirm.text(t, "page-heading"), "nightly export") {
		t.Fatalf("unconfirmed revoke: got %d at %s %q, want the confirmation page", confirm.status, confirm.path, confirm.text(t, "page-heading"))
	}
	if _, err := api.NewClient(e.share.URL, secret).Buckets(ctx); err != nil {
		t.Fatalf("an unconfirmed revoke revoked the token: %v", err)
	}
	done := ada.post("/admin/tokens/"+made.ID+"/revoke", url.Values{"confirmed": {"yes"}})
	if got := done.text(t, "flash"); done.status != http.StatusOK || !strings.Contains(got, "Revoked the API token “nightly export”") {
		t.Errorf("confirmed revoke: got %d %q", done.status, got)
	}
	if _, err := api.NewClient(e.share.URL, secret).Buckets(ctx); !api.IsStatus(err, "Unauthorized") {
		t.Errorf("the revoked token still works: %v", err)
	}
	// The console's own (admin) token is not offered for revoking, and cannot be.
	own := adaTokenID(t, e)
	if p := ada.post("/admin/tokens/"+own+"/revoke", url.Values{"confirmed": {"yes"}}); p.text(t, "flash-error") == "" {
		t.Errorf("revoking the admin token: got %d without an error", p.status)
	}
	if _, err := e.share.Client.Buckets(ctx); err != nil {
		t.Fatalf("the console's token was revoked: %v", err)
	}

	entries, err := e.db.Audit(ctx, consoledb.AuditFilter{Actor: "ada@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, en := range entries {
		if strings.HasPrefix(en.Action, "token-") {
			actions = append(actions, en.Action+" "+en.Outcome)
		}
	}
	if want := "token-revoke failed,token-revoke ok,token-create failed,token-create failed,token-create ok"; strings.Join(actions, ",") != want {
		t.Errorf("audit: got %q, want %q", strings.Join(actions, ","), want)
	}
}

func adaTokenID(t *testing.T, e *consoleEnv) string {
	t.Helper()
	for _, tok := range sharetest.Must(e.share.Client.Tokens(context.Background()))(t).Tokens {
		if tok.Admin && tok.RevokedAt == nil {
			return tok.ID
		}
	}
	t.Fatal("no admin token")
	return ""
}

// TestAPITokensNeedAnAdminToken: a console whose service token is an ordinary one says how to fix it
// instead of failing, and offers no form.
func TestAPITokensNeedAnAdminToken(t *testing.T) {
	e := startConsole(t, "sqlite")
	if _, err := e.share.Store.SQL().Exec("UPDATE api_tokens SET admin = 0"); err != nil {
		t.Fatal(err)
	}
	ada := e.signIn(t, "ada@example.com")
	p := ada.get("/admin/tokens")
	if got := p.text(t, "tokens-unavailable"); p.status != http.StatusOK || !strings.Contains(got, "token create --admin") {
		t.Errorf("got %d %q, want the page saying how to give the console an admin token", p.status, got)
	}
	if p.doc(t).Find(`form[action="/admin/tokens"]`).Length() != 0 {
		t.Error("the create form is offered though the console cannot create tokens")
	}
}
