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
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(b, 15*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, steps...); err != nil {
			loc, _ := chromedp.Run(b, chromedp.Evaluate[string](`location.href`))
			t.Fatalf("at %s: %v", loc, err)
		}
	}
	js := func(code string) string {
		t.Helper()
		s, err := chromedp.Run(b, chromedp.Evaluate[string](code))
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		return s
	}
	// settled waits until no htmx request is in flight or pending: the search box sends 400 ms after
	// the last key.
	settled := func() {
		t.Helper()
		for range 2 {
			waitJS(t, b, `!document.querySelector(".htmx-request")`)
			time.Sleep(600 * time.Millisecond)
		}
		waitJS(t, b, `!document.querySelector(".htmx-request")`)
	}
	ticked := func(id string) bool {
		t.Helper()
		return js(`String(!!document.getElementById("select-`+id+`") && document.getElementById("select-`+id+`").checked)`) == "true"
	}
	titles := func() string {
		t.Helper()
		return js(`Array.from(document.querySelectorAll("#results [data-testid=link-title]"), e => e.textContent.trim()).join("|")`)
	}
	load := func(path string) {
		t.Helper()
		do(chromedp.Navigate(e.url + path))
		waitJS(t, b, `document.readyState === "complete" && !!window.htmx && !!document.querySelector("#person")`)
	}

	do(chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.url+"/links"))
	if _, err := chromedp.Run(b, chromedp.Evaluate[any](`document.querySelector('form:has(input[value="hal@example.com"])').submit()`)); err != nil {
		t.Fatal(err)
	}
	waitJS(t, b, `document.readyState === "complete" && !!window.htmx && !!document.querySelector("#person")`)

	// 1. The steps. Typing searches in place; focus stays in the box.
	do(chromedp.SendKeys("#person", "KIM@Partner"))
	waitJS(t, b, `location.search.includes("person=KIM%40Partner") && document.querySelector("#results").textContent.includes("2 links match")`)
	if got := js(`document.activeElement.id`); got != "person" {
		t.Errorf("after the in-place search, focus is on %q, want the person box", got)
	}
	// Ticking the row leaves the field: the browser fires its change event.
	do(chromedp.Click("#select-" + ls.kimsCode.ID))
	settled()
	if !ticked(ls.kimsCode.ID) {
		t.Fatal("leaving the search box cleared the ticked row")
	}
	sharetest.Screenshot(t, b, "console-7-find-person")
	do(chromedp.Click(`button[form="bulk"]`))
	waitJS(t, b, `location.pathname === "/links/revoke" && !!document.querySelector("form button.danger")`)
	if got := js(`Array.from(document.querySelectorAll("[data-testid=revoke-item]"), e => e.textContent.trim()).join("|")`); !strings.HasPrefix(got, "Draft, not sent") || strings.Contains(got, "|") {
		t.Fatalf("the confirmation names %q, want only the ticked link", got)
	}
	do(chromedp.Click("form button.danger"))
	waitJS(t, b, `document.body.textContent.includes("Revoked 1 link")`)
	if loc := js(`location.pathname + location.search`); loc != "/links?person=KIM%40Partner" {
		t.Errorf("after revoking: at %s, want back at the filtered list", loc)
	}
	if _, err := e.share.Client.LinkGet(context.Background(), api.LinkGetRequest{ID: ls.kimsCode.ID}); !api.IsStatus(err, "NotFound") {
		t.Errorf("the ticked link: got %v, want it revoked", err)
	}

	// 2. A row ticked while a search is on its way stays ticked when the table it is in is replaced.
	load("/links")
	do(chromedp.SendKeys("#person", "jordan"), chromedp.Click("#select-"+ls.other.ID))
	settled()
	if got := titles(); got != "Someone else" {
		t.Fatalf("search for jordan: table shows %q", got)
	}
	if !ticked(ls.other.ID) {
		t.Error("a row ticked before the search answered lost its tick when the table was replaced")
	}
	// Focus on a ticked row stays there when a refresh replaces the table.
	js(`(() => { document.getElementById("select-` + ls.other.ID + `").focus(); const s = document.querySelector("#sort");
		s.value = "title"; s.dispatchEvent(new Event("change", {bubbles: true})); return ""; })()`)
	waitJS(t, b, `location.search.includes("sort=title")`)
	settled()
	if got := js(`document.activeElement.id`); got != "select-"+ls.other.ID || !ticked(ls.other.ID) {
		t.Errorf("after a refresh: focus on %q (ticked %v), want the ticked row's box", got, ticked(ls.other.ID))
	}

	// 3. Back shows the filter of the table it shows.
	load("/links")
	do(chromedp.SendKeys("#person", "555"))
	waitJS(t, b, `location.search.includes("person=555") && document.querySelector("#results").textContent.includes("1 link matches")`)
	js(`(() => { const s = document.querySelector("#activity"); s.value = "downloaded";
		s.dispatchEvent(new Event("change", {bubbles: true})); return ""; })()`)
	waitJS(t, b, `location.search.includes("activity=downloaded") && !!document.querySelector("[data-testid=links-empty]")`)
	settled()
	views := []struct {
		wantPerson, wantActivity, wantTitles string
	}{
		{"555", "", "By text"},
		{"", "", "Contract for Kim|Password only|By text|Someone else"},
	}
	for i, v := range views {
		js(`(() => { history.back(); return ""; })()`)
		waitJS(t, b, `!location.search.includes("activity=")`+map[bool]string{true: ` && location.search === ""`, false: ""}[i == 1])
		waitJS(t, b, `!!document.querySelector("#person")`)
		settled()
		got := js(`document.querySelector("#person").value + "," + document.querySelector("#activity").value`)
		if want := v.wantPerson + "," + v.wantActivity; got != want {
			t.Errorf("Back %d: the boxes show %q, want %q (the filter of the table)", i+1, got, want)
		}
		if got := titles(); !sameSet(strings.Split(got, "|"), strings.Split(v.wantTitles, "|")) {
			t.Errorf("Back %d: the table shows %q, want %q", i+1, got, v.wantTitles)
		}
	}
	// And a change after Back applies to what is shown, from where the boxes are.
	do(chromedp.SendKeys("#person", "jordan"))
	waitJS(t, b, `location.search.includes("person=jordan")`)
	settled()
	if got := titles(); got != "Someone else" {
		t.Errorf("searching after Back: %q, want Someone else (%s)", got, strconv.Quote(js(`location.search`)))
	}
}
