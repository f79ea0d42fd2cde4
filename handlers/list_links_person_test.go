package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// personLinks are the links of the help-desk stories: one sent to kim, one bound to kim's email code
// but never sent, one for a phone, one opened by a password only, one for someone else.
type personLinks struct {
	sentToKim, kimsCode, phone, passwordOnly, other api.ShareLink
}

func seedPersonLinks(t *testing.T, e *consoleEnv) personLinks {
	t.Helper()
	ctx := context.Background()
	c := e.share.Client
	file := sharetest.Must(c.Put(ctx, api.PutRequest{Name: "contract.pdf"}, "contract.pdf", strings.NewReader("%PDF")))(t).Object
	mk := func(title string, send string, auths ...api.Authenticator) api.ShareLink {
		item := api.LinkCreateItem{Targets: []string{file.ID}, Title: title, Authenticators: auths}
		if send != "" {
			item.SendParams = &api.SendParams{RecipientEmail: send, SenderEmail: "sam@example.com"}
		}
		return sharetest.Must(c.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{item}}))(t).ShareLinkObjects[0]
	}
	return personLinks{
		sentToKim:    mk("Contract for Kim", "kim@partner.example", api.Authenticator{AuthType: "email_otp", AuthContext: "kim@partner.example"}),
		kimsCode:     mk("Draft, not sent", "", api.Authenticator{AuthType: "email_otp", AuthContext: "Kim@Partner.Example"}),
		phone:        mk("By text", "", api.Authenticator{AuthType: "sms_otp", AuthContext: "+15551234567"}),
		passwordOnly: mk("Password only", "", api.Authenticator{AuthType: "password", AuthContext: "kim@partner-pass"}),
		other:        mk("Someone else", "", api.Authenticator{AuthType: "email_otp", AuthContext: "jordan@customer.example"}),
	}
}

// The Links page finds a link by any part of any address or phone it is for, in any case, and shows
// who each link is for; the old recipient= address still works; an empty result says whether filters
// found nothing or there is nothing at all.
func TestLinksFindAPerson(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := startConsole(t, kind)
		ls := seedPersonLinks(t, e)
		hal := e.signIn(t, "hal@example.com")
		tests := []struct {
			name, path string
			wantTitles []string
			wantFor    []string
			wantBox    string // what the person box shows
		}{
			{"partial address, other case: sent-to and email code", "/links?person=KIM%40Partner",
				[]string{"Contract for Kim", "Draft, not sent"}, []string{"kim@partner.example", "Kim@Partner.Example"}, "KIM@Partner"},
			{"an old recipient bookmark", "/links?recipient=kim%40partner",
				[]string{"Contract for Kim", "Draft, not sent"}, []string{"kim@partner.example", "Kim@Partner.Example"}, "kim@partner"},
			{"a phone typed with dashes", "/links?person=555-123-4567", []string{"By text"}, []string{"+15551234567"}, "555-123-4567"},
			{"a password is never searched", "/links?person=partner-pass", nil, nil, "partner-pass"},
		}
		for _, tt := range tests {
			p := hal.get(tt.path)
			if p.status != http.StatusOK {
				t.Fatalf("%s: %d", tt.name, p.status)
			}
			if got := p.texts(t, "link-title"); !sameSet(got, tt.wantTitles) {
				t.Errorf("%s: titles %q, want %q", tt.name, got, tt.wantTitles)
			}
			if got := p.texts(t, "link-for"); !sameSet(got, tt.wantFor) {
				t.Errorf("%s: for %q, want %q", tt.name, got, tt.wantFor)
			}
			if got, _ := p.doc(t).Find("#person").Attr("value"); got != tt.wantBox {
				t.Errorf("%s: the person box shows %q, want %q", tt.name, got, tt.wantBox)
			}
		}

		all := hal.get("/links")
		byTitle := map[string]string{}
		titles, fors := all.texts(t, "link-title"), all.texts(t, "link-for")
		for i := range titles {
			byTitle[titles[i]] = fors[i]
		}
		if got := byTitle["Password only"]; got != "Password only" {
			t.Errorf("a link opened by a password only: shows %q, want %q", got, "Password only")
		}
		if got := byTitle["Contract for Kim"]; got != "kim@partner.example" {
			t.Errorf("the same address as recipient and email code: shows %q, want it once", got)
		}
		if strings.Contains(all.body, "kim@partner-pass") {
			t.Error("a password appears on the page")
		}

		// Revoking names who each link is for, so the help desk knows it has the right one.
		confirm := hal.get("/links/revoke?id=" + ls.kimsCode.ID)
		if got := confirm.text(t, "revoke-item"); !strings.Contains(got, "for Kim@Partner.Example") {
			t.Errorf("confirmation: %q, want it to name Kim@Partner.Example", got)
		}
	})
}

