package portal_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestRecipientInBrowser walks a recipient through the portal in headless Chromium on a phone-sized
// screen: open the link from the email, get a code, sign in, upload, download, and see revocation.
func TestRecipientInBrowser(t *testing.T) {
	e := sharetest.Start(t, "sqlite", sharetest.Options{})
	tr := makeTree(t, e)
	ctx := context.Background()
	sharetest.Must(e.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{
		Targets: []string{tr.docs.ID}, LinkType: "editor", Title: "Q3 board pack",
		Message:        "Hi Sam,\nhere is the board pack. Please add your comments to the folder by Friday.",
		Authenticators: []api.Authenticator{{AuthType: "email_otp", AuthContext: "sam@example.com"}, {AuthType: "password", AuthContext: "board-pack-2026"}},
		SendParams:     &api.SendParams{RecipientEmail: "sam@example.com", SenderEmail: "ann@example.com", SenderName: "Ann Lee"},
	}}}))(t)
	invite := e.Mail.Wait(t, "sam@example.com")
	start := strings.Index(invite.Text, e.URL+"/s/")
	if start < 0 {
		t.Fatalf("the email has no link:\n%s", invite.Text)
	}
	linkURL := strings.Fields(invite.Text[start:])[0]

	b := sharetest.Browser(t)
	mobile := chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait)
	if err := chromedp.Do(b, mobile, chromedp.Navigate(linkURL), chromedp.WaitVisible("h1")); err != nil {
		t.Fatal(err)
	}
	text := func(sel string) string {
		t.Helper()
		s, err := chromedp.Run(b, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("read %s: %v", sel, err)
		}
		return s
	}
	if got := text("h1"); got != "Q3 board pack" {
		t.Errorf("open page heading: got %q", got)
	}
	if got := text("main"); !strings.Contains(got, "Ann Lee shared this with you") || !strings.Contains(got, "Edit folder Docs") {
		t.Errorf("open page: got %q", got)
	}

	if err := chromedp.Do(b, chromedp.Click("#auth-0 button"), chromedp.WaitVisible("#code-0")); err != nil {
		t.Fatal(err)
	}
	code := codeIn(t, e.Mail.WaitN(t, "sam@example.com", 2).Text)
	if err := chromedp.Do(b, chromedp.SendKeys("#code-0", code), chromedp.Submit("#code-0"), chromedp.WaitVisible("table")); err != nil {
		t.Fatal(err)
	}
	loc, _ := chromedp.Run(b, chromedp.Location())
	if strings.Contains(loc, "/s/") {
		t.Errorf("the link token is still in the address bar: %s", loc)
	}
	if got := text("table"); !strings.Contains(got, "a.txt") || !strings.Contains(got, "Sub") {
		t.Errorf("files page: got %q", got)
	}

	notes := filepath.Join(t.TempDir(), "comments.txt")
	if err := os.WriteFile(notes, []byte("Looks good to me. Sam"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(b, chromedp.SetUploadFiles("#files", []string{notes}), chromedp.Click(".upload button[type=submit]")); err != nil {
		t.Fatal(err)
	}
	waitCtx, cancel := context.WithTimeout(b, 15*time.Second)
	defer cancel()
	if err := chromedp.Do(waitCtx, chromedp.WaitVisible(".ok")); err != nil {
		loc, _ := chromedp.Run(b, chromedp.Location())
		body, _ := chromedp.Run(b, chromedp.Text("body"))
		t.Fatalf("no confirmation after upload (%v) at %s: %s\nserver log:\n%s", err, loc, body, e.Logs.String())
	}
	if got := text(".ok"); !strings.Contains(got, "Saved comments.txt.") {
		t.Errorf("after upload: got %q", got)
	}
	if got := text("table"); !strings.Contains(got, "comments.txt") {
		t.Errorf("uploaded file not listed: %q", got)
	}

	l := sharetest.Must(e.Client.LinkList(ctx, api.LinkListRequest{}))(t).ShareLinkObjects[0]
	sharetest.Must(e.Client.LinkDelete(ctx, api.LinkDeleteRequest{IDs: []string{l.ID}}))(t)
	if err := chromedp.Do(b, chromedp.Reload(), chromedp.WaitVisible("h1")); err != nil {
		t.Fatal(err)
	}
	if got := text("main"); !strings.Contains(got, "revoked") {
		t.Errorf("after revocation: got %q", got)
	}
}
