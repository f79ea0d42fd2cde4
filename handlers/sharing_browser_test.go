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
	count := func(t *testing.T) int { return sharetest.Must(c.LinkList(ctx, api.LinkListRequest{}))(t).Count }

	b := sharetest.Browser(t)
	sharetest.Step(t, "a sharer in New York signs in", func(t *testing.T) {
		sharetest.Do(t, b, chromedp.EmulateViewport(1280, 900), chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			_, err := cdp.Call(ctx, tg, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: "America/New_York"})
			return err
		}), chromedp.Navigate(e.url+"/links"))
		choosePerson(t, b, "sam@example.com")
		sharetest.WaitJS(t, b, `!!document.querySelector(".who")`)
	})
	sharetest.Step(t, "Create with nothing chosen lists the problems, the focus on the first field with one", func(t *testing.T) {
		// The focus by autofocus: no script needed.
		sharetest.GoTo(t, b, e.url+"/links/new")
		sharetest.WaitJS(t, b, `!!document.querySelector("[data-testid=create]")`)
		sharetest.Script(t, b, `document.querySelector("#recipients").value = "kim@partner.example";
			document.querySelector("[data-testid=create]").click()`)
		sharetest.WaitJS(t, b, `document.readyState === "complete" && !!document.querySelector("[data-error-summary]")`)
		if got := sharetest.JS(t, b, `document.activeElement.id + " " + document.querySelector("[data-error-summary]").textContent`); !strings.HasPrefix(got,
			"targets ") || !strings.Contains(got, "What to share: Choose at least one file or folder.") {
			t.Errorf("after a refused Create: focus and summary %q, want the focus on #targets", got)
		}
	})
	sharetest.Step(t, "ticks survive opening a folder and going back up by the breadcrumb", func(t *testing.T) {
		sharetest.GoTo(t, b, e.url+"/links/new")
		sharetest.WaitJS(t, b, `!!window.htmx && !!document.querySelector("#targets")`)
		htmxDo(t, b, `document.querySelector("#choose-`+readme.ID+`").click()`)
		sharetest.WaitJS(t, b, `document.querySelector("[data-testid=selection-count]").textContent.includes("1 selected")`)
		htmxDo(t, b, `document.querySelector('button[name=open][value="`+contracts.ID+`"]').click()`)
		sharetest.WaitJS(t, b, `document.querySelector("[data-testid=chooser-crumbs]").textContent.includes("Contracts") &&
			!!document.querySelector("#choose-`+msa.ID+`")`)
		htmxDo(t, b, `document.querySelector("#choose-`+msa.ID+`").click()`)
		sharetest.WaitJS(t, b, `document.querySelector("[data-testid=selection-count]").textContent.includes("2 selected")`)
		htmxDo(t, b, `document.querySelector('button[name=open][value="/"]').click()`)
		sharetest.WaitJS(t, b, `!document.querySelector("[data-testid=chooser-crumbs]").textContent.includes("Contracts")`)
		if got := sharetest.JS(t, b, `[...document.querySelectorAll("[data-testid=selected-name]")].map(e => e.textContent).join(",")`); got != "msa.pdf,readme.txt" {
			t.Errorf("selection after going up: got %q, want msa.pdf,readme.txt", got)
		}
		if got := sharetest.JS(t, b, `String(document.querySelector("#choose-`+readme.ID+`").checked)`); got != "true" {
			t.Errorf("readme.txt is not ticked after coming back")
		}
		if got := sharetest.JS(t, b, `location.pathname`); got != "/links/new" {
			t.Errorf("in-place browsing changed the address to %s", got)
		}
	})
	// The link's expiry: a date 20 days on, to the end of that day in New York.
	day := time.Now().UTC().AddDate(0, 0, 20)
	date := day.Format("2006-01-02")
	ny, _ := time.LoadLocation("America/New_York")
	wantExp := time.Date(day.Year(), day.Month(), day.Day(), 23, 59, 59, 0, ny).UTC()
	before := count(t)
	var result string
	sharetest.Step(t, "a date picked while 7 days is chosen wins", func(t *testing.T) {
		// The page tells the server the zone of that day.
		sharetest.Script(t, b, `document.querySelector("#expiry").value = "7";
			const d = document.querySelector("#expires_at"); d.value = "`+date+`";
			d.dispatchEvent(new Event("change", {bubbles: true}));
			document.querySelector("#recipients").value = "kim@partner.example";
			document.querySelector("#title").value = "Browser PRG"`)
		if got := sharetest.JS(t, b, `document.querySelector("#expiry").value`); got != "custom" {
			t.Errorf("preset after picking a date: got %q, want custom", got)
		}
	})
	sharetest.Step(t, "two quick clicks on Create make one link, until the end of the day in New York", func(t *testing.T) {
		sharetest.Script(t, b, `const btn = document.querySelector("[data-testid=create]"); btn.click(); btn.click();`)
		sharetest.WaitJS(t, b, `location.pathname.startsWith("/links/created/") && document.body.textContent.includes("Created 1 link")`)
		result = sharetest.JS(t, b, `location.href`)
		if got := sharetest.JS(t, b, `document.querySelector("[data-testid=created-expiry] time").getAttribute("datetime")`); got != wantExp.Format(time.RFC3339) {
			t.Errorf("expiry shown: got %s, want the end of %s in New York, %s", got, date, wantExp.Format(time.RFC3339))
		}
		e.share.Mail.Wait(t, "kim@partner.example")
	})
	var l []api.ShareLink
	sharetest.Step(t, "reload, Back to the form and Forward to the result create and send nothing more", func(t *testing.T) {
		for _, s := range []struct {
			name string
			do   chromedp.Action[chromedp.Void]
			at   string
		}{
			{"reload", chromedp.Reload(), "/links/created/"},
			{"back", chromedp.NavigateBack(), "/links/new"},
			{"forward", chromedp.NavigateForward(), "/links/created/"},
		} {
			if err := chromedp.Do(b, s.do); err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			sharetest.WaitJS(t, b, `document.readyState === "complete" && location.pathname.startsWith("`+s.at+`")`)
		}
		if got := sharetest.JS(t, b, `location.href`); got != result {
			t.Errorf("after forward: at %s, want %s", got, result)
		}
		time.Sleep(500 * time.Millisecond) // a duplicate email would have arrived by now
		if got := count(t); got != before+1 {
			t.Errorf("links: got %d, want %d (one, whatever the clicks, reloads and history)", got, before+1)
		}
		if got := mailsTo(e, "kim@partner.example"); got != 1 {
			t.Errorf("emails to kim: got %d, want 1", got)
		}
		l = sharetest.Must(c.LinkList(ctx, api.LinkListRequest{Filter: map[string]any{"title": "Browser PRG"}}))(t).ShareLinkObjects
		if len(l) != 1 || !sameSet(l[0].Targets, []string{readme.ID, msa.ID}) || !l[0].ExpiresAt.Equal(wantExp) {
			t.Fatalf("link: got %+v, want readme.txt and msa.pdf until %s", l, wantExp)
		}
	})
	sharetest.Step(t, "an edit with a malformed number comes back at its field, with the focus", func(t *testing.T) {
		sharetest.GoTo(t, b, e.url+"/links/"+l[0].ID)
		sharetest.WaitJS(t, b, `!!document.querySelector("[data-testid=edit-link]")`)
		sharetest.Script(t, b, `document.querySelector("[data-testid=edit-link]").click()`)
		sharetest.WaitJS(t, b, `location.pathname.endsWith("/edit") && !!document.querySelector("#add_phones")`)
		sharetest.Script(t, b, `document.querySelector("#add_emails").value = "boss@partner.example";
			document.querySelector("#add_phones").value = "555-0100";
			document.querySelector("[data-testid=save]").click()`)
		sharetest.WaitJS(t, b, `document.readyState === "complete" && !!document.querySelector("[data-error-summary]")`)
		sharetest.Screenshot(t, b, "console-6-edit")
		if got := sharetest.JS(t, b, `document.activeElement.id`); got != "add_phones" {
			t.Errorf("focus after a refused edit: on %q, want add_phones", got)
		}
	})
	sharetest.Step(t, "corrected, the edit is saved", func(t *testing.T) {
		sharetest.Script(t, b, `document.querySelector("#add_phones").value = "+15555550100";
			document.querySelector("[data-testid=save]").click()`)
		sharetest.WaitJS(t, b, `document.readyState === "complete" && !location.pathname.endsWith("/edit") &&
			!!document.querySelector("[data-testid=flash]")`)
		if got := sharetest.JS(t, b, `document.querySelector("[data-testid=authenticators]").textContent`); got !=
			"email code to kim@partner.example; email code to boss@partner.example; text code to +15555550100" {
			t.Errorf("after saving: %q", got)
		}
	})
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
	sharetest.GoTo(t, b, e.url+"/links")
	choosePerson(t, b, "sam@example.com")
	sharetest.WaitJS(t, b, `!!document.querySelector(".who")`)
	sharetest.GoTo(t, b, e.url+"/links/new")
	sharetest.WaitJS(t, b, `!!window.htmx && !!document.querySelector("#targets")`)
	htmxDo(t, b, `document.querySelector('button[name=open][value="`+contracts.ID+`"]').click()`)
	sharetest.WaitJS(t, b, `document.querySelector("[data-testid=new-upload]").textContent.includes("folder Contracts")`)
	sharetest.Script(t, b, `document.querySelector("#recipients").value = "kim@partner.example";
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
	sharetest.Script(t, b, `document.querySelector("[data-testid=create]").click()`)
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
