package auth

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/consoledb"
	"github.com/sharedesk/sharedesk/devidp"
)

// tokenTap records the ID tokens the provider hands out, so tests can replay them.
type tokenTap struct {
	mu     sync.Mutex
	tokens []string
}

func (t *tokenTap) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || !strings.HasSuffix(r.URL.Path, "/oauth/token") {
		return resp, err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	var tok struct {
		IDToken string `json:"id_token"`
	}
	if json.Unmarshal(body, &tok) == nil && tok.IDToken != "" {
		t.mu.Lock()
		t.tokens = append(t.tokens, tok.IDToken)
		t.mu.Unlock()
	}
	return resp, nil
}

func (t *tokenTap) last() string { t.mu.Lock(); defer t.mu.Unlock(); return t.tokens[len(t.tokens)-1] }

type rig struct {
	idp     *httptest.Server
	console *httptest.Server
	auth    *Auth
	tap     *tokenTap
}

var demoUsers = []devidp.User{
	{ID: "u-ada", Email: "ada@example.com", Name: "Ada Admin", Groups: []string{"share-admins", "staff"}},
	{ID: "u-sam", Email: "sam@example.com", Name: "Sam Sharer", Groups: []string{"staff"}},
	{ID: "u-nora", Email: "nora@elsewhere.org", Name: "Nora Nogroup"},
	{ID: "u-eve", Email: "eve@example.com", Name: "Eve Unverified", Groups: []string{"staff"}, EmailUnverified: true},
}

