package handlers_test

import (
	"context"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
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
	for _, want := range []string{"Signed NDA", "Q3 board pack", "Supplier invoices", "3 links match", "nda.txt", "Ada Admin"} {
		if !strings.Contains(p.body, want) {
			t.Errorf("links page lacks %q", want)
		}
	}
	if strings.Contains(p.body, e.share.Token) {
		t.Error("the service token appears in the page")
	}
	filtered := ada.get("/links?q=board")
	if !strings.Contains(filtered.body, "1 link matches") || strings.Contains(filtered.body, "Signed NDA") {
		t.Errorf("filter by title: got %q", filtered.body)
	}
	detail := ada.get("/links/" + links[0].ID)
	if !strings.Contains(detail.body, links[0].Link) || !strings.Contains(detail.body, "email code to rcpta@example.com") {
		t.Errorf("detail page lacks the link or its authenticator")
	}
}

func TestSendToSeveral(t *testing.T) {
	e := startConsole(t, "sqlite")
	_, _, links := seedLinks(t, e)
	hal := e.signIn(t, "hal@example.com")
	hal.get("/links/" + links[0].ID)
	p := hal.post("/links/"+links[0].ID+"/send", url.Values{"email": {"one@example.com, two@example.com"}, "sender_name": {"Hal"}})
	if p.status != http.StatusOK || !strings.Contains(p.body, "Sent the link to one@example.com, two@example.com.") {
		t.Fatalf("send to two: got %d", p.status)
	}
	for _, to := range []string{"one@example.com", "two@example.com"} {
		if m := e.share.Mail.Wait(t, to); !strings.Contains(m.Text, links[0].Link) || !strings.Contains(m.Text, "Hal") {
			t.Errorf("email to %s lacks the link or the sender", to)
		}
	}
	bad := hal.post("/links/"+links[0].ID+"/send", url.Values{"email": {"fine@example.com, not-an-email"}})
	if bad.status != http.StatusBadRequest || !strings.Contains(bad.body, "&#34;not-an-email&#34; is not an email address") {
		t.Errorf("bad address: got %d, want 400 naming it", bad.status)
	}
	if strings.Contains(bad.body, "fine@example.com") == false {
		t.Errorf("the form lost what was typed")
	}
}

func TestAdminPages(t *testing.T) {
	e := startConsole(t, "sqlite")
	seedLinks(t, e)
	ada := e.signIn(t, "ada@example.com")
	tests := []struct {
		path string
		want []string
	}{
		{"/outbox", []string{"Outbox", "Nothing sent yet"}},
		{"/audit", []string{"Audit log", "sign-in", "ada@example.com", "Export CSV"}},
		{"/admin/sessions", []string{"Signed-in staff", "Ada Admin", "This session"}},
		{"/files", []string{"Contracts", "Upload files to the top folder", "New folder in the top folder"}},
		{"/links?status=expired", []string{"No links match these filters"}},
		{"/links/psl_doesnotexistdoesnotexistdoesnot", []string{"Not found"}},
	}
	for _, tt := range tests {
		p := ada.get(tt.path)
		for _, w := range tt.want {
			if !strings.Contains(p.body, w) {
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
		for _, m := range regexp.MustCompile(`>Link (\d\d)<`).FindAllStringSubmatch(p.body, -1) {
			if seen[m[1]] {
				t.Fatalf("page %d repeats Link %s", page+1, m[1])
			}
			seen[m[1]] = true
		}
		next := regexp.MustCompile(`href="(/links\?[^"]+)"[^>]*>Next`).FindStringSubmatch(p.body)
		url = ""
		if next != nil {
			url = html.UnescapeString(next[1])
		}
		time.Sleep(1100 * time.Millisecond) // "now" moves on between pages
	}
	if len(seen) != 12 {
		t.Errorf("paging a status-filtered list showed %d of 12 links", len(seen))
	}
}
