package handlers_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/consoledb"
	"github.com/sharedesk/sharedesk/handlers"
)

// logLines returns the console's log lines for one request id.
func (e *consoleEnv) logLines(t *testing.T, requestID string) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(e.logs.String(), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line is not JSON: %v: %.200s", err, line)
		}
		if m["request_id"] == requestID {
			out = append(out, m)
		}
	}
	return out
}

// TestOneLogLinePerRequest: every request, refused or failed or panicking, is one log line with
// the status the client got; a panic is a 500 page, and the console goes on serving.
func TestOneLogLinePerRequest(t *testing.T) {
	e := startConsoleHandler(t, "sqlite", devProvider(t), (*handlers.Console).HandlerWithPanic)
	_, _, links := seedLinks(t, e)
	val := e.signIn(t, "val@example.com")
	val.get("/links")
	ada := e.signIn(t, "ada@example.com")
	tests := []struct {
		name   string
		run    func() page
		status int
		level  string
		want   string // in the line
	}{
		{"allowed page", func() page { return val.get("/links") }, http.StatusOK, "INFO", ""},
		{"role refused", func() page { return val.get("/links/new") }, http.StatusForbidden, "WARN", "needs permission create"},
		{"form token refused", func() page { return ada.post("/links/revoke", url.Values{"id": {links[0].ID}, "csrf": {"forged"}}) }, http.StatusForbidden, "WARN", "form token mismatch"},
		{"unknown page", func() page { return ada.get("/no/such/page") }, http.StatusNotFound, "WARN", ""},
		{"panic", func() page { return ada.get("/panic") }, http.StatusInternalServerError, "ERROR", "boom in a handler"},
	}
	for _, tt := range tests {
		p := tt.run()
		if p.status != tt.status {
			t.Errorf("%s: got %d, want %d", tt.name, p.status, tt.status)
		}
		id := p.header.Get("X-Request-Id")
		lines := e.logLines(t, id)
		if len(lines) != 1 {
			t.Errorf("%s: %d log lines for request %s, want 1: %v", tt.name, len(lines), id, lines)
			continue
		}
		l := lines[0]
		if l["msg"] != "request" || l["status"] != float64(tt.status) || l["level"] != tt.level {
			t.Errorf("%s: log line %v, want msg request, status %d, level %s", tt.name, l, tt.status, tt.level)
		}
		if tt.want != "" && !strings.Contains(fmt.Sprint(l), tt.want) {
			t.Errorf("%s: log line %v lacks %q", tt.name, l, tt.want)
		}
	}
	// The panic's own words are looked for in the whole response: no part of it may carry them.
	if p := ada.get("/panic"); strings.Contains(p.body, "boom") || p.text(t, "page-heading") != "Something went wrong" {
		t.Errorf("the panic page shows internals or no explanation: %.300s", p.body)
	}
	if p := ada.get("/links"); p.status != http.StatusOK {
		t.Errorf("after a panic the console answers %d", p.status)
	}
}

// zeros is an endless body.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// multipartBody is a form with the given fields first and then one file part of size bytes.
func multipartBody(fields [][2]string, size int64) (io.Reader, string) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for _, f := range fields {
			mw.WriteField(f[0], f[1])
		}
		fw, _ := mw.CreateFormFile("files", "big.bin")
		if _, err := io.Copy(fw, io.LimitReader(zeros{}, size)); err != nil {
			pw.CloseWithError(err)
			return
		}
		pw.CloseWithError(mw.Close())
	}()
	return pr, mw.Boundary()
}

