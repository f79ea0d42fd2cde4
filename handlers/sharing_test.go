package handlers_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// batchOf reads the New link form's one-time key from a page.
func batchOf(t *testing.T, p page) string {
	t.Helper()
	v, ok := p.doc(t).Find(`input[name="batch"]`).Attr("value")
	if !ok || len(v) != 32 {
		t.Fatalf("no form key on the New link page (status %d)", p.status)
	}
	return v
}

// mailsTo counts the messages the test SMTP server received for addr.
func mailsTo(e *consoleEnv, addr string) int {
	n := 0
	for _, m := range e.share.Mail.All() {
		for _, to := range m.To {
			if to == addr {
				n++
			}
		}
	}
	return n
}

// TestCreateIsPostRedirectGet: Create answers with a redirect to a result page that says per
// recipient which email went out and which did not (and why) and shows each link's exact expiry; the
// result page can be loaded again and the same form posted again (reload, Back, a second click)
// without a second link or a second email. The redirect carries no link URL, and nobody else can see
// the result.
func TestCreateIsPostRedirectGet(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := startConsole(t, kind)
		_, file, _ := seedLinks(t, e)
		ctx := context.Background()
		count := func() int {
			return sharetest.Must(e.share.Client.LinkList(ctx, api.LinkListRequest{}))(t).Count
		}
		sam := e.signIn(t, "sam@example.com")
		form := url.Values{"batch": {batchOf(t, sam.get("/links/new"))}, "target": {file.ID}, "type": {"download"},
			"expiry": {"30"}, "max_access": {"3"}, "title": {"Contract draft"}, "send_now": {"1"},
			"recipients": {"kim@partner.example\nnobody@" + sharetest.RejectedDomain}}
		before := count()
		p := sam.post("/links/new", form)
		if p.status != http.StatusOK || !strings.HasPrefix(p.path, "/links/created/"+form.Get("batch")) {
			t.Fatalf("create: got %d at %s, want a redirect to the result", p.status, p.path)
		}
		if strings.Contains(p.path, "/s/") {
			t.Errorf("the result address holds a link URL: %s", p.path)
		}
		if got := count(); got != before+2 {
			t.Fatalf("links: got %d, want %d", got, before+2)
		}
		e.share.Mail.Wait(t, "kim@partner.example")
		// In the order of the recipients, as the result lists them.
		var created []api.ShareLink
		for _, to := range []string{"kim@partner.example", "nobody@" + sharetest.RejectedDomain} {
			for _, l := range sharetest.Must(e.share.Client.LinkList(ctx, api.LinkListRequest{
				Filter: map[string]any{"title": "Contract draft"}}))(t).ShareLinkObjects {
				if l.Authenticators[0].AuthContext == to {
					created = append(created, l)
				}
			}
		}
		check := func(p page) {
			t.Helper()
			if got, want := p.text(t, "page-heading"), "Created 2 links"; got != want {
				t.Errorf("heading: got %q, want %q", got, want)
			}
			if got, want := p.texts(t, "created-recipient"), []string{"kim@partner.example", "nobody@" + sharetest.RejectedDomain}; !slices.Equal(got, want) {
				t.Errorf("recipients: got %q, want %q", got, want)
			}
			emails := p.texts(t, "created-email")
			if len(emails) != 2 || emails[0] != "Emailed" || !strings.HasPrefix(emails[1], "Not sent The email could not be delivered") {
				t.Errorf("email outcomes: got %q, want Emailed, then Not sent with the reason", emails)
			}
			var urls, expiries []string
			p.testid(t, "created-url").Each(func(_ int, s *goquery.Selection) { v, _ := s.Attr("value"); urls = append(urls, v) })
			p.testid(t, "created-expiry").Find("time").Each(func(_ int, s *goquery.Selection) {
				v, _ := s.Attr("datetime")
				expiries = append(expiries, v)
			})
			for i, l := range created {
				if i >= len(urls) || urls[i] != l.Link {
					t.Errorf("link %d: URL shown %q, want %q", i, urls, l.Link)
				}
				if want := l.ExpiresAt.UTC().Format(time.RFC3339); i >= len(expiries) || expiries[i] != want {
					t.Errorf("link %d: expiry shown %q, want %q", i, expiries, want)
				}
			}
		}
		check(p)
		// Reload the result twice, then post the same form again (Back and Resend, a second click).
		for range 2 {
			check(sam.get(p.path))
		}
		again := sam.post("/links/new", form)
		if again.path != p.path {
			t.Errorf("second post of the form: ended at %s, want the first result %s", again.path, p.path)
		}
		check(again)
		time.Sleep(300 * time.Millisecond) // let a duplicate email arrive before counting
		if got := count(); got != before+2 {
			t.Errorf("links after reloads and a second post: got %d, want %d", got, before+2)
		}
		if got := mailsTo(e, "kim@partner.example"); got != 1 {
			t.Errorf("emails to kim: got %d, want 1", got)
		}
		// Another person cannot read the result, even with its address.
		ada := e.signIn(t, "ada@example.com")
		if got := ada.get(p.path); got.status != http.StatusNotFound {
			t.Errorf("someone else's result: got %d, want 404", got.status)
		}
		form.Del("csrf") // ada's own form token: the key is what is refused
		if got := ada.post("/links/new", form); got.status != http.StatusConflict || count() != before+2 {
			t.Errorf("someone else posting the used form: got %d and %d links, want 409 and %d", got.status, count(), before+2)
		}
		// A fresh form creates again.
		form.Set("batch", batchOf(t, sam.get("/links/new")))
		form.Del("csrf")
		form.Set("recipients", "kim@partner.example")
		if p := sam.post("/links/new", form); p.status != http.StatusOK || count() != before+3 {
			t.Errorf("a new form: got %d and %d links, want %d", p.status, count(), before+3)
		}
	})
}

