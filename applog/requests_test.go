package applog_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"path"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestRequestLogsHoldNoTokens drives the real share server (API and portal) through the requests
// that carry capabilities in their URL and reads its logs: no link token or download signature.
func TestRequestLogsHoldNoTokens(t *testing.T) {
	e := sharetest.Start(t, "sqlite", sharetest.Options{})
	ctx := context.Background()
	file := sharetest.Must(e.Client.Put(ctx, api.PutRequest{Name: "a.txt"}, "a.txt", strings.NewReader("secret bytes")))(t).Object
	link := sharetest.Must(e.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{Targets: []string{file.ID},
		Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "correct horse"}}}}}))(t).ShareLinkObjects[0]
	linkToken := path.Base(link.Link)
	dest := sharetest.Must(e.Client.Get(ctx, api.GetRequest{ID: file.ID, TransferMethod: api.TransferDestURL}))(t).DestURL
	du, _ := url.Parse(dest)
	downloadToken := path.Base(du.Path)

	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, req := range []struct{ method, url, body string }{
		{http.MethodGet, link.Link, ""},
		{http.MethodGet, link.Link + "?x=1", ""},
		{http.MethodPost, link.Link + "/password", "password=wrong+guess"},
		{http.MethodGet, dest, ""},
		{http.MethodGet, dest + "x", ""}, // a tampered signature is logged too
		{http.MethodGet, e.URL + "/s/" + linkToken + "x", ""},
	} {
		r, _ := http.NewRequest(req.method, req.url, strings.NewReader(req.body))
		if req.body != "" {
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
		resp, err := noRedirect.Do(r)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	logs := e.Logs.String()
	if !strings.Contains(logs, `"path":"/s/[redacted]"`) || !strings.Contains(logs, `"path":"/v1/download/[redacted]"`) {
		t.Errorf("the request lines are missing or not redacted:\n%s", logs)
	}
	for name, secret := range map[string]string{"link token": linkToken, "download token": downloadToken, "download signature": downloadToken[strings.LastIndex(downloadToken, ".")+1:]} {
		if strings.Contains(logs, secret) {
			t.Errorf("the logs contain the %s %q", name, secret)
		}
	}
}