// TestFormBodyLimits: whatever the letter case of the media type, a form body is capped before it
// is parsed (413), a file upload streams, and no request leaves a file in the temp directory.
func TestFormBodyLimits(t *testing.T) {
	e := startConsole(t, "sqlite")
	folder, _, links := seedLinks(t, e)
	ada := e.signIn(t, "ada@example.com")
	ada.get("/files")
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	const big = 40 << 20 // more than the 32 MiB net/http keeps in memory when it parses a form
	objects := func() int {
		return len(mustList(t, e))
	}
	send := func(path, mediaType string, fields [][2]string, size int64) page {
		body, boundary := multipartBody(fields, size)
		req, _ := http.NewRequest(http.MethodPost, e.url+path, body)
		req.Header.Set("Content-Type", mediaType+"; boundary="+boundary)
		req.Header.Set("Origin", e.url)
		return ada.do(req)
	}
	before := objects()
	tests := []struct {
		name, path, mediaType string
		fields                [][2]string
		size                  int64
		status                int
	}{
		{"big form, mixed case", "/files/folder", "Multipart/Form-Data", [][2]string{{"csrf", ada.csrf}, {"name", "X"}}, big, http.StatusRequestEntityTooLarge},
		{"big form, upper case, refused anyway", "/links/revoke", "MULTIPART/FORM-DATA", [][2]string{{"id", links[0].ID}}, big, http.StatusRequestEntityTooLarge},
		{"big form, lower case", "/files/folder", "multipart/form-data", [][2]string{{"csrf", ada.csrf}, {"name", "Y"}}, big, http.StatusRequestEntityTooLarge},
		{"upload without the form token", "/files/upload", "Multipart/Form-Data", [][2]string{{"folder", folder.ID}}, big, http.StatusForbidden},
		{"small form, mixed case", "/files/folder", "Multipart/Form-Data", [][2]string{{"csrf", ada.csrf}, {"name", "Mixed case"}}, 10, http.StatusOK},
		{"upload, mixed case", "/files/upload", "Multipart/Form-Data", [][2]string{{"csrf", ada.csrf}, {"folder", folder.ID}}, 3 << 20, http.StatusOK},
	}
	for _, tt := range tests {
		p := send(tt.path, tt.mediaType, tt.fields, tt.size)
		if p.status != tt.status {
			t.Errorf("%s: got %d, want %d", tt.name, p.status, tt.status)
		}
		if left, _ := os.ReadDir(tmp); len(left) != 0 {
			t.Errorf("%s: %d files left in the temp directory", tt.name, len(left))
			for _, f := range left {
				os.Remove(tmp + "/" + f.Name())
			}
		}
	}
	if got := objects(); got != before+2 {
		t.Errorf("objects: %d before, %d after; want the small folder and the upload only", before, got)
	}
	// A large urlencoded form is refused the same way.
	req, _ := http.NewRequest(http.MethodPost, e.url+"/files/folder", io.MultiReader(strings.NewReader("csrf="+ada.csrf+"&name="), io.LimitReader(zeros{}, 2<<20)))
	req.Header.Set("Content-Type", "Application/X-WWW-Form-Urlencoded")
	req.Header.Set("Origin", e.url)
	if p := ada.do(req); p.status != http.StatusRequestEntityTooLarge {
		t.Errorf("2 MiB urlencoded form: got %d, want 413", p.status)
	}
	// The form token in the header (as htmx sends it) does not let a handler act on the part of a big
	// form that fitted.
	req, _ = http.NewRequest(http.MethodPost, e.url+"/files/folder", io.MultiReader(strings.NewReader("name=Header+token&x="), io.LimitReader(zeros{}, 8<<20)))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", e.url)
	req.Header.Set("X-CSRF-Token", ada.csrf)
	if p := ada.do(req); p.status != http.StatusRequestEntityTooLarge {
		t.Errorf("8 MiB form with the token in a header: got %d, want 413", p.status)
	}
	if got := objects(); got != before+2 {
		t.Errorf("objects after the header-token form: got %d, want %d (nothing created)", got, before+2)
	}
}

// mustList lists every object (an empty filter lists the whole tree).
func mustList(t *testing.T, e *consoleEnv) []api.Object {
	t.Helper()
	res, err := e.share.Client.List(context.Background(), api.ListRequest{Size: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return res.Objects
}

// TestSignInFlood: refused sign-ins from someone who is not signed in are stored and logged
// clipped, and only so many of them reach the audit log.
func TestSignInFlood(t *testing.T) {
	e := startConsole(t, "sqlite")
	huge := strings.Repeat("A", 900<<10)
	client := &http.Client{}
	for range 30 {
		resp, err := client.Get(e.url + "/auth/callback?error=access_denied&error_description=" + huge)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Fatalf("refused sign-in: got %d, want 403", resp.StatusCode)
		}
	}
	rows, err := e.db.Audit(context.Background(), consoledb.AuditFilter{Action: "sign-in"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 || len(rows) > 10 {
		t.Errorf("30 refused sign-ins from one client wrote %d audit rows, want 1 to 10", len(rows))
	}
	for _, r := range rows {
		if len(r.Detail) > 1024 {
			t.Errorf("an audit row holds a %d-byte detail", len(r.Detail))
			break
		}
	}
	for _, line := range strings.Split(e.logs.String(), "\n") {
		if len(line) > 8<<10 {
			t.Errorf("a %d-byte log line: %.200s", len(line), line)
			break
		}
	}
}
