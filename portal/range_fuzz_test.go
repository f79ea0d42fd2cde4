package portal_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// FuzzRange sends arbitrary Range headers to a portal download. Every answer must be 200, 206 or
// 416, and a single satisfiable range must return exactly those bytes of the file.
func FuzzRange(f *testing.F) {
	for _, s := range []string{"bytes=0-0", "bytes=5-", "bytes=-3", "bytes=0-1,4-5", "bytes=99-", "bytes=--", "bytes=3-1", "items=0-1", "bytes=0-18446744073709551616", ""} {
		f.Add(s)
	}
	content := "0123456789abcdefghij"
	e := sharetest.Start(f, "sqlite", sharetest.Options{NoSMTP: true})
	file := sharetest.Must(e.Client.Put(context.Background(), api.PutRequest{Name: "r.txt"}, "r.txt", strings.NewReader(content)))(f).Object
	l := sharetest.Must(e.Client.LinkCreate(context.Background(), api.LinkCreateRequest{Links: []api.LinkCreateItem{{Targets: []string{file.ID},
		MaxAccessCount: ptr(1), Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "range fuzz"}}}}}))(f).ShareLinkObjects[0]
	secret, err := e.Svc.StartSession(context.Background(), mustOpen(f, e, l))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, rng string) {
		req := httptest.NewRequest(http.MethodGet, "/p/d/"+file.ID, nil)
		req.AddCookie(&http.Cookie{Name: "__Host-sd-portal", Value: secret})
		if rng != "" {
			req.Header.Set("Range", rng)
		}
		rec := httptest.NewRecorder()
		e.Server.Config.Handler.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
			if rec.Body.String() != content {
				t.Fatalf("Range %q: 200 with %q", rng, rec.Body.String())
			}
		case http.StatusPartialContent:
			var start, end, size int
			if _, err := fmt.Sscanf(rec.Header().Get("Content-Range"), "bytes %d-%d/%d", &start, &end, &size); err == nil {
				if got := rec.Body.String(); got != content[start:end+1] || size != len(content) {
					t.Fatalf("Range %q: Content-Range %q but body %q", rng, rec.Header().Get("Content-Range"), got)
				}
			} else if !strings.HasPrefix(rec.Header().Get("Content-Type"), "multipart/byteranges") {
				t.Fatalf("Range %q: 206 without Content-Range or multipart", rng)
			}
		case http.StatusRequestedRangeNotSatisfiable:
		default:
			t.Fatalf("Range %q: status %d", rng, rec.Code)
		}
		if n, _ := strconv.Atoi(rec.Header().Get("Content-Length")); rec.Header().Get("Content-Length") != "" && n != rec.Body.Len() {
			t.Fatalf("Range %q: Content-Length %d but %d bytes", rng, n, rec.Body.Len())
		}
	})
}

func ptr[T any](v T) *T { return &v }
