package bench

import (
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// transferSize is 1 GiB; BENCH_TRANSFER_MIB overrides it for a quick look.
func transferSize() int64 {
	if n, err := strconv.Atoi(os.Getenv("BENCH_TRANSFER_MIB")); err == nil && n > 0 {
		return int64(n) << 20
	}
	return 1 << 30
}

// rssLimit is the memory growth the portal may show while moving a 1 GiB file.
const rssLimit = 64 << 20

type pattern struct{ n int64 }

// Read fills p with a cheap non-constant pattern.
func (p *pattern) Read(b []byte) (int, error) {
	for i := range b {
		b[i] = byte(p.n + int64(i)*31)
	}
	p.n += int64(len(b))
	return len(b), nil
}

// BenchmarkPortalTransfer uploads and downloads a 1 GiB file through the portal, asserting that the
// process's resident memory grows by less than 64 MiB, and compares download throughput with a plain
// http.FileServer serving the same file in the same run.
func BenchmarkPortalTransfer(b *testing.B) {
	size := transferSize()
	e := sharetest.Start(b, "sqlite", sharetest.Options{NoSMTP: true, Config: func(c *share.Config) { c.MaxUploadSize = size + 1 }})
	ctx := context.Background()
	p := openEditorPortal(b, e, "Big")

	resetPeakRSS()
	before := currentRSS()
	t0 := time.Now()
	p.upload(b, "big.bin", io.LimitReader(&pattern{}, size))
	upTime := time.Since(t0)
	upGrowth := peakRSS() - before
	list := sharetest.Must(e.Client.List(ctx, api.ListRequest{Filter: map[string]any{"name": "big.bin"}}))(b)
	if list.Count != 1 || list.Objects[0].Size != size {
		b.Fatalf("upload did not store the file: %+v", list)
	}
	obj := list.Objects[0]

	path, err := e.Blobs.Path(obj.ID)
	if err != nil {
		b.Fatal(err)
	}
	fs := httptest.NewServer(http.FileServer(http.Dir(filepath.Dir(path))))
	defer fs.Close()
	// Best of three, alternating, so page-cache state favours neither side.
	resetPeakRSS()
	before = currentRSS()
	portalTime, plainTime := time.Duration(1<<62), time.Duration(1<<62)
	for range 3 {
		portalTime = min(portalTime, download(b, p.client, e.URL+"/p/d/"+obj.ID, p.session, size))
		plainTime = min(plainTime, download(b, p.client, fs.URL+"/"+filepath.Base(path), nil, size))
	}
	downGrowth := peakRSS() - before

	mib := float64(size) / (1 << 20)
	ratio := plainTime.Seconds() / portalTime.Seconds()
	b.ReportMetric(mib/upTime.Seconds(), "upload-MiB/s")
	b.ReportMetric(mib/portalTime.Seconds(), "portal-download-MiB/s")
	b.ReportMetric(mib/plainTime.Seconds(), "fileserver-MiB/s")
	b.ReportMetric(ratio*100, "portal-vs-fileserver-%")
	b.ReportMetric(float64(upGrowth)/(1<<20), "upload-rss-growth-MiB")
	b.ReportMetric(float64(downGrowth)/(1<<20), "download-rss-growth-MiB")
	b.ReportMetric(0, "ns/op")
	fmt.Printf("portal upload   %6.0f MiB in %5.1fs = %6.0f MiB/s, RSS growth %3d MiB\n", mib, upTime.Seconds(), mib/upTime.Seconds(), upGrowth>>20)
	fmt.Printf("portal download %6.0f MiB in %5.1fs = %6.0f MiB/s, RSS growth %3d MiB\n", mib, portalTime.Seconds(), mib/portalTime.Seconds(), downGrowth>>20)
	fmt.Printf("http.FileServer %6.0f MiB in %5.1fs = %6.0f MiB/s; portal is %.0f%% of it\n", mib, plainTime.Seconds(), mib/plainTime.Seconds(), ratio*100)
	if upGrowth >= rssLimit || downGrowth >= rssLimit {
		b.Fatalf("RSS grew by %d MiB (upload) and %d MiB (download); the limit is %d MiB", upGrowth>>20, downGrowth>>20, rssLimit>>20)
	}
}

// editorPortal is the portal of an editor link to a new folder, signed in with its password: what a
// person uploading into a shared folder sees.
type editorPortal struct {
	url     string // the share server
	client  *http.Client
	folder  api.Object
	session *http.Cookie
	csrf    string // of the folder's page, for its upload form
}

// openEditorPortal creates a folder named folderName and an editor link to it, and signs in to the
// link's portal.
func openEditorPortal(b *testing.B, e *sharetest.Env, folderName string) editorPortal {
	ctx := context.Background()
	folder := sharetest.Must(e.Client.FolderCreate(ctx, api.FolderCreateRequest{Name: folderName}))(b).Object
	l := sharetest.Must(e.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{Targets: []string{folder.ID},
		LinkType: "editor", Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "big transfer"}}}}}))(b).ShareLinkObjects[0]
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.PostForm(l.Link+"/password", url.Values{"auth": {"0"}, "password": {"big transfer"}})
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
	var session *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "__Host-sd-portal" {
			session = c
		}
	}
	if session == nil {
		b.Fatal("no portal session cookie")
	}
	page := get(b, client, e.URL+"/p/f/"+folder.ID, session)
	csrf := regexp.MustCompile(`name="csrf" value="([0-9a-f]+)"`).FindStringSubmatch(string(page))[1]
	return editorPortal{url: e.URL, client: client, folder: folder, session: session, csrf: csrf}
}

// upload sends body as the file name through the folder's upload form, streaming it.
func (p editorPortal) upload(b *testing.B, name string, body io.Reader) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		_ = mw.WriteField("csrf", p.csrf)
		fw, _ := mw.CreateFormFile("files", name)
		_, err := io.Copy(fw, body)
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	req, _ := http.NewRequest(http.MethodPost, p.url+"/p/upload/"+p.folder.ID, pr)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.AddCookie(p.session)
	resp, err := p.client.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	resp.Body.Close()
}

func get(b *testing.B, c *http.Client, u string, cookie *http.Cookie) []byte {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	if cookie != nil {
		req.AddCookie(cookie)
	}
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return body
}

func download(b *testing.B, c *http.Client, u string, cookie *http.Cookie, size int64) time.Duration {
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	if cookie != nil {
		req.AddCookie(cookie)
	}
	t0 := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil || n != size || resp.StatusCode != http.StatusOK {
		b.Fatalf("download %s: %d bytes, status %d, %v", u, n, resp.StatusCode, err)
	}
	return time.Since(t0)
}

// resetPeakRSS resets VmHWM so the next peakRSS measures only what follows.
func resetPeakRSS() { _ = os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) }

func currentRSS() int64 { return procStatus("VmRSS:") }

func procStatus(field string) int64 {
	raw, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
