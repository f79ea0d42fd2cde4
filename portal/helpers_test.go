package portal_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// jar keeps cookies by name for one test server. Go's cookiejar never sends Secure cookies over
// plain http, while browsers do on loopback addresses, which is where these tests run.
type jar struct {
	mu sync.Mutex
	c  map[string]*http.Cookie
}

func (j *jar) SetCookies(_ *url.URL, cs []*http.Cookie) {
	j.mu.Lock()
	defer j.mu.Unlock()
	for _, c := range cs {
		if c.MaxAge < 0 || c.Value == "" {
			delete(j.c, c.Name)
			continue
		}
		j.c[c.Name] = c
	}
}

func (j *jar) Cookies(*url.URL) []*http.Cookie {
	j.mu.Lock()
	defer j.mu.Unlock()
	var out []*http.Cookie
	for _, c := range j.c {
		out = append(out, &http.Cookie{Name: c.Name, Value: c.Value})
	}
	return out
}

// recipient is a browser-like client: cookies, redirects followed.
type recipient struct {
	t    *testing.T
	base string
	http *http.Client
}

func newRecipient(t *testing.T, e *sharetest.Env) *recipient {
	return &recipient{t: t, base: e.URL, http: &http.Client{Jar: &jar{c: map[string]*http.Cookie{}}}}
}

type page struct {
	status int
	body   string
	url    string
	header http.Header
}

func (r *recipient) do(req *http.Request) page {
	r.t.Helper()
	resp, err := r.http.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return page{status: resp.StatusCode, body: string(b), url: resp.Request.URL.Path, header: resp.Header}
}

func (r *recipient) get(path string, hdr ...string) page {
	r.t.Helper()
	req, _ := http.NewRequest(http.MethodGet, r.abs(path), nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return r.do(req)
}

func (r *recipient) post(path string, form url.Values) page {
	r.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, r.abs(path), strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r.do(req)
}

func (r *recipient) abs(path string) string {
	if strings.HasPrefix(path, "http") {
		return path
	}
	return r.base + path
}

var csrfPattern = regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`)

func csrfOf(t *testing.T, p page) string {
	t.Helper()
	m := csrfPattern.FindStringSubmatch(p.body)
	if m == nil {
		t.Fatalf("no form token on page %s", p.url)
	}
	return m[1]
}

var codePattern = regexp.MustCompile(`\b(\d{6})\b`)

func codeIn(t *testing.T, text string) string {
	t.Helper()
	m := codePattern.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("no 6-digit code in %q", text)
	}
	return m[1]
}

// tree is /Docs/{a.txt,b.txt}, /Docs/Sub/c.txt, /Inbox, /Private/secret.txt.
type tree struct {
	docs, sub, inbox, private, a, b, c, secret api.Object
}

func makeTree(t *testing.T, e *sharetest.Env) tree {
	t.Helper()
	ctx := context.Background()
	folder := func(name, parent string) api.Object {
		return sharetest.Must(e.Client.FolderCreate(ctx, api.FolderCreateRequest{Name: name, ParentID: parent}))(t).Object
	}
	file := func(name, parent, body string) api.Object {
		return sharetest.Must(e.Client.Put(ctx, api.PutRequest{Name: name, ParentID: parent}, name, strings.NewReader(body)))(t).Object
	}
	var tr tree
	tr.docs = folder("Docs", "")
	tr.sub = folder("Sub", tr.docs.ID)
	tr.inbox = folder("Inbox", "")
	tr.private = folder("Private", "")
	tr.a = file("a.txt", tr.docs.ID, "alpha")
	tr.b = file("b.txt", tr.docs.ID, "bravo bravo")
	tr.c = file("c.txt", tr.sub.ID, "charlie")
	tr.secret = file("secret.txt", tr.private.ID, "top secret")
	return tr
}

func createLink(t *testing.T, e *sharetest.Env, item api.LinkCreateItem) api.ShareLink {
	t.Helper()
	if item.Title == "" {
		item.Title = "Quarterly files"
	}
	return sharetest.Must(e.Client.LinkCreate(context.Background(), api.LinkCreateRequest{Links: []api.LinkCreateItem{item}}))(t).ShareLinkObjects[0]
}

func password(p string) []api.Authenticator {
	return []api.Authenticator{{AuthType: "password", AuthContext: p}}
}

// startTree starts a share server, its messages kept in the outbox, with the tree of makeTree.
func startTree(t *testing.T) (*sharetest.Env, tree) {
	t.Helper()
	e := sharetest.Start(t, "sqlite", sharetest.Options{NoSMTP: true})
	return e, makeTree(t, e)
}

// signedInTo makes a link of item opened by the password pw, and a recipient signed in to it.
func signedInTo(t *testing.T, e *sharetest.Env, item api.LinkCreateItem, pw string) (api.ShareLink, *recipient) {
	t.Helper()
	item.Authenticators = password(pw)
	l := createLink(t, e, item)
	return l, signIn(t, e, l, pw)
}

// signIn opens the link and signs in with its password.
func signIn(t *testing.T, e *sharetest.Env, l api.ShareLink, pw string) *recipient {
	t.Helper()
	r := newRecipient(t, e)
	p := r.post(strings.TrimPrefix(l.Link, e.URL)+"/password", url.Values{"auth": {"0"}, "password": {pw}})
	if p.status != http.StatusOK || !strings.HasPrefix(p.url, "/p/") {
		t.Fatalf("sign in: got %d at %s, want 200 under /p/:\n%s", p.status, p.url, p.body)
	}
	return r
}

func linkPath(e *sharetest.Env, l api.ShareLink) string { return strings.TrimPrefix(l.Link, e.URL) }

func mustOpen(t testing.TB, e *sharetest.Env, l api.ShareLink) share.Link {
	t.Helper()
	got, err := e.Svc.OpenLink(context.Background(), strings.TrimPrefix(l.Link, e.URL+"/s/"))
	if err != nil {
		t.Fatal(err)
	}
	return got
}

// Pages are read through their data-testid attributes (see sharetest.TestID).

func (p page) testid(t *testing.T, id string) *goquery.Selection {
	return sharetest.TestID(t, p.body, id)
}
func (p page) texts(t *testing.T, id string) []string { return sharetest.Texts(t, p.body, id) }
func (p page) text(t *testing.T, id string) string    { return sharetest.Text(t, p.body, id) }
func (p page) doc(t *testing.T) *goquery.Document     { return sharetest.HTML(t, p.body) }
