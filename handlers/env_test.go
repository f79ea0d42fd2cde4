package handlers_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/applog"
	"github.com/sharedesk/sharedesk/auth"
	"github.com/sharedesk/sharedesk/consoledb"
	"github.com/sharedesk/sharedesk/devidp"
	"github.com/sharedesk/sharedesk/handlers"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

var people = []devidp.User{
	{ID: "u-ada", Email: "ada@example.com", Name: "Ada Admin", Groups: []string{"share-admins"}},
	{ID: "u-hal", Email: "hal@example.com", Name: "Hal Helpdesk", Groups: []string{"helpdesk"}},
	{ID: "u-sam", Email: "sam@example.com", Name: "Sam Sharer", Groups: []string{"staff"}},
	{ID: "u-val", Email: "val@example.com", Name: "Val Viewer", Groups: []string{"auditors"}},
	{ID: "u-nia", Email: "nia@example.com", Name: "Nia Nobody", Groups: []string{"contractors"}},
	{ID: "u-bo", Email: "bo@example.com", Name: "Bo Both", Groups: []string{"helpdesk", "staff"}},
}

// consoleEnv is the whole stack: a share server, the development provider on 127.0.0.1 and the
// console on localhost (another site, as in production).
type consoleEnv struct {
	share   *sharetest.Env
	idp     *httptest.Server
	console *httptest.Server
	url     string
	db      *consoledb.DB
	logs    *sharetest.SyncBuffer
	leaks   *sharetest.SyncBuffer // console responses that contained the service token
}

// canary scans every console response (headers and body) for the service token.
func canary(next http.Handler, token string, leaks *sharetest.SyncBuffer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &scanWriter{ResponseWriter: w}
		next.ServeHTTP(rec, r)
		found := strings.Contains(string(rec.body), token)
		for k, vs := range w.Header() {
			for _, v := range vs {
				found = found || strings.Contains(k+v, token)
			}
		}
		if found {
			leaks.Write([]byte(r.Method + " " + r.URL.String() + "\n"))
		}
	})
}

type scanWriter struct {
	http.ResponseWriter
	body []byte
}

func (s *scanWriter) Write(b []byte) (int, error) {
	s.body = append(s.body, b...)
	return s.ResponseWriter.Write(b)
}

func startConsole(t *testing.T, kind string) *consoleEnv {
	t.Helper()
	return startConsoleWith(t, kind, devProvider(t))
}

// devProvider starts the development provider on 127.0.0.1 with the people above.
func devProvider(t *testing.T) func(e *consoleEnv) (string, []string) {
	return func(e *consoleEnv) (string, []string) {
		e.idp = httptest.NewUnstartedServer(nil)
		issuer := "http://" + e.idp.Listener.Addr().String()
		p, err := devidp.New(issuer, []devidp.Client{{ID: "console", Secret: "console-secret", RedirectURIs: []string{e.url + "/auth/callback"},
			PostLogoutURIs: []string{e.url + "/signed-out"}}}, people)
		if err != nil {
			t.Fatal(err)
		}
		e.idp.Config.Handler = p
		e.idp.Start()
		t.Cleanup(e.idp.Close)
		return issuer, nil
	}
}

// startConsoleWith starts the stack with the identity provider that provider starts; it returns the
// issuer and the scopes to ask for (nil for the default).
func startConsoleWith(t *testing.T, kind string, provider func(e *consoleEnv) (string, []string)) *consoleEnv {
	t.Helper()
	return startConsoleHandler(t, kind, provider, (*handlers.Console).Handler)
}

// startConsoleHandler is startConsoleWith serving the handler that handler builds from the console.
func startConsoleHandler(t *testing.T, kind string, provider func(e *consoleEnv) (string, []string), handler func(*handlers.Console) http.Handler) *consoleEnv {
	t.Helper()
	e := &consoleEnv{share: sharetest.Start(t, kind, sharetest.Options{}), logs: &sharetest.SyncBuffer{}, leaks: &sharetest.SyncBuffer{}}
	e.console = httptest.NewUnstartedServer(nil)
	e.url = "http://localhost:" + strings.Split(e.console.Listener.Addr().String(), ":")[1]
	issuer, scopes := provider(e)
	var err error
	if e.db, err = consoledb.Open(context.Background(), filepath.Join(t.TempDir(), "console.db"), ""); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.db.Close() })
	log := applog.New(e.logs, slog.LevelDebug)
	roles, _ := auth.ParseRoleMap("share-admins=admin,helpdesk=helpdesk,staff=sharer,auditors=viewer")
	a, err := auth.New(context.Background(), auth.Config{Issuer: issuer, ClientID: "console", ClientSecret: "console-secret",
		RedirectURL: e.url + "/auth/callback", RoleMap: roles, PostLogoutURL: e.url + "/signed-out", Secure: true, Scopes: scopes}, e.db, log)
	if err != nil {
		t.Fatal(err)
	}
	c := handlers.New(api.NewClient(e.share.URL, e.share.Token), e.db, a, log, handlers.Options{Demo: true, Outbox: e.share.Store})
	e.console.Config.Handler = canary(handler(c), e.share.Token, e.leaks)
	e.console.Start()
	t.Cleanup(e.console.Close)
	return e
}

