package main

import (
	"context"
	"io"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestDemoInBrowser starts the demo as `make run` does (in a fresh data directory, on free loopback
// ports) and goes through it in headless Chromium as a newcomer would: a sharer sees the sample
// links and shares a folder with kim@partner.example; kim, on a phone, opens the link from the email
// in the outbox, gets a code (also in the outbox), signs in and uploads; a help-desk person revokes the
// link and kim's next request is refused. With SHAREDESK_SCREENSHOTS set (make screenshots) it saves
// the README's screenshots there, each in the light and the dark theme.
func TestDemoInBrowser(t *testing.T) {
	sharetest.RequireChromium(t)
	console, started := startDemo(t)
	// Each person's browser, in the British English the console's own dates are written in.
	browser := func() context.Context {
		b := sharetest.BrowserFor(t, 10*time.Minute)
		if err := chromedp.Do(b, sharetest.Locale("en-GB")); err != nil {
			t.Fatal(err)
		}
		return b
	}
	staff := browser()
	js := func(b context.Context, code string) string {
		t.Helper()
		s, err := chromedp.Run(b, chromedp.Evaluate[string](code))
		if err != nil {
			t.Fatalf("%s: %v", code, err)
		}
		return s
	}
	do := func(b context.Context, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(b, 20*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, steps...); err != nil {
			t.Fatal(err)
		}
	}
	// submit runs a script that submits a form, and waits for the page that answers.
	submit := func(b context.Context, script string) {
		t.Helper()
		js(b, `window.beforeSubmit = true; `+script+`; ""`)
		sharetest.WaitJS(t, b, `!window.beforeSubmit && document.readyState === "complete"`)
	}
	signIn := func(b context.Context, email string) {
		t.Helper()
		do(b, sharetest.Desktop(), chromedp.Navigate(console+"/links"))
		sharetest.WaitJS(t, b, `!!document.querySelector('form:has(input[value="`+email+`"])')`)
		js(b, `document.querySelector('form:has(input[value="`+email+`"])').submit(); ""`)
		sharetest.WaitJS(t, b, `!!document.querySelector(".who") && document.readyState === "complete"`)
	}

	// The sample data, as Sam the sharer sees it (one sample link expires seconds after the start).
	signIn(staff, "sam@example.com")
	time.Sleep(time.Until(started.Add(4 * time.Second)))
	do(staff, chromedp.Reload())
	sharetest.WaitJS(t, staff, `document.readyState === "complete"`)
	links := js(staff, `document.querySelector("#results").innerText`)
	for _, want := range []string{"Signed contracts", "Q3 figures", "Send us your invoices", "Master agreement (draft)", "NDA (old)", "Expired", "Used up"} {
		if !strings.Contains(links, want) {
			t.Errorf("the sample links lack %q:\n%s", want, links)
		}
	}
	sharetest.Screenshots(t, staff, "console-1-links")
	do(staff, chromedp.Navigate(console+"/files"))
	sharetest.WaitJS(t, staff, `document.readyState === "complete"`)
	if got := js(staff, `document.querySelector("main").innerText`); !strings.Contains(got, "Contracts") ||
		!strings.Contains(got, "Finance") || !strings.Contains(got, "Supplier uploads") {
		t.Errorf("the Files page does not name the sample folders:\n%s", got)
	}
	sharetest.CheckPage(t, staff, "files with the sample data")

	// Sam shares the Contracts folder with Kim, who may add files to it.
	do(staff, chromedp.Navigate(console+"/links/new"))
	sharetest.WaitJS(t, staff, `!!window.htmx && !!document.querySelector("#recipients")`)
	js(staff, `(() => {
		const folder = [...document.querySelectorAll('input[type=checkbox][name="target"]')].find((c) => c.closest("li").textContent.includes("Contracts"));
		folder.click();
		document.querySelector('input[name="type"][value="editor"]').checked = true;
		return ""; })()`)
	// The tick goes to the server, which lists what is chosen: the screenshot shows it done.
	sharetest.WaitJS(t, staff, `document.querySelector("[data-testid=selection-count]").textContent.includes("1 selected")`)
	do(staff, chromedp.SendKeys("#recipients", "kim@partner.example"), chromedp.SendKeys("#title", "Contracts for review"),
		chromedp.SendKeys("#message", "Hi Kim, here are the contracts. Please add your comments to the folder by Friday."))
	sharetest.Screenshots(t, staff, "console-2-new-link")
	submit(staff, `document.querySelector("#title").form.submit()`)
	if got := js(staff, `document.body.innerText`); !strings.Contains(got, "Created 1 link") {
		t.Fatalf("after Create: %s", got)
	}
	sharetest.Screenshots(t, staff, "console-3-created")

	// Kim opens the link from the email, on a phone; the email and the code are in the demo's outbox.
	outbox := func(to, pattern string) string {
		t.Helper()
		re := regexp.MustCompile(pattern)
		for range 50 {
			do(staff, chromedp.Navigate(console+"/outbox"))
			sharetest.WaitJS(t, staff, `document.readyState === "complete"`)
			for _, m := range strings.Split(js(staff, `[...document.querySelectorAll("article")].map((a) =>
				a.innerText + " " + [...a.querySelectorAll("a")].map((l) => l.href).join(" ")).join("\n\u0000")`), "\n\u0000") {
				if strings.Contains(m, to) {
					if found := re.FindString(m); found != "" {
						return found
					}
				}
			}
			time.Sleep(200 * time.Millisecond)
		}
		t.Fatalf("no message to %s with %s in the outbox", to, pattern)
		return ""
	}
	linkURL := outbox("kim@partner.example", `http://\S+/s/[a-z2-7]{32}`)
	kim := browser()
	do(kim, sharetest.Phone(), chromedp.Navigate(linkURL))
	sharetest.WaitJS(t, kim, `document.readyState === "complete" && !!document.querySelector("#auth-0 button")`)
	if got := js(kim, `document.querySelector("h1").innerText`); got != "Contracts for review" {
		t.Errorf("kim sees %q, want the link's title", got)
	}
	sharetest.Screenshots(t, kim, "portal-1-open")
	submit(kim, `document.querySelector("#auth-0 button").click()`)
	sharetest.Screenshots(t, kim, "portal-2-code")
	code := outbox("kim@partner.example", `\b\d{6}\b`)
	do(kim, chromedp.SendKeys("#code-0", code))
	submit(kim, `document.querySelector("#code-0").form.submit()`)
	if got := js(kim, `document.querySelector("main").innerText`); !strings.Contains(got, "Acme NDA.txt") {
		t.Fatalf("kim signed in but sees: %s", got)
	}
	sharetest.Screenshots(t, kim, "portal-3-files")
	comments := filepath.Join(t.TempDir(), "comments.txt")
	if err := os.WriteFile(comments, []byte("Clause 4 needs a date. Kim"), 0o600); err != nil {
		t.Fatal(err)
	}
	do(kim, chromedp.SetUploadFiles("#files", []string{comments}))
	js(kim, `window.beforeSubmit = true; document.querySelector(".upload button[type=submit]").click(); ""`)
	sharetest.WaitJS(t, kim, `!window.beforeSubmit && document.readyState === "complete" && !!document.querySelector(".ok")`)
	if got := js(kim, `document.querySelector(".ok").innerText`); !strings.Contains(got, "Saved comments.txt") {
		t.Errorf("after the upload: %q", got)
	}
	sharetest.Screenshots(t, kim, "portal-4-uploaded")

	// Hal, at the help desk, revokes it; Kim's next request is refused.
	hal := browser()
	signIn(hal, "hal@example.com")
	do(hal, chromedp.Navigate(console+"/links?q=Contracts+for+review"))
	sharetest.WaitJS(t, hal, `!!document.querySelector("[data-testid=link-title]")`)
	submit(hal, `document.querySelector("[data-testid=link-title]").click()`)
	sharetest.Screenshots(t, hal, "console-4-detail")
	submit(hal, `document.querySelector("a.button.danger").click()`)
	sharetest.Screenshots(t, hal, "console-5-confirm-revoke")
	submit(hal, `document.querySelector("form button.danger").click()`)
	if got := js(hal, `document.body.innerText`); !strings.Contains(got, "Revoked 1 link") {
		t.Errorf("no confirmation after revoking: %s", got)
	}
	do(kim, chromedp.Reload())
	sharetest.WaitJS(t, kim, `document.readyState === "complete"`)
	if got := js(kim, `document.querySelector("main").innerText`); !strings.Contains(got, "revoked") {
		t.Errorf("kim after the revocation: %s", got)
	}
	sharetest.Screenshots(t, kim, "portal-5-revoked")
}

// startDemo runs `sharedesk demo` in this process on free loopback ports with a fresh data directory,
// waits until it says it is running, and returns the console's address and when it started.
func startDemo(t *testing.T) (string, time.Time) {
	t.Helper()
	var ports []string
	for range 3 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ports = append(ports, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
		ln.Close()
	}
	ctx, stop := context.WithCancel(context.Background())
	stderr := &sharetest.SyncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"demo", "--data-dir", filepath.Join(t.TempDir(), "demo"), "--listen", "localhost:" + ports[0],
			"--share-listen", "127.0.0.1:" + ports[1], "--idp-listen", "127.0.0.1:" + ports[2]}, io.Discard, stderr)
	}()
	t.Cleanup(func() { stop(); <-done })
	deadline := time.Now().Add(time.Minute)
	for !strings.Contains(stderr.String(), "sharedesk demo is running") {
		select {
		case err := <-done:
			t.Fatalf("the demo stopped: %v\n%s", err, stderr.String())
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demo did not start within a minute:\n%s", stderr.String())
		}
	}
	return "http://localhost:" + ports[0], time.Now()
}
