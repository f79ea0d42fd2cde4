package handlers_test

import (
	"bufio"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sharedesk/sharedesk/share/sharetest"
)

// startCertifiedProvider runs npm's oidc-provider (OpenID certified) from oidctest/ on 127.0.0.1.
func startCertifiedProvider(t *testing.T, e *consoleEnv) (string, []string) {
	t.Helper()
	dir, _ := filepath.Abs("../oidctest")
	sharetest.RequireNode(t, dir, "oidc-provider")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	cmd := exec.Command("node", "provider.mjs")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PORT="+strconv.Itoa(port), "CONSOLE_URL="+e.url, "CLIENT_SECRET=console-secret")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "ready") {
				ready <- true
			}
		}
	}()
	select {
	case <-ready:
	case <-time.After(20 * time.Second):
		t.Fatal("oidc-provider did not start")
	}
	return "http://127.0.0.1:" + strconv.Itoa(port), []string{"openid", "profile", "email", "groups"}
}

// TestConsoleWithCertifiedProvider signs in through an independent, certified OpenID provider in
// Chromium, uses the console, and signs out through the provider's end-session endpoint.
func TestConsoleWithCertifiedProvider(t *testing.T) {
	e := startConsoleWith(t, "sqlite", func(e *consoleEnv) (string, []string) { return startCertifiedProvider(t, e) })
	seedLinks(t, e)
	b := sharetest.Browser(t)
	step := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		ctx, cancel := context.WithTimeout(b, 20*time.Second)
		defer cancel()
		if err := chromedp.Do(ctx, steps...); err != nil {
			loc, _ := chromedp.Run(b, chromedp.Location())
			body, _ := chromedp.Run(b, chromedp.Evaluate[string](`document.body ? document.body.innerText.slice(0, 500) : ""`))
			t.Fatalf("%s: %v at %s\n%s\nconsole log:\n%s", what, err, loc, body, e.logs.String())
		}
	}
	submit := func(what, js string) {
		t.Helper()
		if _, err := chromedp.Run(b, chromedp.Evaluate[any](js)); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	step("open the console", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.url+"/links"), chromedp.WaitVisible(`input[name="login"]`))
	submit("log in at the provider", `document.querySelector('input[name="login"]').value = "hal";
		document.querySelector('input[name="password"]').value = "anything";
		document.querySelector('form').submit()`)
	step("consent page", chromedp.WaitVisible(`button[type="submit"]`))
	if loc, _ := chromedp.Run(b, chromedp.Location()); !strings.Contains(loc, "/links") {
		submit("consent", `document.querySelector('form').submit()`)
	}
	step("back on the console", chromedp.WaitVisible(".who"))
	if who, _ := chromedp.Run(b, chromedp.Text(".who")); !strings.Contains(who, "Hal Helpdesk") || !strings.Contains(who, "helpdesk") {
		t.Errorf("signed in as %q, want Hal Helpdesk with the helpdesk role", who)
	}
	if got, _ := chromedp.Run(b, chromedp.Text("#results")); !strings.Contains(got, "3 links match") {
		t.Errorf("links page: %q", got)
	}
	step("files page", chromedp.Navigate(e.url+"/files"), chromedp.WaitVisible("h1"))
	if who, _ := chromedp.Run(b, chromedp.Text(".who")); !strings.Contains(who, "Hal") {
		t.Fatalf("lost the session on the next page: %q", who)
	}
	waitFor := func(what string, ok func(loc string) bool) string {
		t.Helper()
		for range 100 {
			loc, _ := chromedp.Run(b, chromedp.Evaluate[string](`location.href`))
			if ok(loc) {
				return loc
			}
			time.Sleep(100 * time.Millisecond)
		}
		loc, err := chromedp.Run(b, chromedp.Evaluate[string](`location.href`))
		t.Fatalf("%s: never happened (at %s %v)\n%s", what, loc, err, e.logs.String())
		return ""
	}
	step("sign out", chromedp.Click(`form[action="/logout"] button`))
	loc := waitFor("leave the console", func(loc string) bool { return !strings.HasPrefix(loc, e.url+"/files") })
	if !strings.Contains(loc, "/signed-out") {
		// oidc-provider asks to confirm the sign-out on its own page.
		// chromedp's waits do not follow the cross-site page here; poll the document instead.
		for range 100 {
			n, _ := chromedp.Run(b, chromedp.Evaluate[float64](`document.querySelectorAll('button').length`))
			if n > 0 {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		submit("confirm sign-out", `document.querySelector('button[value="yes"], button[autofocus], button').click()`)
		waitFor("back at the console", func(loc string) bool { return strings.HasPrefix(loc, e.url) })
	}
	step("signed out", chromedp.WaitVisible("h1"))
	if loc, _ := chromedp.Run(b, chromedp.Location()); !strings.Contains(loc, "/signed-out") {
		body, _ := chromedp.Run(b, chromedp.Evaluate[string](`document.body.innerText.slice(0, 400)`))
		t.Errorf("after sign-out: at %s, want the console's signed-out page: %s\n%s", loc, body, e.logs.String())
	}
	step("console asks to sign in again", chromedp.Navigate(e.url+"/links"), chromedp.WaitReady("body"))
	if loc, _ := chromedp.Run(b, chromedp.Location()); strings.HasPrefix(loc, e.url+"/links") {
		t.Errorf("still signed in after sign-out: %s", loc)
	}
}