// staff is a browser signed in to the console.
type staff struct {
	t    *testing.T
	env  *consoleEnv
	http *http.Client
	csrf string
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signIn goes through the real sign-in: console → provider → pick the person → back to the console.
func (e *consoleEnv) signIn(t *testing.T, email string) *staff {
	t.Helper()
	s, _ := e.signInTo(t, email, "/links")
	return s
}

// signInTo signs in starting from /login?next=NEXT and returns where the browser ended up.
func (e *consoleEnv) signInTo(t *testing.T, email, next string) (*staff, *url.URL) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	s := &staff{t: t, env: e, http: &http.Client{Jar: secureJar{jar}, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if len(via) > 10 {
			return http.ErrUseLastResponse
		}
		return nil
	}}}
	resp, err := s.http.Get(e.url + "/login?next=" + url.QueryEscape(next))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	id := resp.Request.URL.Query().Get("authRequestID")
	if id == "" {
		t.Fatalf("did not reach the provider's sign-in page: %s", resp.Request.URL)
	}
	resp, err = s.http.PostForm(e.idp.URL+"/login/username", url.Values{"id": {id}, "username": {email}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if m := csrfRE.FindSubmatch(body); m != nil {
		s.csrf = string(m[1])
	}
	return s, resp.Request.URL
}

type page struct {
	status int
	body   string
	path   string
	header http.Header
}

func (s *staff) do(req *http.Request) page {
	s.t.Helper()
	resp, err := s.http.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if m := csrfRE.FindSubmatch(b); m != nil {
		s.csrf = string(m[1])
	}
	return page{status: resp.StatusCode, body: string(b), path: resp.Request.URL.RequestURI(), header: resp.Header}
}

func (s *staff) get(path string) page {
	s.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, s.env.url+path, nil)
	return s.do(req)
}

func (s *staff) post(path string, form url.Values) page {
	s.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", s.csrf)
	}
	req, _ := http.NewRequest(http.MethodPost, s.env.url+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", s.env.url)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return s.do(req)
}

// secureJar lets Go's cookie jar send Secure cookies to http://localhost, as browsers do.
type secureJar struct{ *cookiejar.Jar }

func (j secureJar) SetCookies(u *url.URL, cs []*http.Cookie) {
	for _, c := range cs {
		c.Secure = false
	}
	j.Jar.SetCookies(u, cs)
}

func (j secureJar) Cookies(u *url.URL) []*http.Cookie { return j.Jar.Cookies(u) }

func seedLinks(t *testing.T, e *consoleEnv) (folder api.Object, file api.Object, links []api.ShareLink) {
	t.Helper()
	ctx := context.Background()
	c := e.share.Client
	folder = sharetest.Must(c.FolderCreate(ctx, api.FolderCreateRequest{Name: "Contracts"}))(t).Object
	file = sharetest.Must(c.Put(ctx, api.PutRequest{ParentID: folder.ID, Name: "nda.txt"}, "nda.txt", strings.NewReader("NDA")))(t).Object
	exp := time.Now().Add(48 * time.Hour)
	for i, title := range []string{"Signed NDA", "Q3 board pack", "Supplier invoices"} {
		item := api.LinkCreateItem{Targets: []string{file.ID}, Title: title, ExpiresAt: &exp,
			Authenticators: []api.Authenticator{{AuthType: "email_otp", AuthContext: "rcpt" + string(rune('a'+i)) + "@example.com"}}}
		if i == 2 {
			item.Targets, item.LinkType = []string{folder.ID}, "upload"
		}
		links = append(links, sharetest.Must(c.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{item}}))(t).ShareLinkObjects[0])
	}
	return folder, file, links
}
