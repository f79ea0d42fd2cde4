package email_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// emailFixture uploads a file and two folders and returns their ids by name.
func emailFixture(t *testing.T, e *sharetest.Env) map[string]string {
	t.Helper()
	ctx := context.Background()
	ids := map[string]string{}
	for _, name := range []string{"Q3 summary.csv", "b.csv", "c.csv", "d.csv"} {
		o := sharetest.Must(e.Client.Put(ctx, api.PutRequest{Name: name}, name, strings.NewReader("x")))(t)
		ids[name] = o.Object.ID
	}
	for _, name := range []string{"Contracts", "Drafts"} {
		o := sharetest.Must(e.Client.FolderCreate(ctx, api.FolderCreateRequest{Name: name}))(t)
		ids[name] = o.Object.ID
	}
	return ids
}

// TestLinkEmailSaysWhatWasShared: the subject names the sender and the title (or what was shared),
// and the body says what was shared, in both parts.
func TestLinkEmailSaysWhatWasShared(t *testing.T) {
	e := sharetest.Start(t, "sqlite", sharetest.Options{})
	ids := emailFixture(t, e)
	targets := func(names ...string) []string {
		var out []string
		for _, n := range names {
			out = append(out, ids[n])
		}
		return out
	}
	tests := []struct {
		title, linkType, sender string
		targets                 []string
		subject, intro          string
	}{
		{"Q3 figures", "", "Sam Sharer", targets("Q3 summary.csv"), "Sam Sharer shared Q3 figures with you", "Sam Sharer shared 1 file with you: Q3 summary.csv"},
		{"", "", "Sam Sharer", targets("Q3 summary.csv"), "Sam Sharer shared 1 file with you: Q3 summary.csv", "Sam Sharer shared 1 file with you: Q3 summary.csv"},
		{"", "", "Sam Sharer", targets("Contracts"), "Sam Sharer shared a folder with you: Contracts", "shared a folder with you: Contracts"},
		{"", "", "", targets("Q3 summary.csv", "b.csv", "Contracts"), "sam@example.com shared 2 files and a folder with you: Q3 summary.csv, b.csv, Contracts", "2 files and a folder"},
		{"", "", "Sam Sharer", targets("Q3 summary.csv", "b.csv", "c.csv", "d.csv"), "Sam Sharer shared 4 files with you: Q3 summary.csv, b.csv and 2 more", "4 files with you: Q3 summary.csv, b.csv and 2 more"},
		{"Your invoices", "upload", "Sam Sharer", targets("Drafts"), "Sam Sharer shared Your invoices with you", "shared a folder for your uploads with you: Drafts"},
		{"", "editor", "Sam Sharer", targets("Drafts"), "Sam Sharer shared a folder you can edit with you: Drafts", "a folder you can edit"},
	}
	for i, tt := range tests {
		to := fmt.Sprintf("r%d@example.com", i)
		created := sharetest.Must(e.Client.LinkCreate(context.Background(), api.LinkCreateRequest{Links: []api.LinkCreateItem{{
			Targets: tt.targets, LinkType: tt.linkType, Title: tt.title,
			Authenticators: []api.Authenticator{{AuthType: "email_otp", AuthContext: to}},
			SendParams:     &api.SendParams{RecipientEmail: to, SenderEmail: "sam@example.com", SenderName: tt.sender},
		}}}))(t)
		m := e.Mail.Wait(t, to)
		if m.Subject != tt.subject {
			t.Errorf("case %d: subject: got %q, want %q", i, m.Subject, tt.subject)
		}
		if !strings.Contains(m.Text, tt.intro) || !strings.Contains(m.HTML, tt.intro) {
			t.Errorf("case %d: want %q in both parts; text:\n%s", i, tt.intro, m.Text)
		}
		if !strings.Contains(m.Text, "Open: "+created.ShareLinkObjects[0].Link) {
			t.Errorf("case %d: the plain-text part lacks the link:\n%s", i, m.Text)
		}
	}
}

