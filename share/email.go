package share

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/sharedesk/sharedesk/notify"
)

type linkEmail struct {
	Title   string
	Message string
	Sender  string
	URL     string
	Expires string
	What    string // "1 file", "a folder", "2 files and a folder"
	Names   string // "Q3 summary.csv", "a.csv, b.csv and 3 more"
}

// The HTML part is one fluid column of at most 560 px: it fills a phone's width without sideways
// scrolling, and the button is a large tap target. Styles are inline because mail clients drop <style>.
var linkEmailHTML = htmltemplate.Must(htmltemplate.New("html").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="x-apple-disable-message-reformatting"><title>{{.Title}}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1f2937;-webkit-text-size-adjust:100%">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="width:100%;border-collapse:collapse"><tr><td align="center" style="padding:16px 8px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="width:100%;max-width:560px;border-collapse:collapse;background:#ffffff;border-radius:8px">
<tr><td style="padding:24px 20px;overflow-wrap:anywhere;word-break:break-word">
<p style="margin:0 0 8px;font-size:14px;line-height:1.4;color:#4b5563">{{.Sender}} shared {{.What}} with you{{if .Names}}: {{.Names}}{{end}}</p>
<h1 style="margin:0 0 16px;font-size:22px;line-height:1.3">{{.Title}}</h1>
{{if .Message}}<p style="margin:0 0 24px;font-size:16px;line-height:1.5;white-space:pre-line">{{.Message}}</p>{{end}}
<table role="presentation" cellpadding="0" cellspacing="0" style="margin:0 0 24px;border-collapse:separate"><tr><td style="border-radius:6px;background:#1d4ed8">
<a href="{{.URL}}" style="display:inline-block;min-width:120px;padding:14px 28px;font-size:16px;line-height:20px;color:#ffffff;text-align:center;text-decoration:none;font-weight:600;border-radius:6px">Open</a>
</td></tr></table>
<p style="margin:0 0 8px;font-size:13px;line-height:1.4;color:#4b5563">The link works until {{.Expires}}. You will be asked to prove who you are before you can open it.</p>
<p style="margin:0;font-size:13px;line-height:1.4;color:#4b5563;word-break:break-all">If the button does not work, copy this address into your browser: {{.URL}}</p>
</td></tr></table></td></tr></table>
</body></html>`))

var linkEmailText = texttemplate.Must(
	texttemplate.New("text").Parse(`{{.Sender}} shared {{.What}} with you{{if .Names}}: {{.Names}}{{end}}.

{{.Title}}
{{if .Message}}
{{.Message}}
{{end}}
Open: {{.URL}}

The link works until {{.Expires}}. You will be asked to prove who you are before you can open it.
`),
)

// maxNamedTargets bounds the lookups one email makes: links with more targets are described by count.
const maxNamedTargets = 20

// describeTargets says what a link shares: counts by kind and up to three names.
func (s *Service) describeTargets(ctx context.Context, l Link) (what, names string) {
	if len(l.Targets) > maxNamedTargets {
		return fmt.Sprintf("%d items", len(l.Targets)), ""
	}
	var files, folders int
	var list []string
	for _, id := range l.Targets {
		o, err := s.store.Object(ctx, l.BucketID, id)
		if err != nil {
			return countOf(len(l.Targets), "item"), ""
		}
		if o.Type == TypeFolder {
			folders++
		} else {
			files++
		}
		list = append(list, o.Name)
	}
	var parts []string
	if files > 0 {
		parts = append(parts, countOf(files, "file"))
	}
	if folders > 0 {
		parts = append(parts, countOf(folders, "folder"))
	}
	what = strings.Join(parts, " and ")
	if len(list) > 3 {
		names = strings.Join(list[:2], ", ") + fmt.Sprintf(" and %d more", len(list)-2)
	} else {
		names = strings.Join(list, ", ")
	}
	return what, names
}

// countOf reads "1 file", "a folder", "3 files".
func countOf(n int, noun string) string {
	switch {
	case n == 1 && noun == "file":
		return "1 file"
	case n == 1:
		return "a " + noun
	default:
		return fmt.Sprintf("%d %ss", n, noun)
	}
}

// oneLine keeps a header value on one line whatever the title holds.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func (s *Service) sendLinkEmail(ctx context.Context, l Link) error {
	data := linkEmail{Title: l.Title, Message: l.Message, Sender: l.SenderName, URL: l.URL,
		Expires: l.ExpiresAt.Format("Mon 2 Jan 2006 15:04 MST")}
	if data.Sender == "" {
		data.Sender = l.SenderEmail
	}
	if data.Sender == "" {
		data.Sender = "Someone"
	}
	data.What, data.Names = s.describeTargets(ctx, l)
	switch l.LinkType {
	case LinkUpload:
		data.What += " for your uploads"
	case LinkEditor:
		data.What += " you can edit"
	}
	subject := data.Sender + " shared " + data.What + " with you"
	if data.Names != "" {
		subject += ": " + data.Names
	}
	if l.Title != "" {
		subject = data.Sender + " shared " + l.Title + " with you"
	} else {
		data.Title = subject
	}
	var html, text bytes.Buffer
	if err := linkEmailHTML.Execute(&html, data); err != nil {
		return err
	}
	if err := linkEmailText.Execute(&text, data); err != nil {
		return err
	}
	return s.cfg.Sender.Send(
		ctx,
		notify.Message{Kind: notify.KindEmail, To: l.RecipientEmail, Subject: oneLine(subject),
			Text: text.String(), HTML: html.String(), ReplyTo: l.SenderEmail},
	)
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