// TestNewLinkFieldErrors: every problem of the New link form is at its field (aria-invalid,
// aria-describedby naming the message), listed in a summary above the form that links to the fields
// in page order, the first field has the focus without JavaScript, and nothing typed is lost.
func TestNewLinkFieldErrors(t *testing.T) {
	e := startConsole(t, "sqlite")
	seedLinks(t, e)
	sam := e.signIn(t, "sam@example.com")
	form := url.Values{"batch": {batchOf(t, sam.get("/links/new"))}, "type": {"download"}, "expiry": {"7"},
		"max_access": {"0"}, "recipients": {"kim@partner.example, not an address"}, "password": {"horse battery"},
		"title": {"Q3 numbers"}, "message": {"See attached."}}
	p := sam.post("/links/new", form)
	if p.status != http.StatusBadRequest {
		t.Fatalf("invalid form: got %d, want 400", p.status)
	}
	doc := p.doc(t)
	wantSummary := []string{"#targets", "#max_access", "#recipients"}
	var gotSummary []string
	p.testid(t, "error-summary-item").Each(func(_ int, s *goquery.Selection) { h, _ := s.Attr("href"); gotSummary = append(gotSummary, h) })
	if !slices.Equal(gotSummary, wantSummary) {
		t.Errorf("summary links: got %q, want %q", gotSummary, wantSummary)
	}
	if role, _ := p.testid(t, "error-summary").Attr("role"); role != "alert" {
		t.Errorf("summary role: got %q, want alert", role)
	}
	for _, tc := range []struct {
		field, selector string
		group           bool // a fieldset: described, focusable, but no aria-invalid
		focus           bool
		want            string
	}{
		{"targets", "fieldset#targets", true, true, "Choose at least one file or folder."},
		{"max_access", "input#max_access", false, false, "Use a whole number from 1 to 1000."},
		{"recipients", "textarea#recipients", false, false, `"not an address" is not an email address such as name@example.com.`},
	} {
		el := doc.Find(tc.selector)
		if el.Length() != 1 {
			t.Errorf("%s: not found", tc.selector)
			continue
		}
		inv, hasInv := el.Attr("aria-invalid")
		if tc.group == hasInv || (!tc.group && inv != "true") {
			t.Errorf("%s: aria-invalid %q (present %v)", tc.field, inv, hasInv)
		}
		described, _ := el.Attr("aria-describedby")
		if !slices.Contains(strings.Fields(described), tc.field+"-err") {
			t.Errorf("%s: aria-describedby %q, want it to name %s-err", tc.field, described, tc.field)
		}
		if got := strings.TrimSpace(doc.Find("#" + tc.field + "-err").Text()); got != tc.want {
			t.Errorf("%s: message %q, want %q", tc.field, got, tc.want)
		}
		if _, focus := el.Attr("autofocus"); focus != tc.focus {
			t.Errorf("%s: autofocus %v, want %v", tc.field, focus, tc.focus)
		}
	}
	if n := doc.Find("[autofocus]").Length(); n != 1 {
		t.Errorf("autofocus on %d elements, want exactly 1", n)
	}
	for sel, want := range map[string]string{`textarea#recipients`: "kim@partner.example, not an address",
		`input#password`: "horse battery", `input#title`: "Q3 numbers", `textarea#message`: "See attached.",
		`input[name="batch"]`: form.Get("batch")} {
		got := doc.Find(sel).Text()
		if v, ok := doc.Find(sel).Attr("value"); ok {
			got = v
		}
		if got != want {
			t.Errorf("%s lost what was typed: got %q, want %q", sel, got, want)
		}
	}
	// Fields without a problem are not marked.
	if _, ok := doc.Find("input#title").Attr("aria-invalid"); ok {
		t.Error("title is marked invalid")
	}
}