// newRig starts the development provider on 127.0.0.1 and a console stand-in on localhost (another
// site, as in production) with the sign-in routes.
func newRig(t *testing.T, clientID string, mutate func(*Config)) *rig {
	t.Helper()
	r := &rig{tap: &tokenTap{}}
	r.idp = httptest.NewUnstartedServer(nil)
	issuer := "http://" + r.idp.Listener.Addr().String()
	r.console = httptest.NewUnstartedServer(nil)
	consoleURL := "http://localhost:" + strings.Split(r.console.Listener.Addr().String(), ":")[1]
	p, err := devidp.New(issuer, []devidp.Client{{ID: clientID, Secret: "secret-" + clientID, RedirectURIs: []string{consoleURL + "/auth/callback"}}}, demoUsers)
	if err != nil {
		t.Fatal(err)
	}
	r.idp.Config.Handler = p
	r.idp.Start()
	t.Cleanup(r.idp.Close)
	db, err := consoledb.Open(context.Background(), filepath.Join(t.TempDir(), "console.db"), "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	roleMap, _ := ParseRoleMap("share-admins=admin,staff=sharer")
	cfg := Config{Issuer: issuer, ClientID: clientID, ClientSecret: "secret-" + clientID, RedirectURL: consoleURL + "/auth/callback",
		RoleMap: roleMap, HTTPClient: &http.Client{Transport: r.tap}}
	if mutate != nil {
		mutate(&cfg)
	}
	r.auth, err = New(context.Background(), cfg, db, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/login", func(w http.ResponseWriter, req *http.Request) {
		u, err := r.auth.BeginLogin(w, req, req.URL.Query().Get("next"))
		if err != nil {
			http.Error(w, err.Error(), 500)
			return
		}
		http.Redirect(w, req, u, http.StatusFound)
	})
	mux.HandleFunc("/auth/callback", func(w http.ResponseWriter, req *http.Request) {
		staff, next, err := r.auth.FinishLogin(w, req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		io.WriteString(w, "signed in "+staff.Email+" as "+staff.Role+" next "+next)
	})
	mux.HandleFunc("/me", func(w http.ResponseWriter, req *http.Request) {
		staff, _, err := r.auth.Current(req)
		if err != nil || staff == nil {
			http.Error(w, "nobody", http.StatusUnauthorized)
			return
		}
		io.WriteString(w, staff.Email+" "+staff.Role)
	})
	r.console.Config.Handler = mux
	r.console.Start()
	t.Cleanup(r.console.Close)
	return r
}

func (r *rig) consoleURL() string {
	return "http://localhost:" + strings.Split(r.console.Listener.Addr().String(), ":")[1]
}

type browser struct {
	t    *testing.T
	http *http.Client
}

func newBrowser(t *testing.T) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// follow GETs u and follows redirects, returning the final response body and the URLs visited.
func (b *browser) follow(u string, stopAt string) (string, []string) {
	b.t.Helper()
	var visited []string
	for range 10 {
		visited = append(visited, u)
		if stopAt != "" && strings.Contains(u, stopAt) {
			return "", visited
		}
		resp, err := b.http.Get(u)
		if err != nil {
			b.t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if loc := resp.Header.Get("Location"); loc != "" {
			next, _ := resp.Request.URL.Parse(loc)
			u = next.String()
			continue
		}
		return string(body), visited
	}
	b.t.Fatal("too many redirects")
	return "", nil
}

// signIn runs the flow up to the provider's redirect back to the console and returns that URL.
func (b *browser) signIn(r *rig, email string) string {
	b.t.Helper()
	_, visited := b.follow(r.consoleURL()+"/login?next=/links", "/login/username")
	loginURL, _ := url.Parse(visited[len(visited)-1])
	id := loginURL.Query().Get("authRequestID")
	resp, err := b.http.PostForm(r.idp.URL+"/login/username", url.Values{"id": {id}, "username": {email}})
	if err != nil {
		b.t.Fatal(err)
	}
	resp.Body.Close()
	next, _ := resp.Request.URL.Parse(resp.Header.Get("Location"))
	_, visited = b.follow(next.String(), "/auth/callback")
	return visited[len(visited)-1]
}

func (b *browser) get(u string) (int, string) {
	resp, err := b.http.Get(u)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestSignIn(t *testing.T) {
	r := newRig(t, "console", nil)
	b := newBrowser(t)
	callback := b.signIn(r, "ada@example.com")
	status, body := b.get(callback)
	if status != 200 || body != "signed in ada@example.com as admin next /links" {
		t.Fatalf("sign-in: got %d %q", status, body)
	}
	if status, body := b.get(r.consoleURL() + "/me"); status != 200 || body != "ada@example.com admin" {
		t.Errorf("session: got %d %q", status, body)
	}
	// The same callback again: the state was used.
	if status, body := newBrowser(t).get(callback); status != http.StatusForbidden || !strings.Contains(body, "reused state") {
		t.Errorf("replayed state from another browser: got %d %q", status, body)
	}
	if status, body := b.get(callback); status != http.StatusForbidden || !strings.Contains(body, "reused state") {
		t.Errorf("replayed state: got %d %q", status, body)
	}
}

func TestSignInRefusals(t *testing.T) {
	r := newRig(t, "console", nil)

	t.Run("wrong state", func(t *testing.T) {
		b := newBrowser(t)
		callback := b.signIn(r, "ada@example.com")
		u, _ := url.Parse(callback)
		q := u.Query()
		q.Set("state", q.Get("state")+"x")
		u.RawQuery = q.Encode()
		if status, body := b.get(u.String()); status != http.StatusForbidden || !strings.Contains(body, "unknown or reused state") {
			t.Errorf("got %d %q", status, body)
		}
	})
	t.Run("state from another browser", func(t *testing.T) {
		callback := newBrowser(t).signIn(r, "ada@example.com")
		if status, body := newBrowser(t).get(callback); status != http.StatusForbidden || !strings.Contains(body, "not bound to this browser") {
			t.Errorf("got %d %q", status, body)
		}
	})
	t.Run("no role", func(t *testing.T) {
		b := newBrowser(t)
		if status, body := b.get(b.signIn(r, "nora@elsewhere.org")); status != http.StatusForbidden || !strings.Contains(body, "no role") {
			t.Errorf("got %d %q", status, body)
		}
	})

	// A completed sign-in leaves a genuine, signed ID token to replay against the verifier.
	b := newBrowser(t)
	if status, _ := b.get(b.signIn(r, "sam@example.com")); status != 200 {
		t.Fatal("setup sign-in failed")
	}
	raw := r.tap.last()
	nonce := claim(t, raw, "nonce")
	if s, err := r.auth.identify(context.Background(), raw, nonce); err != nil || s.Role != RoleSharer {
		t.Fatalf("control: the token with its own nonce: %v %+v", err, s)
	}
	t.Run("wrong nonce", func(t *testing.T) {
		if _, err := r.auth.identify(context.Background(), raw, nonce+"x"); err == nil || !strings.Contains(err.Error(), "nonce") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("expired token", func(t *testing.T) {
		late := *r.auth
		late.verifier = r.auth.provider.Verifier(oidcConfig{ClientID: "console", Now: func() time.Time { return time.Now().Add(3 * time.Hour) }}.config())
		if _, err := late.identify(context.Background(), raw, nonce); err == nil || !strings.Contains(err.Error(), "expired") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("token for another audience", func(t *testing.T) {
		other := newRig(t, "other-app", nil)
		ob := newBrowser(t)
		if status, _ := ob.get(ob.signIn(other, "ada@example.com")); status != 200 {
			t.Fatal("sign-in at the other app failed")
		}
		foreign := other.tap.last()
		// Same issuer software, different client: verify it with a console whose client id differs.
		console := *other.auth
		console.verifier = other.auth.provider.Verifier(oidcConfig{ClientID: "console", Now: time.Now}.config())
		if _, err := console.identify(context.Background(), foreign, claim(t, foreign, "nonce")); err == nil || !strings.Contains(err.Error(), "audience") {
			t.Errorf("got %v", err)
		}
	})
	t.Run("email not verified", func(t *testing.T) {
		strict := newRig(t, "console", func(c *Config) { c.AllowedDomains = []string{"example.com"} })
		b := newBrowser(t)
		if status, body := b.get(b.signIn(strict, "eve@example.com")); status != http.StatusForbidden || !strings.Contains(body, "email not verified") {
			t.Errorf("unverified address in an allowed domain: got %d %q, want 403 email not verified", status, body)
		}
		b = newBrowser(t)
		if status, body := b.get(b.signIn(strict, "sam@example.com")); status != http.StatusOK {
			t.Errorf("verified address in an allowed domain: got %d %q", status, body)
		}
		lax := newRig(t, "console", nil)
		b = newBrowser(t)
		if status, body := b.get(b.signIn(lax, "eve@example.com")); status != http.StatusOK {
			t.Errorf("no domain restriction: an unverified address may sign in, got %d %q", status, body)
		}
	})
	t.Run("email domain not allowed", func(t *testing.T) {
		strict := *r.auth
		strict.cfg.AllowedDomains = []string{"corp.example"}
		if _, err := strict.identify(context.Background(), raw, nonce); err == nil || !strings.Contains(err.Error(), "domain") {
			t.Errorf("got %v", err)
		}
	})
}

func claim(t *testing.T, raw, name string) string {
	t.Helper()
	parts := strings.Split(raw, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c map[string]any
	_ = json.Unmarshal(payload, &c)
	s, _ := c[name].(string)
	return s
}
