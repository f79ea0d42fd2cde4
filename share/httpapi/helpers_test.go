package httpapi_test

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// reply is a decoded envelope with a generic result.
type reply struct {
	HTTP      int
	RequestID string         `json:"request_id"`
	Status    string         `json:"status"`
	Summary   string         `json:"summary"`
	Result    map[string]any `json:"result"`
	Header    http.Header
}

func (r reply) errorsList() []map[string]any {
	raw, _ := r.Result["errors"].([]any)
	out := make([]map[string]any, 0, len(raw))
	for _, e := range raw {
		if m, ok := e.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// hasError reports whether the reply lists an error with this code and source.
func (r reply) hasError(code, source string) bool {
	for _, e := range r.errorsList() {
		if e["code"] == code && e["source"] == source {
			return true
		}
	}
	return false
}

// postRaw sends body to path with the env's token (or token if not "").
func postRaw(t *testing.T, e *sharetest.Env, path, body string, token ...string) reply {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, e.URL+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	tok := e.Token
	if len(token) > 0 {
		tok = token[0]
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := e.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	r := reply{HTTP: resp.StatusCode, Header: resp.Header}
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("POST %s: not an envelope (HTTP %d): %s", path, resp.StatusCode, raw)
	}
	return r
}

// fixture is a small tree: /Docs/a.txt, /Docs/b.txt, /Inbox (empty folder).
type fixture struct {
	docs, inbox, a, b api.Object
}

func seed(t *testing.T, e *sharetest.Env) fixture {
	t.Helper()
	ctx := context.Background()
	var f fixture
	f.docs = sharetest.Must(e.Client.FolderCreate(ctx, api.FolderCreateRequest{Name: "Docs"}))(t).Object
	f.inbox = sharetest.Must(e.Client.FolderCreate(ctx, api.FolderCreateRequest{Name: "Inbox"}))(t).Object
	f.a = sharetest.Must(e.Client.Put(ctx, api.PutRequest{ParentID: f.docs.ID, Name: "a.txt"}, "a.txt", bytes.NewReader([]byte("alpha"))))(t).Object
	f.b = sharetest.Must(e.Client.Put(ctx, api.PutRequest{ParentID: f.docs.ID, Name: "b.txt"}, "b.txt", bytes.NewReader([]byte("bravo bravo"))))(t).Object
	return f
}

// startSeeded starts a server on a store of kind, messages kept in the outbox, with the fixture's files.
func startSeeded(t *testing.T, kind string) (*sharetest.Env, fixture) {
	t.Helper()
	e := sharetest.Start(t, kind, sharetest.Options{NoSMTP: true})
	return e, seed(t, e)
}

// startSeededSMTP is startSeeded with the messages sent, to an SMTP server that keeps them (e.Mail).
func startSeededSMTP(t *testing.T, kind string) (*sharetest.Env, fixture) {
	t.Helper()
	e := sharetest.Start(t, kind, sharetest.Options{})
	return e, seed(t, e)
}

func emailAuth(addr string) []api.Authenticator {
	return []api.Authenticator{{AuthType: "email_otp", AuthContext: addr}}
}

// getZip gets the objects ids as a zip archive in the reply (multipart), and opens it.
func getZip(t *testing.T, e *sharetest.Env, ids ...string) (*api.GetArchiveResult, *zip.Reader) {
	t.Helper()
	res, dl, err := e.Client.GetArchive(context.Background(), api.GetArchiveRequest{IDs: ids, Format: "zip"})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(dl)
	dl.Close()
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	return res, zr
}