// TestCodeEmailSubject: the code is in the body, never in the subject line.
func TestCodeEmailSubject(t *testing.T) {
	e := sharetest.Start(t, "sqlite", sharetest.Options{})
	ids := emailFixture(t, e)
	ctx := context.Background()
	for i, title := range []string{"Q3 figures", ""} {
		to := fmt.Sprintf("code%d@example.com", i)
		created := sharetest.Must(e.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{
			Targets: []string{ids["Q3 summary.csv"]}, Title: title, Authenticators: []api.Authenticator{{AuthType: "email_otp", AuthContext: to}}}}}))(t)
		l, err := e.Svc.GetLink(ctx, "", created.ShareLinkObjects[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.Svc.SendCode(ctx, l, 0); err != nil {
			t.Fatal(err)
		}
		m := e.Mail.Wait(t, to)
		code := regexp.MustCompile(`\b\d{6}\b`).FindString(m.Text)
		if code == "" {
			t.Fatalf("no code in %q", m.Text)
		}
		if strings.Contains(m.Subject, code) || !strings.Contains(m.Subject, "Your code to open") {
			t.Errorf("title %q: subject %q, want one without the code %s", title, m.Subject, code)
		}
	}
}

// TestLinkEmailOnPhone renders the HTML email in Chromium at a phone's and a desktop mail pane's
// width: no sideways scrolling, and the button is a comfortable tap target inside the screen.
func TestLinkEmailOnPhone(t *testing.T) {
	e := sharetest.Start(t, "sqlite", sharetest.Options{})
	ids := emailFixture(t, e)
	to := "phone@example.com"
	sharetest.Must(e.Client.LinkCreate(context.Background(), api.LinkCreateRequest{Links: []api.LinkCreateItem{{
		Targets: []string{ids["Q3 summary.csv"], ids["Contracts"]}, Title: "Quarterly figures for the board meeting, with the appendix and every draft",
		Message:        "Please look at these before Friday.\nThe numbers in " + strings.Repeat("averyveryverylongwordwithoutspaces", 3) + " changed.",
		Authenticators: []api.Authenticator{{AuthType: "email_otp", AuthContext: to}},
		SendParams:     &api.SendParams{RecipientEmail: to, SenderEmail: "sam@example.com", SenderName: "Sam Sharer"},
	}}}))(t)
	html := e.Mail.Wait(t, to).HTML
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(html))
	}))
	defer srv.Close()
	ctx := sharetest.Browser(t)
	for _, width := range []int64{390, 600} {
		type metrics struct {
			ScrollWidth, InnerWidth            float64
			ButtonW, ButtonH, ButtonL, ButtonR float64
		}
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, 800), chromedp.Navigate(srv.URL)); err != nil {
			t.Fatal(err)
		}
		m, err := chromedp.Run(ctx, chromedp.Evaluate[metrics](`(() => {
				const b = [...document.querySelectorAll("a")].find(a => a.textContent.trim() === "Open").getBoundingClientRect();
				return {ScrollWidth: document.documentElement.scrollWidth, InnerWidth: window.innerWidth,
					ButtonW: b.width, ButtonH: b.height, ButtonL: b.left, ButtonR: b.right};
			})()`))
		if err != nil {
			t.Fatal(err)
		}
		if m.ScrollWidth > m.InnerWidth {
			t.Errorf("%d px: page is %v px wide, want no horizontal scroll", width, m.ScrollWidth)
		}
		if m.ButtonH < 44 || m.ButtonW < 44 || m.ButtonL < 0 || math.Ceil(m.ButtonR) > m.InnerWidth {
			t.Errorf("%d px: Open button %vx%v at %v–%v, want at least 44x44 inside the screen", width, m.ButtonW, m.ButtonH, m.ButtonL, m.ButtonR)
		}
		sharetest.Screenshot(t, ctx, fmt.Sprintf("email-%d", width))
	}
}
