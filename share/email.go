package share

import (
	"bytes"
	"context"
	_ "embed"
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
//
//go:embed email.html
var linkEmailHTMLSource string

var linkEmailHTML = htmltemplate.Must(htmltemplate.New("html").Parse(linkEmailHTMLSource))

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
