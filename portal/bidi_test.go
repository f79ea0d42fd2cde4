package portal_test

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"mime"
	"net/url"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// bidiControls are every Unicode bidirectional formatting character.
var bidiControls = []rune{0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x200E, 0x200F, 0x061C}

func hasBidi(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return strings.ContainsRune(string(bidiControls), r) })
}

// TestBidiControlsRefused: names, titles, messages, sender names and tags carrying a bidirectional
// formatting character are a ValidationError at the API, whichever character it is.
func TestBidiControlsRefused(t *testing.T) {
	e := sharetest.Start(t, "sqlite", sharetest.Options{NoSMTP: true})
	ctx := context.Background()
	tr := makeTree(t, e)
	link := createLink(t, e, api.LinkCreateItem{Targets: []string{tr.a.ID}, Authenticators: password("bidi test")})
	for _, c := range bidiControls {
		evil := fmt.Sprintf("invoice%cfdp.exe", c)
		cases := []struct {
			name string
			call func() error
		}{
			{"folder name", func() error {
				_, err := e.Client.FolderCreate(ctx, api.FolderCreateRequest{Name: evil})
				return err
			}},
			{"file name", func() error {
				_, err := e.Client.Put(ctx, api.PutRequest{Name: evil}, "x", strings.NewReader("x"))
				return err
			}},
			{"rename", func() error {
				_, err := e.Client.Update(ctx, api.UpdateRequest{ID: tr.b.ID, Name: &evil})
				return err
			}},
			{"folder path", func() error {
				_, err := e.Client.FolderCreate(ctx, api.FolderCreateRequest{Folder: "/Docs/" + evil})
				return err
			}},
			{"link title", func() error {
				_, err := e.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{Targets: []string{tr.a.ID}, Title: evil}}})
				return err
			}},
			{"link message", func() error {
				_, err := e.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{Targets: []string{tr.a.ID}, Message: evil}}})
				return err
			}},
			{"link tag", func() error {
				_, err := e.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{Targets: []string{tr.a.ID}, Tags: []string{evil}}}})
				return err
			}},
			{"sender name on create", func() error {
				_, err := e.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{Targets: []string{tr.a.ID},
					SendParams: &api.SendParams{RecipientEmail: "r@example.com", SenderEmail: "s@example.com", SenderName: evil}}}})
				return err
			}},
			{"sender name on send", func() error {
				_, err := e.Client.LinkSend(ctx, api.LinkSendRequest{Links: []api.LinkSendItem{{ID: link.ID, Email: "r@example.com"}}, SenderEmail: "s@example.com", SenderName: evil})
				return err
			}},
			// Addresses and object labels reach emails and pages too.
			{"email code address", func() error {
				_, err := e.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{Targets: []string{tr.a.ID},
					Authenticators: []api.Authenticator{{AuthType: "email_otp", AuthContext: fmt.Sprintf("kim%c@example.com", c)}}}}})
				return err
			}},
			{"recipient on send", func() error {
				_, err := e.Client.LinkSend(ctx, api.LinkSendRequest{Links: []api.LinkSendItem{{ID: link.ID, Email: fmt.Sprintf("r%c@example.com", c)}}, SenderEmail: "s@example.com"})
				return err
			}},
			{"sender email on send", func() error {
				_, err := e.Client.LinkSend(ctx, api.LinkSendRequest{Links: []api.LinkSendItem{{ID: link.ID, Email: "r@example.com"}}, SenderEmail: fmt.Sprintf("s%c@example.com", c)})
				return err
			}},
			{"object tag", func() error {
				_, err := e.Client.FolderCreate(ctx, api.FolderCreateRequest{Name: fmt.Sprintf("tagged-%d", c), Tags: []string{evil}})
				return err
			}},
			{"object metadata", func() error {
				_, err := e.Client.FolderCreate(ctx, api.FolderCreateRequest{Name: fmt.Sprintf("meta-%d", c), Metadata: map[string]string{"note": evil}})
				return err
			}},
		}
		for _, tc := range cases {
			if err := tc.call(); !api.IsStatus(err, share.CodeValidation) {
				t.Errorf("%s with U+%04X: got %v, want %s", tc.name, c, err, share.CodeValidation)
			}
		}
	}
}

// TestBidiControlsNeutralised: text stored before the refusal (written here straight into the
// database) is shown without its direction controls on the portal's pages, in download names, in
// zip entries and in the code email.
func TestBidiControlsNeutralised(t *testing.T) {
	e := sharetest.Start(t, "sqlite", sharetest.Options{})
	tr := makeTree(t, e)
	l := createLink(t, e, api.LinkCreateItem{Targets: []string{tr.docs.ID}, Title: "Quarterly", Message: "Hello",
		Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "bidi shown"}, {AuthType: "email_otp", AuthContext: "bidi@example.com"}}})
	evil := "invoice\u202Efdp.exe"
	db := e.Store.SQL()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{"UPDATE links SET title = ?, message = ?, sender_name = ? WHERE id = ?", []any{evil, evil, evil, l.ID}},
		{"UPDATE objects SET name = ? WHERE id = ?", []any{evil, tr.a.ID}},
		{"UPDATE objects SET name = ? WHERE id = ?", []any{"Sub\u2067dir", tr.sub.ID}},
	} {
		if _, err := db.Exec(q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	r := newRecipient(t, e)
	if p := r.get(linkPath(e, l)); hasBidi(p.body) || !strings.Contains(p.text(t, "link-title"), "invoicefdp.exe") {
		t.Errorf("open page shows direction controls or lost the title:\n%s", p.body)
	}
	r.post(linkPath(e, l)+"/code", url.Values{"auth": {"1"}})
	if m := e.Mail.Wait(t, "bidi@example.com"); hasBidi(m.Text) || hasBidi(m.Subject) || hasBidi(m.HTML) {
		t.Errorf("code email carries direction controls: %q", m.Text)
	}
	r = signIn(t, e, l, "bidi shown")
	for _, path := range []string{"/p/", "/p/f/" + tr.sub.ID} {
		if p := r.get(path); hasBidi(p.body) {
			t.Errorf("%s shows direction controls:\n%s", path, p.body)
		}
	}
	dl := r.get("/p/d/" + tr.a.ID)
	if _, params, err := mime.ParseMediaType(dl.header.Get("Content-Disposition")); err != nil || hasBidi(params["filename"]) || params["filename"] != "invoicefdp.exe" {
		t.Errorf("download name: got %q (%v), want invoicefdp.exe", params["filename"], err)
	}
	p := r.get("/p/zip?id=" + tr.docs.ID)
	zr, err := zip.NewReader(bytes.NewReader([]byte(p.body)), int64(len(p.body)))
	if err != nil {
		t.Fatalf("zip: %v", err)
	}
	for _, f := range zr.File {
		if hasBidi(f.Name) {
			t.Errorf("zip entry %q carries direction controls", f.Name)
		}
	}
	if len(zr.File) < 4 {
		t.Errorf("zip has %d entries, want the whole folder", len(zr.File))
	}
}
