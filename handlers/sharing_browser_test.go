package handlers_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestNewLinkInBrowser: a sharer in New York chooses a file at the top and one inside a folder (with
// htmx: the ticks survive opening the folder and going back up by the breadcrumbs), picks a date while
// "7 days" is still chosen, and presses Create twice in quick succession. One link is made, for the
// end of that day in New York, one email goes out, and the result page says so; reloading it, going
// Back to the form and Forward again create and send nothing more.
func TestNewLinkInBrowser(t *testing.T) {
	e := startConsole(t, "sqlite")
	ctx := context.Background()
	c := e.share.Client
	contracts := sharetest.Must(c.FolderCreate(ctx, api.FolderCreateRequest{Name: "Contracts"}))(t).Object
	put := func(name, parent string) api.Object {
		return sharetest.Must(c.Put(ctx, api.PutRequest{Name: name, ParentID: parent}, name, strings.NewReader(name)))(t).Object
	}
	readme, msa := put("readme.txt", ""), put("msa.pdf", contracts.ID)
	count := func() int { return sharetest.Must(c.LinkList(ctx, api.LinkListRequest{}))(t).Count }

	b := sharetest.Browser(t)
	js := func(code string) {
		t.Helper()
		if _, err := chromedp.Run(b, chromedp.Evaluate[any](code)); err != nil {
			t.Fatalf("%s: %v", code, err)
		}
	}
	str := func(code string) string {
		t.Helper()
		s, err := chromedp.Run(b, chromedp.Evaluate[string](code))
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		return s
	}
	if err := chromedp.Do(b, chromedp.EmulateViewport(1280, 900), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "America/New_York"})
		return err
	}), chromedp.Navigate(e.url+"/links")); err != nil {
		t.Fatal(err)
	}
	js(`document.querySelector('form:has(input[value="sam@example.com"])').submit()`)
	waitJS(t, b, `!!document.querySelector(".who")`)
	// Create with nothing chosen: the answer lists the problems, and the focus is on the first field
	// with one (autofocus: no script needed).
	if err := chromedp.Do(b, chromedp.Navigate(e.url+"/links/new")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, b, `document.readyState === "complete" && !!document.querySelector("[data-testid=create]")`)
	js(`document.querySelector("#recipients").value = "kim@partner.example"; document.querySelector("[data-testid=create]").click()`)
	waitJS(t, b, `document.readyState === "complete" && !!document.querySelector("[data-error-summary]")`)
	if got := str(`document.activeElement.id + " " + document.querySelector("[data-error-summary]").textContent`); !strings.HasPrefix(got,
		"targets ") || !strings.Contains(got, "What to share: Choose at least one file or folder.") {
		t.Errorf("after a refused Create: focus and summary %q, want the focus on #targets", got)
	}
	if err := chromedp.Do(b, chromedp.Navigate(e.url+"/links/new")); err != nil {
		t.Fatal(err)
	}
	waitJS(t, b, `document.readyState === "complete" && !!window.htmx && !!document.querySelector("#targets")`)

	// Tick readme.txt, open Contracts, tick msa.pdf, go back up by the breadcrumb: both stay chosen.
	htmxDo(t, b, `document.querySelector("#choose-`+readme.ID+`").click()`)
	waitJS(t, b, `document.querySelector("[data-testid=selection-count]").textContent.includes("1 selected")`)
	htmxDo(t, b, `document.querySelector('button[name=open][value="`+contracts.ID+`"]').click()`)
	waitJS(t, b, `document.querySelector("[data-testid=chooser-crumbs]").textContent.includes("Contracts") && !!document.querySelector("#choose-`+msa.ID+`")`)
	htmxDo(t, b, `document.querySelector("#choose-`+msa.ID+`").click()`)
	waitJS(t, b, `document.querySelector("[data-testid=selection-count]").textContent.includes("2 selected")`)
	htmxDo(t, b, `document.querySelector('button[name=open][value="/"]').click()`)
	waitJS(t, b, `!document.querySelector("[data-testid=chooser-crumbs]").textContent.includes("Contracts")`)
	if got := str(`[...document.querySelectorAll("[data-testid=selected-name]")].map(e => e.textContent).join(",")`); got != "msa.pdf,readme.txt" {
		t.Errorf("selection after going up: got %q, want msa.pdf,readme.txt", got)
	}
	if got := str(`String(document.querySelector("#choose-` + readme.ID + `").checked)`); got != "true" {
		t.Errorf("readme.txt is not ticked after coming back")
	}
	if got := str(`location.pathname`); got != "/links/new" {
		t.Errorf("in-place browsing changed the address to %s", got)
	}

	// A date picked while "7 days" is chosen wins; the page tells the server the zone of that day.
	day := time.Now().UTC().AddDate(0, 0, 20)
	date := day.Format("2006-01-02")
	js(`document.querySelector("#expiry").value = "7";
		const d = document.querySelector("#expires_at"); d.value = "` + date + `";
		d.dispatchEvent(new Event("change", {bubbles: true}));
		document.querySelector("#recipients").value = "kim@partner.example";
		document.querySelector("#title").value = "Browser PRG"`)
	if got := str(`document.querySelector("#expiry").value`); got != "custom" {
		t.Errorf("preset after picking a date: got %q, want custom", got)
	}
	before := count()
	// Two quick clicks on Create.
	js(`const btn = document.querySelector("[data-testid=create]"); btn.click(); btn.click();`)
	waitJS(t, b, `location.pathname.startsWith("/links/created/") && document.body.textContent.includes("Created 1 link")`)
	result := str(`location.href`)
	ny, _ := time.LoadLocation("America/New_York")
	wantExp := time.Date(day.Year(), day.Month(), day.Day(), 23, 59, 59, 0, ny).UTC()
	if got := str(`document.querySelector("[data-testid=created-expiry] time").getAttribute("datetime")`); got != wantExp.Format(time.RFC3339) {
		t.Errorf("expiry shown: got %s, want the end of %s in New York, %s", got, date, wantExp.Format(time.RFC3339))
	}
	e.share.Mail.Wait(t, "kim@partner.example")

	// Reload, Back (to the form), Forward (to the result): nothing more is created or sent.
	steps := []struct {
		name string
		do   chromedp.Action[chromedp.Void]
		at   string
	}{
		{"reload", chromedp.Reload(), "/links/created/"},
		{"back", chromedp.NavigateBack(), "/links/new"},
		{"forward", chromedp.NavigateForward(), "/links/created/"},
	}
	for _, s := range steps {
		if err := chromedp.Do(b, s.do); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		waitJS(t, b, `document.readyState === "complete" && location.pathname.startsWith("`+s.at+`")`)
	}
	if got := str(`location.href`); got != result {
		t.Errorf("after forward: at %s, want %s", got, result)
	}
	time.Sleep(500 * time.Millisecond) // a duplicate email would have arrived by now
	if got := count(); got != before+1 {
		t.Errorf("links: got %d, want %d (one, whatever the clicks, reloads and history)", got, before+1)
	}
	if got := mailsTo(e, "kim@partner.example"); got != 1 {
		t.Errorf("emails to kim: got %d, want 1", got)
	}
	l := sharetest.Must(c.LinkList(ctx, api.LinkListRequest{Filter: map[string]any{"title": "Browser PRG"}}))(t).ShareLinkObjects
	if len(l) != 1 || !sameSet(l[0].Targets, []string{readme.ID, msa.ID}) || !l[0].ExpiresAt.Equal(wantExp) {
		t.Fatalf("link: got %+v, want readme.txt and msa.pdf until %s", l, wantExp)
	}

	// Edit it: a malformed number comes back at its field, with the focus; then it is saved.
	if err := chromedp.Do(b, chromedp.Navigate(e.url+"/links/"+l[0].ID)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, b, `document.readyState === "complete" && !!document.querySelector("[data-testid=edit-link]")`)
	js(`document.querySelector("[data-testid=edit-link]").click()`)
	waitJS(t, b, `location.pathname.endsWith("/edit") && !!document.querySelector("#add_phones")`)
	js(`document.querySelector("#add_emails").value = "boss@partner.example";
		document.querySelector("#add_phones").value = "555-0100";
		document.querySelector("[data-testid=save]").click()`)
	waitJS(t, b, `document.readyState === "complete" && !!document.querySelector("[data-error-summary]")`)
	sharetest.Screenshot(t, b, "console-6-edit")
	if got := str(`document.activeElement.id`); got != "add_phones" {
		t.Errorf("focus after a refused edit: on %q, want add_phones", got)
	}
	js(`document.querySelector("#add_phones").value = "+15555550100"; document.querySelector("[data-testid=save]").click()`)
	waitJS(t, b, `document.readyState === "complete" && !location.pathname.endsWith("/edit") && !!document.querySelector("[data-testid=flash]")`)
	if got := str(`document.querySelector("[data-testid=authenticators]").textContent`); got !=
		"email code to kim@partner.example; email code to boss@partner.example; text code to +15555550100" {
		t.Errorf("after saving: %q", got)
	}
}

