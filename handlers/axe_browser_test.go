package handlers_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// The people the pages are checked as, by role.
var (
	asAdmin    = []string{"ada@example.com"}
	asRevokers = []string{"ada@example.com", "hal@example.com"}
	asCreators = []string{"ada@example.com", "sam@example.com"}
	asEveryone = []string{"ada@example.com", "hal@example.com", "sam@example.com", "val@example.com"}
)

// consolePages is every console page, as each person who can see it. A page added to the console is
// one line: its address, in which {link}, {long}, {revoked}, {file} and {folder} are filled in from the data
// seedPages makes, and who to check it as.
var consolePages = []struct {
	name string
	path string
	as   []string
}{
	{"links", "/links", asEveryone},
	{"links, nothing matches", "/links?q=no+such+link", asEveryone},
	{"links, more filters open", "/links?tags=legal&created_from=2020-01-01", asEveryone},
	{"new link", "/links/new", asCreators},
	{"new link for a file", "/links/new?target={file}", asCreators},
	{"link detail", "/links/{link}", asEveryone},
	{"link with a long title and address", "/links/{long}", asEveryone},
	{"confirm revoke", "/links/revoke?id={link}&id={long}", asRevokers},
	{"files", "/files", asEveryone},
	{"folder", "/files?folder={folder}", asEveryone},
	{"an item's links", "/files?folder={folder}&selected={file}", asEveryone},
	{"link edit", "/links/{link}/edit", asRevokers},
	{"revoked links", "/links?status=revoked", asEveryone},
	{"a revoked link", "/links/{revoked}", asEveryone},
	{"dashboard", "/dashboard", asEveryone},
	{"activity", "/activity", asEveryone},
	{"rename", "/files/{file}/rename", asAdmin},
	{"move", "/files/{file}/move", asAdmin},
	{"confirm delete", "/files/{folder}/delete", asAdmin},
	{"API tokens", "/admin/tokens", asAdmin},
	{"audit", "/audit", asAdmin},
	{"sessions", "/admin/sessions", asAdmin},
	{"outbox", "/outbox", []string{"ada@example.com", "hal@example.com", "sam@example.com"}},
	{"forbidden", "/audit", []string{"sam@example.com"}},
	{"not found", "/links/pls_doesnotexist", asAdmin},
}

// TestConsolePagesInBrowser runs axe-core on every console page as each role, on a phone in the light
// theme and on a desktop in the dark theme, and checks that nothing scrolls sideways at 390 px; also
// the pages before and after signing in (the development sign-in, "no access", signed out).
func TestConsolePagesInBrowser(t *testing.T) {
	sharetest.RequireChromium(t) // once here, not once in each subtest
	sharetest.RequireAxe(t)
	e := startConsole(t, "sqlite")
	fill := seedPages(t, e)

	t.Run("signed out", func(t *testing.T) {
		b := sharetest.Browser(t)
		sharetest.GoTo(t, b, e.url+"/links")
		sharetest.WaitJS(t, b, `!!document.querySelector('form input[name="username"]')`)
		sharetest.CheckPage(t, b, "development sign-in")
		choosePerson(t, b, "nia@example.com")
		sharetest.WaitJS(t, b, `location.host.startsWith("localhost") && !!document.querySelector("h1")`)
		sharetest.CheckPage(t, b, "no access")
		sharetest.GoTo(t, b, e.url+"/signed-out")
		sharetest.CheckPage(t, b, "signed out")
	})
	for _, email := range asEveryone {
		t.Run(email, func(t *testing.T) {
			b := sharetest.BrowserFor(t, 15*time.Minute)
			sharetest.GoTo(t, b, e.url+"/links")
			choosePerson(t, b, email)
			sharetest.WaitJS(t, b, `!!document.querySelector(".who")`)
			for _, p := range consolePages {
				if !slices.Contains(p.as, email) {
					continue
				}
				sharetest.GoTo(t, b, e.url+fill(p.path))
				sharetest.CheckPage(t, b, p.name)
			}
			// The result of a New link form is seen only by the one who posted it.
			if slices.Contains(asCreators, email) {
				sharetest.GoTo(t, b, e.url+fill("/links/new?target={file}"))
				if _, err := chromedp.Run(b, chromedp.Evaluate[any](`document.querySelector("#recipients").value = "kim@partner.example";
					document.querySelector("[data-testid=create]").click()`)); err != nil {
					t.Fatal(err)
				}
				sharetest.WaitJS(t, b, `location.pathname.startsWith("/links/created/") && document.readyState === "complete"`)
				sharetest.CheckPage(t, b, "created")
			}
		})
	}
}

// seedPages makes what the pages show: a folder with a file, links (one sent, so the outbox has a
// message; one with a long unbroken title and address) and returns what fills a page's address.
func seedPages(t *testing.T, e *consoleEnv) func(string) string {
	t.Helper()
	folder, file, links := seedLinks(t, e)
	exp := time.Now().Add(72 * time.Hour)
	long := sharetest.Must(e.share.Client.LinkCreate(context.Background(), api.LinkCreateRequest{Links: []api.LinkCreateItem{{
		Targets: []string{file.ID}, ExpiresAt: &exp, Tags: []string{"legal"},
		Title: "Supplier_framework_agreement_2026_final_signed_by_both_parties_countersigned_version",
		Authenticators: []api.Authenticator{{AuthType: "email_otp",
			AuthContext: "procurement.department.shared.mailbox.for.suppliers@subsidiary.partner-company.example"}},
		SendParams: &api.SendParams{RecipientEmail: "procurement.department.shared.mailbox.for.suppliers@subsidiary.partner-company.example",
			SenderEmail: "sam@example.com", SenderName: "Sam Sharer"},
	}}}))(t).ShareLinkObjects[0]
	revoked := sharetest.Must(e.share.Client.LinkCreate(context.Background(), api.LinkCreateRequest{Links: []api.LinkCreateItem{{
		Targets: []string{file.ID}, ExpiresAt: &exp, Title: "Withdrawn offer",
		Authenticators: []api.Authenticator{{AuthType: "email_otp", AuthContext: "lee@partner.example"}},
	}}}))(t).ShareLinkObjects[0]
	sharetest.Must(e.share.Client.LinkDelete(context.Background(), api.LinkDeleteRequest{IDs: []string{revoked.ID}}))(t)
	r := strings.NewReplacer("{link}", links[0].ID, "{long}", long.ID, "{file}", file.ID, "{folder}", folder.ID,
		"{revoked}", revoked.ID)
	return r.Replace
}

// choosePerson chooses who to be on the development provider's page. (Submitted by script: after the
// cross-site redirects chromedp's click does not reach the provider's page.)
func choosePerson(t *testing.T, b context.Context, email string) {
	t.Helper()
	form := `document.querySelector('form:has(input[value="` + email + `"])')`
	sharetest.WaitJS(t, b, `!!`+form)
	sharetest.Script(t, b, form+`.submit()`)
}
