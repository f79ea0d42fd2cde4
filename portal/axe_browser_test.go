package portal_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// pagePassword opens every link portalPages uses.
const pagePassword = "open-sesame-2026"

// Steps a recipient takes before a page is checked: scripts that submit a form.
var (
	signInStep = typePassword(pagePassword)
	askForCode = `document.querySelector("#auth-1 button").click()`
)

func typePassword(pw string) string {
	return `(() => { const f = document.querySelector("#pw-0"); f.value = ` + strconv.Quote(pw) + `; f.form.submit(); })()`
}

// portalPages is every portal page a recipient can meet, for each kind of link, before and after
// signing in. A new page is one line: which link (see portalLinks), what the recipient does first, and
// where they go then ({docs}, {sub}, {inbox}, {private} are folders of the shared tree).
var portalPages = []struct {
	name string
	link string
	do   string
	then string
}{
	{"open, download link", "download", "", ""},
	{"open, wrong password", "download", typePassword("not the password"), ""},
	{"open, code sent", "download", askForCode, ""},
	{"open, upload link", "upload", "", ""},
	{"open, editor link", "editor", "", ""},
	{"open, long title and message", "long", "", ""},
	{"open, used up", "used up", "", ""},
	{"open, revoked", "revoked", "", ""},
	{"files, download link", "download", signInStep, ""},
	{"subfolder, download link", "download", signInStep, "/p/f/{sub}"},
	{"upload only", "upload", signInStep, ""},
	{"files, editor link", "editor", signInStep, ""},
	{"files, editor link with a long title", "long", signInStep, ""},
	{"not part of the share", "download", signInStep, "/p/f/{private}"},
	{"refused by the link's type", "upload", signInStep, "/p/zip?id={inbox}"},
}

// TestPortalPagesInBrowser runs axe-core on every portal page, on a phone in the light theme and on a
// desktop in the dark theme, and checks that nothing scrolls sideways at 390 px.
func TestPortalPagesInBrowser(t *testing.T) {
	sharetest.RequireAxe(t)
	e := sharetest.Start(t, "sqlite", sharetest.Options{})
	tr := makeTree(t, e)
	links := portalLinks(t, e, tr)
	fill := strings.NewReplacer("{docs}", tr.docs.ID, "{sub}", tr.sub.ID, "{inbox}", tr.inbox.ID, "{private}", tr.private.ID)
	b := sharetest.BrowserFor(t, 15*time.Minute)
	for _, p := range portalPages {
		// Each page starts as a new recipient: no portal session from the page before.
		if err := chromedp.Do(b, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, network.ClearBrowserCookies, cdp.Empty{})
			return err
		})); err != nil {
			t.Fatal(err)
		}
		sharetest.GoTo(t, b, links[p.link])
		if p.do != "" {
			submit(t, b, p.do)
		}
		if p.then != "" {
			sharetest.GoTo(t, b, e.URL+fill.Replace(p.then))
		}
		sharetest.CheckPage(t, b, p.name)
	}
}

// portalLinks makes one link of each kind on the shared tree, all opened with pagePassword; the
// download link can also send an email code.
func portalLinks(t *testing.T, e *sharetest.Env, tr tree) map[string]string {
	t.Helper()
	pw := password(pagePassword)
	one := 1
	links := map[string]api.ShareLink{
		"download": createLink(t, e, api.LinkCreateItem{Targets: []string{tr.docs.ID, tr.a.ID}, LinkType: "download",
			Authenticators: append(pw, api.Authenticator{AuthType: "email_otp", AuthContext: "kim@partner.example"})}),
		"upload": createLink(t, e, api.LinkCreateItem{Targets: []string{tr.inbox.ID}, LinkType: "upload", Authenticators: pw}),
		"editor": createLink(t, e, api.LinkCreateItem{Targets: []string{tr.docs.ID}, LinkType: "editor", Authenticators: pw,
			Message: "Please add your comments to the folder by Friday."}),
		"long": createLink(t, e, api.LinkCreateItem{Targets: []string{tr.docs.ID}, LinkType: "editor", Authenticators: pw,
			Title:   "Supplier_framework_agreement_2026_final_signed_by_both_parties_countersigned_version",
			Message: "https://intranet.partnercompany.example/procurement/suppliers/frameworkagreements/2026/final"}),
		"used up": createLink(t, e, api.LinkCreateItem{Targets: []string{tr.a.ID}, Authenticators: pw, MaxAccessCount: &one}),
		"revoked": createLink(t, e, api.LinkCreateItem{Targets: []string{tr.a.ID}, Authenticators: pw}),
	}
	signIn(t, e, links["used up"], pagePassword)
	sharetest.Must(e.Client.LinkDelete(context.Background(), api.LinkDeleteRequest{IDs: []string{links["revoked"].ID}}))(t)
	urls := map[string]string{}
	for name, l := range links {
		urls[name] = l.Link
	}
	return urls
}

// submit runs a script that submits a form and waits for the page that answers it: the marker set on
// this page's window is gone once the next one has loaded.
func submit(t *testing.T, b context.Context, script string) {
	t.Helper()
	if _, err := chromedp.Run(b, chromedp.Evaluate[any](`window.beforeSubmit = true; `+script+`; undefined`)); err != nil {
		t.Fatalf("%s: %v", script, err)
	}
	sharetest.WaitJS(t, b, `!window.beforeSubmit && document.readyState === "complete"`)
}