// TestUploadFromNewLinkInBrowser: with htmx, a sharer who has typed recipients and a title opens a
// folder, uploads a file from the New link page and sees it chosen, with everything typed still there
// and the page still at /links/new; Create then shares the new file.
func TestUploadFromNewLinkInBrowser(t *testing.T) {
	e := startConsole(t, "sqlite")
	ctx := context.Background()
	c := e.share.Client
	contracts := sharetest.Must(c.FolderCreate(ctx, api.FolderCreateRequest{Name: "Contracts"}))(t).Object
	draft := filepath.Join(t.TempDir(), "draft.txt")
	if err := os.WriteFile(draft, bytes.Repeat([]byte("draft\n"), 50000), 0o600); err != nil {
		t.Fatal(err)
	}
	b := sharetest.Browser(t)
	goTo(t, b, e.url+"/links")
	choosePerson(t, b, "sam@example.com")
	sharetest.WaitJS(t, b, `!!document.querySelector(".who")`)
	goTo(t, b, e.url+"/links/new")
	sharetest.WaitJS(t, b, `!!window.htmx && !!document.querySelector("#targets")`)
	run := func(code string) {
		t.Helper()
		if _, err := chromedp.Run(b, chromedp.Evaluate[any](code)); err != nil {
			t.Fatalf("%s: %v", code, err)
		}
	}
	htmxDo(t, b, `document.querySelector('button[name=open][value="`+contracts.ID+`"]').click()`)
	sharetest.WaitJS(t, b, `document.querySelector("[data-testid=new-upload]").textContent.includes("folder Contracts")`)
	run(`document.querySelector("#recipients").value = "kim@partner.example";
		document.querySelector("#title").value = "Fresh draft";
		document.querySelector("#expiry").value = "30";`)
	if err := chromedp.Do(b, chromedp.SetUploadFiles("#new-up", []string{draft})); err != nil {
		t.Fatal(err)
	}
	htmxDo(t, b, `document.querySelector("[data-testid=new-upload-button]").click()`)
	sharetest.WaitJS(t, b, `(document.querySelector("[data-testid=new-upload-status]") || {}).textContent === "Uploaded and chosen: draft.txt."`)
	got, err := chromedp.Run(b, chromedp.Evaluate[[]string](`[document.querySelector("#recipients").value,
		document.querySelector("#title").value, document.querySelector("#expiry").value, location.pathname,
		[...document.querySelectorAll("[data-testid=selected-name]")].map(e => e.textContent).join(",")]`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"kim@partner.example", "Fresh draft", "30", "/links/new", "draft.txt"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("after the upload: got %q, want %q", got, want)
	}
	run(`document.querySelector("[data-testid=create]").click()`)
	sharetest.WaitJS(t, b, `location.pathname.startsWith("/links/created/") && document.body.textContent.includes("Created 1 link")`)
	uploaded, ok := objectNamed(t, e, contracts.ID, "draft.txt")
	if !ok {
		t.Fatal("draft.txt is not in Contracts")
	}
	links := sharetest.Must(c.LinkList(ctx, api.LinkListRequest{}))(t).ShareLinkObjects
	if len(links) != 1 || len(links[0].Targets) != 1 || links[0].Targets[0] != uploaded.ID {
		t.Errorf("links: got %+v, want one for draft.txt (%s)", links, uploaded.ID)
	}
}
