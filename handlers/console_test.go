package handlers_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

func TestSignInAndLinks(t *testing.T) {
	e := startConsole(t, "sqlite")
	_, _, links := seedLinks(t, e)
	ada := e.signIn(t, "ada@example.com")
	p := ada.get("/links")
	if p.status != http.StatusOK {
		t.Fatalf("links page: %d\n%s", p.status, p.body)
	}
	if got, want := p.texts(t, "link-title"), []string{"Supplier invoices", "Q3 board pack", "Signed NDA"}; !sameSet(got, want) {
		t.Errorf("link titles: got %q, want %q", got, want)
	}
	checks := []struct{ name, got, want string }{
		{"count", p.text(t, "link-count"), "3 links match."},
		{"who is signed in", p.text(t, "staff-name"), "Ada Admin admin"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, c.got, c.want)
		}
	}
	if !strings.Contains(strings.Join(p.texts(t, "link-targets"), ","), "nda.txt") {
		t.Errorf("shared items: got %q, want nda.txt among them", p.texts(t, "link-targets"))
	}
	if strings.Contains(p.body, e.share.Token) {
		t.Error("the service token appears in the page")
	}
	filtered := ada.get("/links?q=board")
	if got := filtered.texts(t, "link-title"); filtered.text(t, "link-count") != "1 link matches." || !sameSet(got, []string{"Q3 board pack"}) {
		t.Errorf("filter by title: count %q, titles %q", filtered.text(t, "link-count"), got)
	}
	detail := ada.get("/links/" + links[0].ID)
	if got, _ := detail.testid(t, "link-url").Attr("value"); got != links[0].Link {
		t.Errorf("detail link URL: got %q, want %q", got, links[0].Link)
	}
	if got := detail.text(t, "authenticators"); !strings.Contains(got, "email code to rcpta@example.com") {
		t.Errorf("detail authenticators: got %q", got)
	}
}

func sameSet(got, want []string) bool {
	g, w := slices.Clone(got), slices.Clone(want)
	slices.Sort(g)
	slices.Sort(w)
	return slices.Equal(g, w)
}

// TestSendToSeveral: a link sent to several addresses reaches each, and each can open it: a link that
// opens with an email code gains every new address as an email code recipient, which the flash and the
// page say. A bad address is a field error that keeps what was typed.
func TestSendToSeveral(t *testing.T) {
	e := startConsole(t, "sqlite")
	_, _, links := seedLinks(t, e)
	hal := e.signIn(t, "hal@example.com")
	before := hal.get("/links/" + links[0].ID)
	if got := before.text(t, "send-help"); !strings.Contains(got, "Each address can open the link with a code sent to it") {
		t.Errorf("send help: got %q", got)
	}
	p := hal.post("/links/"+links[0].ID+"/send", url.Values{"email": {"one@example.com, two@example.com"}, "sender_name": {"Hal"}})
	want := "Sent the link to one@example.com, two@example.com. one@example.com, two@example.com can now open it with a " +
		"code sent to their own address."
	if got := p.text(t, "flash"); p.status != http.StatusOK || got != want {
		t.Fatalf("send to two: got %d %q, want 200 %q", p.status, got, want)
	}
	if got, want := p.text(t, "authenticators"),
		"email code to rcpta@example.com; email code to one@example.com; email code to two@example.com"; got != want {
		t.Errorf("who may open it after sending: got %q, want %q", got, want)
	}
	for _, to := range []string{"one@example.com", "two@example.com"} {
		if m := e.share.Mail.Wait(t, to); !strings.Contains(m.Text, links[0].Link) || !strings.Contains(m.Text, "Hal") {
			t.Errorf("email to %s lacks the link or the sender", to)
		}
	}
	bad := hal.post("/links/"+links[0].ID+"/send", url.Values{"email": {"fine@example.com, not-an-email"}})
	if got, want := bad.text(t, "field-error-send-to"), `"not-an-email" is not an email address`; bad.status != http.StatusBadRequest ||
		!strings.HasPrefix(got, want) {
		t.Errorf("bad address: got %d %q, want 400 %q", bad.status, got, want)
	}
	input := bad.doc(t).Find(`input[name="email"]`)
	if got, _ := input.Attr("value"); !strings.Contains(got, "fine@example.com") {
		t.Errorf("the form lost what was typed: %q", got)
	}
	if inv, _ := input.Attr("aria-invalid"); inv != "true" {
		t.Errorf("address field: aria-invalid %q, want true", inv)
	}
	if d, _ := input.Attr("aria-describedby"); !strings.Contains(d, "send-to-err") {
		t.Errorf("address field: aria-describedby %q, want it to name send-to-err", d)
	}
	// A link that opens with a password: sent as it is, and the page says why.
	pw := sharetest.Must(e.share.Client.LinkCreate(context.Background(), api.LinkCreateRequest{Links: []api.LinkCreateItem{{
		Targets: links[0].Targets, Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "long enough"}}}}}))(t).ShareLinkObjects[0]
	if got := hal.get("/links/"+pw.ID).text(t, "send-help"); !strings.Contains(got, "opens with a password or a text code") {
		t.Errorf("send help of a password link: got %q", got)
	}
	sent := hal.post("/links/"+pw.ID+"/send", url.Values{"email": {"three@example.com"}})
	if got := sent.text(t, "flash"); got != "Sent the link to three@example.com." || sent.text(t, "authenticators") != "password" {
		t.Errorf("password link sent: flash %q, authenticators %q", got, sent.text(t, "authenticators"))
	}
}