// TestChooserKeepsSelection, without JavaScript: ticks survive opening a folder, going up by the
// breadcrumbs and searching; the page says how many are chosen and names them, each removable; what is
// chosen is what the link shares.
func TestChooserKeepsSelection(t *testing.T) {
	e := startConsole(t, "sqlite")
	ctx := context.Background()
	c := e.share.Client
	contracts := sharetest.Must(c.FolderCreate(ctx, api.FolderCreateRequest{Name: "Contracts"}))(t).Object
	y2026 := sharetest.Must(c.FolderCreate(ctx, api.FolderCreateRequest{Name: "2026", ParentID: contracts.ID}))(t).Object
	put := func(name, parent string) api.Object {
		return sharetest.Must(c.Put(ctx, api.PutRequest{Name: name, ParentID: parent}, name, strings.NewReader(name)))(t).Object
	}
	readme := put("readme.txt", "")
	nda := put("nda.pdf", y2026.ID)
	msa := put("msa.pdf", contracts.ID)
	sam := e.signIn(t, "sam@example.com")
	form := url.Values{"batch": {batchOf(t, sam.get("/links/new"))}, "type": {"download"}, "expiry": {"7"},
		"max_access": {"5"}, "title": {"Kept title"}, "password": {"long enough"}}
	browse := func(set ...string) page {
		t.Helper()
		f := url.Values{}
		for k, v := range form {
			f[k] = slices.Clone(v)
		}
		for i := 0; i+1 < len(set); i += 2 {
			f.Add(set[i], set[i+1])
		}
		p := sam.post("/links/new/browse", f)
		if p.status != http.StatusOK {
			t.Fatalf("browse %v: got %d\n%.500s", set, p.status, p.body)
		}
		// What the page now carries is what the next post sends: the targets (ticked or hidden) and
		// the folder shown.
		doc := p.doc(t)
		form.Del("target")
		doc.Find(`#targets input[name="target"]`).Each(func(_ int, s *goquery.Selection) {
			if s.AttrOr("type", "") == "hidden" || s.Is("[checked]") {
				form.Add("target", s.AttrOr("value", ""))
			}
		})
		form.Set("at", doc.Find(`input[name="at"]`).AttrOr("value", ""))
		if got := doc.Find("input#title").AttrOr("value", ""); got != "Kept title" {
			t.Errorf("browsing lost the title: %q", got)
		}
		return p
	}
	p := browse("target", readme.ID, "open", contracts.ID)
	if got, want := p.text(t, "selection-count"), "1 selected"; got != want {
		t.Errorf("after opening Contracts: %q, want %q", got, want)
	}
	if got, want := p.text(t, "chooser-crumbs"), "All files / Contracts"; got != want {
		t.Errorf("crumbs: got %q, want %q", got, want)
	}
	if got, want := browse("open", y2026.ID).text(t, "chooser-crumbs"), "All files / Contracts / 2026"; got != want {
		t.Errorf("crumbs two levels down: got %q, want %q", got, want)
	}
	p = browse("target", nda.ID, "open", "/") // tick nda.pdf, then All files by the breadcrumb
	if got, want := p.texts(t, "selected-name"), []string{"nda.pdf", "readme.txt"}; !slices.Equal(got, want) {
		t.Errorf("selection after going up: got %q, want %q", got, want)
	}
	if got := p.text(t, "selection-count"); got != "2 selected" {
		t.Errorf("count: got %q, want 2 selected", got)
	}
	if got := browse("search", "msa", "op", "search").text(t, "choices"); !strings.Contains(got, "msa.pdf in /Contracts") {
		t.Errorf("search results: got %q, want msa.pdf in /Contracts", got)
	}
	form.Del("search")
	p = browse("target", msa.ID, "unselect", readme.ID)
	if got, want := p.texts(t, "selected-name"), []string{"msa.pdf", "nda.pdf"}; !slices.Equal(got, want) {
		t.Errorf("after ticking msa.pdf in a search and removing readme.txt: got %q, want %q", got, want)
	}
	created := sam.post("/links/new", form)
	if created.status != http.StatusOK || !strings.HasPrefix(created.path, "/links/created/") {
		t.Fatalf("create: got %d at %s\n%.800s", created.status, created.path, created.body)
	}
	l := sharetest.Must(c.LinkList(ctx, api.LinkListRequest{Filter: map[string]any{"title": "Kept title"}}))(t).ShareLinkObjects
	if len(l) != 1 || !sameSet(l[0].Targets, []string{nda.ID, msa.ID}) {
		t.Errorf("link targets: got %v, want nda.pdf and msa.pdf", l)
	}
}

