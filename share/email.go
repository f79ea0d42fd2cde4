package share

import (
	"bytes"
	"context"
	"encoding/json"
	htmltemplate "html/template"
	texttemplate "text/template"

	"github.com/sharedesk/sharedesk/notify"
)

type linkEmail struct {
	Title   string
	Message string
	Sender  string
	URL     string
	Expires string
	What    string
}

var linkEmailHTML = htmltemplate.Must(htmltemplate.New("html").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>{{.Title}}</title></head>
<body style="margin:0;padding:24px;background:#f4f5f7;font-family:-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;color:#1f2937">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table role="presentation" width="560" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:8px;padding:32px">
<tr><td>
<p style="margin:0 0 8px;font-size:14px;color:#6b7280">{{.Sender}} shared {{.What}} with you</p>
<h1 style="margin:0 0 16px;font-size:22px">{{.Title}}</h1>
{{if .Message}}<p style="margin:0 0 24px;font-size:16px;line-height:1.5;white-space:pre-line">{{.Message}}</p>{{end}}
<p style="margin:0 0 24px"><a href="{{.URL}}" style="display:inline-block;background:#1d4ed8;color:#ffffff;text-decoration:none;padding:12px 24px;border-radius:6px;font-weight:600">Open</a></p>
<p style="margin:0 0 8px;font-size:13px;color:#6b7280">The link works until {{.Expires}}. You will be asked to prove who you are before you can open it.</p>
<p style="margin:0;font-size:13px;color:#6b7280;word-break:break-all">If the button does not work, copy this address into your browser: {{.URL}}</p>
</td></tr></table></td></tr></table>
</body></html>`))

var linkEmailText = texttemplate.Must(texttemplate.New("text").Parse(`{{.Sender}} shared {{.What}} with you.

{{.Title}}
{{if .Message}}
{{.Message}}
{{end}}
Open: {{.URL}}

The link works until {{.Expires}}. You will be asked to prove who you are before you can open it.
`))

func (s *Service) sendLinkEmail(ctx context.Context, l Link) error {
	data := linkEmail{Title: l.Title, Message: l.Message, Sender: l.SenderName, URL: l.URL,
		Expires: l.ExpiresAt.Format("Mon 2 Jan 2006 15:04 MST")}
	if data.Sender == "" {
		data.Sender = l.SenderEmail
	}
	if data.Sender == "" {
		data.Sender = "Someone"
	}
	switch l.LinkType {
	case LinkUpload:
		data.What = "a folder for your uploads"
	case LinkEditor:
		data.What = "files you can edit"
	default:
		data.What = "files"
	}
	if data.Title == "" {
		data.Title = data.Sender + " shared " + data.What + " with you"
	}
	var html, text bytes.Buffer
	if err := linkEmailHTML.Execute(&html, data); err != nil {
		return err
	}
	if err := linkEmailText.Execute(&text, data); err != nil {
		return err
	}
	return s.cfg.Sender.Send(ctx, notify.Message{Kind: notify.KindEmail, To: l.RecipientEmail, Subject: data.Title,
		Text: text.String(), HTML: html.String(), ReplyTo: l.SenderEmail})
}

func mustJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}
