package handlers_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestLinksListInBrowser is the help desk's job in Chromium: find the link sent to a person from a
// partial, differently-cased address and revoke it, exactly as the issue tried it (type a filter, tick
// a row, leave the field, press Revoke); ticks that survive an in-place refresh; browser Back showing
// in the filter boxes the filter of the table it shows; focus kept through refreshes.
func TestLinksListInBrowser(t *testing.T) {
	e := startConsole(t, "sqlite")
	ls := seedPersonLinks(t, e)
	b := sharetest.Browser(t)
	// settled waits until no htmx request is in flight or pending: the search box sends 400 ms after
	// the last key.
	settled := func(t *testing.T) {
		t.Helper()
		for range 2 {
			sharetest.WaitJS(t, b, `!document.querySelector(".htmx-request")`)
			time.Sleep(600 * time.Millisecond)
		}
		sharetest.WaitJS(t, b, `!document.querySelector(".htmx-request")`)
	}
	ticked := func(t *testing.T, id string) bool {
		t.Helper()
		return sharetest.JS(t, b, `String(!!document.getElementById("select-`+id+`") && document.getElementById("select-`+id+`").checked)`) == "true"
	}
	titles := func(t *testing.T) string {
		t.Helper()
		return sharetest.JS(t, b, `Array.from(document.querySelectorAll("#results [data-testid=link-title]"), e => e.textContent.trim()).join("|")`)
	}
	load := func(t *testing.T, path string) {
		t.Helper()
		sharetest.Do(t, b, chromedp.Navigate(e.url+path))
		sharetest.WaitJS(t, b, `document.readyState === "complete" && !!window.htmx && !!document.querySelector("#person")`)
	}
	// change sets a select box and fires its change event, as a person choosing an option does.
	change := func(t *testing.T, before, id, value string) {
		t.Helper()
		sharetest.JS(t, b, `(() => { `+before+` const s = document.querySelector("#`+id+`");
			s.value = "`+value+`"; s.dispatchEvent(new Event("change", {bubbles: true})); return ""; })()`)
	}

	sharetest.Step(t, "the help desk signs in", func(t *testing.T) {
		sharetest.Do(t, b, chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.url+"/links"))
		choosePerson(t, b, "hal@example.com")
		sharetest.WaitJS(t, b, `document.readyState === "complete" && !!window.htmx && !!document.querySelector("#person")`)
	})
	sharetest.Step(t, "part of an address in another case finds the person's links in place, focus kept", func(t *testing.T) {
		sharetest.Do(t, b, chromedp.SendKeys("#person", "KIM@Partner"))
		sharetest.WaitJS(t, b, `location.search.includes("person=KIM%40Partner") &&
			document.querySelector("#results").textContent.includes("2 links match")`)
		if got := sharetest.JS(t, b, `document.activeElement.id`); got != "person" {
			t.Errorf("after the in-place search, focus is on %q, want the person box", got)
		}
	})
	sharetest.Step(t, "ticking a row leaves the field, and the tick stays", func(t *testing.T) {
		// Leaving the field: the browser fires its change event.
		sharetest.Do(t, b, chromedp.Click("#select-"+ls.kimsCode.ID))
		settled(t)
		if !ticked(t, ls.kimsCode.ID) {
			t.Fatal("leaving the search box cleared the ticked row")
		}
		sharetest.Screenshot(t, b, "console-7-find-person")
	})
	sharetest.Step(t, "Revoke confirms the ticked link alone, revokes it and returns to the filtered list", func(t *testing.T) {
		sharetest.Do(t, b, chromedp.Click(`button[form="bulk"]`))
		sharetest.WaitJS(t, b, `location.pathname === "/links/revoke" && !!document.querySelector("form button.danger")`)
		if got := sharetest.JS(t, b, `Array.from(document.querySelectorAll("[data-testid=revoke-item]"), e => e.textContent.trim()).join("|")`); !strings.HasPrefix(got, "Draft, not sent") || strings.Contains(got, "|") {
			t.Fatalf("the confirmation names %q, want only the ticked link", got)
		}
		sharetest.Do(t, b, chromedp.Click("form button.danger"))
		sharetest.WaitJS(t, b, `document.body.textContent.includes("Revoked 1 link")`)
		if loc := sharetest.JS(t, b, `location.pathname + location.search`); loc != "/links?person=KIM%40Partner" {
			t.Errorf("after revoking: at %s, want back at the filtered list", loc)
		}
		if _, err := e.share.Client.LinkGet(context.Background(), api.LinkGetRequest{ID: ls.kimsCode.ID}); !api.IsStatus(err, "NotFound") {
			t.Errorf("the ticked link: got %v, want it revoked", err)
		}
	})
	sharetest.Step(t, "a row ticked while a search is on its way stays ticked in the new table", func(t *testing.T) {
		load(t, "/links")
		sharetest.Do(t, b, chromedp.SendKeys("#person", "jordan"), chromedp.Click("#select-"+ls.other.ID))
		settled(t)
		if got := titles(t); got != "Someone else" {
			t.Fatalf("search for jordan: table shows %q", got)
		}
		if !ticked(t, ls.other.ID) {
			t.Error("a row ticked before the search answered lost its tick when the table was replaced")
		}
	})
	sharetest.Step(t, "focus on a ticked row stays there when a refresh replaces the table", func(t *testing.T) {
		change(t, `document.getElementById("select-`+ls.other.ID+`").focus();`, "sort", "title")
		sharetest.WaitJS(t, b, `location.search.includes("sort=title")`)
		settled(t)
		if got := sharetest.JS(t, b, `document.activeElement.id`); got != "select-"+ls.other.ID || !ticked(t, ls.other.ID) {
			t.Errorf("after a refresh: focus on %q (ticked %v), want the ticked row's box", got, ticked(t, ls.other.ID))
		}
	})
	sharetest.Step(t, "Back shows in the boxes the filter of the table it shows", func(t *testing.T) {
		load(t, "/links")
		sharetest.Do(t, b, chromedp.SendKeys("#person", "555"))
		sharetest.WaitJS(t, b, `location.search.includes("person=555") &&
			document.querySelector("#results").textContent.includes("1 link matches")`)
		change(t, "", "activity", "downloaded")
		sharetest.WaitJS(t, b, `location.search.includes("activity=downloaded") && !!document.querySelector("[data-testid=links-empty]")`)
		settled(t)
		views := []struct {
			wantPerson, wantActivity, wantTitles string
		}{
			{"555", "", "By text"},
			{"", "", "Contract for Kim|Password only|By text|Someone else"},
		}
		for i, v := range views {
			sharetest.JS(t, b, `(() => { history.back(); return ""; })()`)
			sharetest.WaitJS(t, b, `!location.search.includes("activity=")`+map[bool]string{true: ` && location.search === ""`, false: ""}[i == 1])
			sharetest.WaitJS(t, b, `!!document.querySelector("#person")`)
			settled(t)
			got := sharetest.JS(t, b, `document.querySelector("#person").value + "," + document.querySelector("#activity").value`)
			if want := v.wantPerson + "," + v.wantActivity; got != want {
				t.Errorf("Back %d: the boxes show %q, want %q (the filter of the table)", i+1, got, want)
			}
			if got := titles(t); !sameSet(strings.Split(got, "|"), strings.Split(v.wantTitles, "|")) {
				t.Errorf("Back %d: the table shows %q, want %q", i+1, got, v.wantTitles)
			}
		}
	})
	sharetest.Step(t, "a search after Back applies to what is shown, from where the boxes are", func(t *testing.T) {
		sharetest.Do(t, b, chromedp.SendKeys("#person", "jordan"))
		sharetest.WaitJS(t, b, `location.search.includes("person=jordan")`)
		settled(t)
		if got := titles(t); got != "Someone else" {
			t.Errorf("searching after Back: %q, want Someone else (%s)", got, strconv.Quote(sharetest.JS(t, b, `location.search`)))
		}
	})
}