// TestFolderAndUploadFieldErrors: the Files page's forms redirect after posting; a problem comes back
// at the field it concerns, with what was typed, in a summary, and with the focus.
func TestFolderAndUploadFieldErrors(t *testing.T) {
	e := startConsole(t, "sqlite")
	folder, _, _ := seedLinks(t, e)
	sam := e.signIn(t, "sam@example.com")
	sam.get("/files")
	p := sam.post("/files/folder", url.Values{"name": {"Contracts"}})
	el := p.doc(t).Find("input#new-folder")
	if got := p.text(t, "field-error-new-folder"); got != `There is already something called "Contracts" here.` {
		t.Errorf("folder error: got %q", got)
	}
	if el.AttrOr("value", "") != "Contracts" || el.AttrOr("aria-invalid", "") != "true" ||
		el.AttrOr("aria-describedby", "") != "new-folder-err" || !el.Is("[autofocus]") {
		html, _ := goquery.OuterHtml(el)
		t.Errorf("folder field not tied to its error: %s", html)
	}
	if got := p.text(t, "error-summary"); !strings.Contains(got, "New folder: There is already something called") {
		t.Errorf("summary: %q", got)
	}
	// Shown once: the next page is clean.
	if again := sam.get("/files"); again.doc(t).Find("input#new-folder").AttrOr("aria-invalid", "") != "" {
		t.Error("the folder error was shown twice")
	}
	empty := sam.post("/files/folder", url.Values{"name": {"  "}})
	if got := empty.text(t, "field-error-new-folder"); got != "Give the folder a name." {
		t.Errorf("empty name: got %q", got)
	}
	// An upload of a name the folder has: back in the folder, the problem at the file field.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", sam.csrf)
	mw.WriteField("folder", folder.ID)
	fw, _ := mw.CreateFormFile("files", "nda.txt")
	fw.Write([]byte("again"))
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, e.url+"/files/upload", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	up := sam.do(req)
	file := up.doc(t).Find("input#up-files")
	if got := up.text(t, "field-error-up-files"); got != "nda.txt was not saved: a file with that name is already in this folder." ||
		file.AttrOr("aria-invalid", "") != "true" || file.AttrOr("aria-describedby", "") != "up-files-err" || !file.Is("[autofocus]") {
		html, _ := goquery.OuterHtml(file)
		t.Errorf("upload error: got %q at %s, field %s", got, up.path, html)
	}
}

// TestCreateConcurrentPosts: the same form posted five times at once (a jittery double click, a
// browser retrying) makes its links once; every post ends on the one result.
func TestCreateConcurrentPosts(t *testing.T) {
	e := startConsole(t, "sqlite")
	_, file, _ := seedLinks(t, e)
	ctx := context.Background()
	count := func() int { return sharetest.Must(e.share.Client.LinkList(ctx, api.LinkListRequest{}))(t).Count }
	sam := e.signIn(t, "sam@example.com")
	batch := batchOf(t, sam.get("/links/new"))
	form := url.Values{"batch": {batch}, "target": {file.ID}, "type": {"download"}, "expiry": {"7"},
		"max_access": {"3"}, "recipients": {"kim@partner.example"}, "send_now": {"1"}, "csrf": {sam.csrf}}
	before := count()
	ends := make(chan string, 5)
	for range 5 {
		go func() {
			req, _ := http.NewRequest(http.MethodPost, e.url+"/links/new", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", e.url)
			resp, err := sam.http.Do(req)
			if err != nil {
				ends <- err.Error()
				return
			}
			resp.Body.Close()
			ends <- fmt.Sprint(resp.StatusCode, " ", resp.Request.URL.Path)
		}()
	}
	for range 5 {
		if got, want := <-ends, "200 /links/created/"+batch; got != want {
			t.Errorf("a post ended at %q, want %q", got, want)
		}
	}
	time.Sleep(300 * time.Millisecond)
	if got := count(); got != before+1 {
		t.Errorf("links: got %d, want %d", got, before+1)
	}
	if got := mailsTo(e, "kim@partner.example"); got != 1 {
		t.Errorf("emails to kim: got %d, want 1", got)
	}
}