func TestAdminPages(t *testing.T) {
	e := startConsole(t, "sqlite")
	seedLinks(t, e)
	ada := e.signIn(t, "ada@example.com")
	tests := []struct {
		path    string
		heading string   // the page's h1
		want    []string // further text the page shows
	}{
		{"/outbox", "Outbox", []string{"Nothing sent yet"}},
		{"/audit", "Audit log", []string{"sign-in", "ada@example.com", "Export CSV"}},
		{"/admin/sessions", "Signed-in staff", []string{"Ada Admin", "This session"}},
		{"/files", "Files", []string{"Contracts", "Upload files to the top folder", "New folder in the top folder"}},
		{"/links?status=expired", "Links", []string{"No links match these filters"}},
		{"/links/psl_doesnotexistdoesnotexistdoesnot", "Not found", nil},
	}
	for _, tt := range tests {
		p := ada.get(tt.path)
		if got := p.text(t, "page-heading"); got != tt.heading {
			t.Errorf("%s (%d): heading %q, want %q", tt.path, p.status, got, tt.heading)
		}
		text := p.doc(t).Find("main").Text()
		for _, w := range tt.want {
			if !strings.Contains(text, w) {
				t.Errorf("%s (%d): lacks %q", tt.path, p.status, w)
			}
		}
	}
	csv := ada.get("/audit?format=csv")
	if !strings.HasPrefix(csv.body, "time,person,action,target,detail,outcome,client\n") || !strings.Contains(csv.body, ",sign-in,") {
		t.Errorf("audit CSV: %.200q", csv.body)
	}
}

func TestPagingWithStatusFilter(t *testing.T) {
	e := startConsole(t, "sqlite")
	ctx := context.Background()
	file := sharetest.Must(e.share.Client.Put(ctx, api.PutRequest{Name: "f.txt"}, "f.txt", strings.NewReader("f")))(t).Object
	for i := range 12 {
		sharetest.Must(e.share.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{Targets: []string{file.ID},
			Title: fmt.Sprintf("Link %02d", i), Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "long enough"}}}}}))(t)
	}
	ada := e.signIn(t, "ada@example.com")
	seen := map[string]bool{}
	url := "/links?status=active&size=10&sort=title&order=asc"
	for page := 0; page < 3 && url != ""; page++ {
		p := ada.get(url)
		for _, title := range p.texts(t, "link-title") {
			if seen[title] {
				t.Fatalf("page %d repeats %s", page+1, title)
			}
			seen[title] = true
		}
		url, _ = p.testid(t, "next-page").Attr("href")
		time.Sleep(1100 * time.Millisecond) // "now" moves on between pages
	}
	if len(seen) != 12 {
		t.Errorf("paging a status-filtered list showed %d of 12 links", len(seen))
	}
}

// TestOutboxIsForSenders: the demo's outbox holds recipients' links and codes, so viewers, who may not
// send links, neither see it in the menu nor get it.
func TestOutboxIsForSenders(t *testing.T) {
	e := startConsole(t, "sqlite")
	for _, c := range []struct {
		who    string
		status int
		inMenu bool
	}{
		{"val@example.com", http.StatusForbidden, false},
		{"sam@example.com", http.StatusOK, true},
		{"hal@example.com", http.StatusOK, true},
	} {
		s := e.signIn(t, c.who)
		if p := s.get("/outbox"); p.status != c.status {
			t.Errorf("%s: /outbox answered %d, want %d", c.who, p.status, c.status)
		}
		inMenu := s.get("/links").doc(t).Find(`nav a[href="/outbox"]`).Length() > 0
		if inMenu != c.inMenu {
			t.Errorf("%s: Outbox in the menu %v, want %v", c.who, inMenu, c.inMenu)
		}
	}
}