// The Activity filter lists links by what recipients did: opened, never opened, downloaded.
func TestLinksActivityFilter(t *testing.T) {
	e := startConsole(t, "sqlite")
	ls := seedPersonLinks(t, e)
	resp, err := http.Get(ls.phone.Link) // the recipient opens the link's page
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	hal := e.signIn(t, "hal@example.com")
	tests := []struct {
		activity string
		want     []string
	}{
		{"opened", []string{"By text"}},
		{"never_opened", []string{"Contract for Kim", "Draft, not sent", "Password only", "Someone else"}},
		{"downloaded", nil},
	}
	for _, tt := range tests {
		p := hal.get("/links?activity=" + tt.activity)
		if got := p.texts(t, "link-title"); !sameSet(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.activity, got, tt.want)
		}
		if got, _ := p.doc(t).Find("#activity option[selected]").Attr("value"); got != tt.activity {
			t.Errorf("%s: the Activity box shows %q", tt.activity, got)
		}
	}
}

// "No links match these filters" (with a way back) when filters find nothing, whichever filter it is;
// "No links yet" only when there are none.
func TestLinksEmptyStates(t *testing.T) {
	e := startConsole(t, "sqlite")
	hal := e.signIn(t, "hal@example.com")
	if got := hal.get("/links").text(t, "links-empty"); got != "No links yet." {
		t.Errorf("no links at all: %q, want %q", got, "No links yet.")
	}
	if got := hal.get("/links?person=kim").text(t, "links-empty"); !strings.HasPrefix(got, "No links match these filters.") {
		t.Errorf("a person filter with no links at all: %q, want no match", got)
	}
	seedPersonLinks(t, e)
	for _, q := range []string{"person=nobody%40nowhere", "tags=nope", "activity=downloaded", "min_access=5", "target=pos_nope"} {
		p := hal.get("/links?" + q)
		if got := p.text(t, "links-empty"); !strings.HasPrefix(got, "No links match these filters.") {
			t.Errorf("%s: %q, want %q", q, got, "No links match these filters.")
		}
		if href, _ := p.testid(t, "clear-filters").Attr("href"); href != "/links" {
			t.Errorf("%s: Clear filters goes to %q, want /links", q, href)
		}
	}
}

// htmx asks again for a page that fell out of its history cache (browser Back) and puts the answer in
// place of the whole body: every page with a part htmx updates gets the whole page, filters included,
// not only its results; an ordinary htmx update of the same address gets only the results.
func TestHistoryRestoreGetsTheWholePage(t *testing.T) {
	e := startConsole(t, "sqlite")
	seedPersonLinks(t, e)
	ada := e.signIn(t, "ada@example.com")
	for _, path := range []string{"/links?person=" + url.QueryEscape("kim@"), "/links?status=revoked", "/audit", "/activity"} {
		t.Run(path, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, e.url+path, nil)
			req.Header.Set("HX-Request", "true")
			req.Header.Set("HX-Current-URL", e.url+path) // an update from the page itself
			req.Header.Set("HX-History-Restore-Request", "true")
			if p := ada.do(req); !strings.Contains(p.body, "<html") || p.doc(t).Find("main form").Length() == 0 {
				t.Errorf("history restore: got a part (%d bytes), want the whole page with its filter form", len(p.body))
			}
			req.Header.Del("HX-History-Restore-Request")
			if p := ada.do(req); strings.Contains(p.body, "<html") || p.doc(t).Find("main").Length() != 0 {
				t.Errorf("an ordinary htmx update got the whole page (%d bytes), want only the results", len(p.body))
			}
		})
	}
}
