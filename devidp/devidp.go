// Package devidp is the development OpenID Connect provider that only `sharedesk demo` starts (and the
// tests): zitadel/oidc's certified provider library with in-memory storage, a per-start random
// signing key and encryption key, and a sign-in page that lists the demo people instead of asking
// for passwords. It must never face a network: demo binds it to loopback.
package devidp

import (
	"context"
	"crypto/rand"
	"fmt"
	"html/template"
	"net/http"
	"slices"

	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"
	"golang.org/x/text/language"
)

// User is a demo person. Groups become the "groups" claim.
type User struct {
	ID     string
	Email  string
	Name   string
	Groups []string
	// EmailUnverified leaves email_verified out of the ID token, as providers do for addresses they
	// have not confirmed.
	EmailUnverified bool
}

// Client is a registered relying party.
type Client struct {
	ID             string
	Secret         string
	RedirectURIs   []string
	PostLogoutURIs []string
}

// Provider is a running development provider.
type Provider struct {
	http.Handler
	Users []User
}

// New returns the provider for issuer (its own base URL).
func New(issuer string, clients []Client, users []User) (*Provider, error) {
	us := userStore{byID: map[string]*storage.User{}, byName: map[string]*storage.User{}}
	groups := map[string][]string{}
	for _, u := range users {
		su := &storage.User{ID: u.ID, Username: u.Email, Password: randomPassword(), FirstName: u.Name, Email: u.Email,
			EmailVerified: !u.EmailUnverified, PreferredLanguage: language.English}
		us.byID[u.ID], us.byName[u.Email] = su, su
		groups[u.ID] = u.Groups
	}
	cs := map[string]*storage.Client{}
	logout := map[string][]string{}
	for _, c := range clients {
		cs[c.ID] = storage.WebClient(c.ID, c.Secret, c.RedirectURIs...)
		logout[c.ID] = c.PostLogoutURIs
	}
	st := &store{Storage: storage.NewStorageWithClients(us, cs), groups: groups, logout: logout}
	var key [32]byte
	if _, err := rand.Read(key[:]); err != nil {
		return nil, err
	}
	cfg := &op.Config{
		CryptoKey:                key,
		DefaultLogoutRedirectURI: "/signed-out",
		CodeMethodS256:           true,
		AuthMethodPost:           true,
		SupportedUILocales:       []language.Tag{language.English},
	}
	provider, err := op.NewProvider(cfg, st, op.StaticIssuer(issuer), op.WithAllowInsecure())
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	interceptor := op.NewIssuerInterceptor(provider.IssuerFromRequest)
	p := &Provider{Users: users}
	mux.HandleFunc("GET /login/username", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy",
			"default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'")
		_ = loginPage.Execute(w, map[string]any{"ID": r.URL.Query().Get("authRequestID"), "Users": users})
	})
	mux.Handle("POST /login/username", interceptor.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		u := us.byName[r.PostFormValue("username")]
		id := r.PostFormValue("id")
		if u == nil {
			http.Error(w, "unknown demo user", http.StatusBadRequest)
			return
		}
		if err := st.CheckUsernamePassword(u.Username, u.Password, id); err != nil {
			http.Error(w, "sign-in failed: "+err.Error(), http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, op.AuthCallbackURL(provider)(r.Context(), id), http.StatusFound)
	}))
	mux.HandleFunc("GET /signed-out", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "Signed out of the development identity provider.")
	})
	mux.Handle("/", provider)
	p.Handler = mux
	return p, nil
}

func randomPassword() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x", b)
}

type userStore struct{ byID, byName map[string]*storage.User }

func (s userStore) GetUserByID(id string) *storage.User         { return s.byID[id] }
func (s userStore) GetUserByUsername(name string) *storage.User { return s.byName[name] }
func (s userStore) ExampleClientID() string                     { return "" }

// store adds what the example storage lacks: a groups claim, email and name in the ID token, and
// registered post-logout redirect URIs.
type store struct {
	*storage.Storage
	groups map[string][]string
	logout map[string][]string
}

// SetUserinfoFromRequest fills the ID token: email and profile always (real providers do the same
// for the code flow), plus groups.
func (s *store) SetUserinfoFromRequest(
	ctx context.Context, info *oidc.UserInfo, req op.IDTokenRequest, scopes []string,
) error {
	scopes = append(slices.Clone(scopes), oidc.ScopeEmail, oidc.ScopeProfile)
	if err := s.Storage.SetUserinfoFromRequest(ctx, info, req, scopes); err != nil {
		return err
	}
	info.AppendClaims("groups", s.groups[req.GetSubject()])
	return nil
}

func (s *store) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	return client{Client: c, logout: s.logout[id]}, nil
}

type client struct {
	op.Client
	logout []string
}

func (c client) PostLogoutRedirectURIs() []string { return c.logout }

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Development sign-in</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:520px;margin:40px auto;padding:0 16px;color:#1f2937}
.note{background:#fff7ed;border:1px solid #fdba74;padding:10px 14px;border-radius:6px}
button{display:block;width:100%;text-align:left;margin:8px 0;padding:12px 14px;font-size:1rem;
border:1px solid #cbd5e1;border-radius:8px;background:#fff;cursor:pointer}
button:focus-visible{outline:3px solid #f59e0b}small{color:#5b6472}:root{color-scheme:light dark}
@media (prefers-color-scheme:dark){body{background:#0f141a;color:#e5e7eb}.note{background:#33240e;border-color:#92400e}
button{background:#1a2029;color:#e5e7eb;border-color:#3a4350}small{color:#a3acb9}}</style></head>
<body><main><h1>Development sign-in</h1>
<p class="note">This is sharedesk's built-in identity provider for the demo.
In a real deployment people sign in with your company's provider.</p>
<p>Choose who to be:</p>
{{range .Users}}<form method="post" action="/login/username"><input type="hidden" name="id" value="{{$.ID}}"><input
type="hidden" name="username" value="{{.Email}}">
<button type="submit">{{.Name}} <small>{{.Email}} · groups: {{range $i, $g := .Groups -}}
{{if $i}}, {{end}}{{$g}}{{else}}none{{end}}</small></button></form>
{{end}}</main></body></html>`))
