// Package email words the messages the share service sends (link emails and one-time codes); the
// service supplies the facts. Keeping the wording and the HTML here leaves package share free of both.
package email

import (
	"bytes"
	_ "embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	texttemplate "text/template"

	"github.com/sharedesk/sharedesk/notify"
	"github.com/sharedesk/sharedesk/share"
)

// Composer is the share service's share.Composer.
type Composer struct{}

var _ share.Composer = Composer{}

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
//go:embed link.html
var linkHTMLSource string

//go:embed link.txt
var linkTextSource string

var (
	linkHTML = htmltemplate.Must(htmltemplate.New("html").Parse(linkHTMLSource))
	linkText = texttemplate.Must(texttemplate.New("text").Parse(linkTextSource))
)

// LinkEmail is the email that hands a recipient their link.
func (Composer) LinkEmail(m share.LinkMessage) (notify.Message, error) {
	l := m.Link
	data := linkEmail{Title: l.Title, Message: l.Message, Sender: l.SenderName, URL: l.URL,
		Expires: l.ExpiresAt.Format("Mon 2 Jan 2006 15:04 MST")}
	if data.Sender == "" {
		data.Sender = l.SenderEmail
	}
	if data.Sender == "" {
		data.Sender = "Someone"
	}
	data.What, data.Names = describe(m)
	switch l.LinkType {
	case share.LinkUpload:
		data.What += " for your uploads"
	case share.LinkEditor:
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
	if err := linkHTML.Execute(&html, data); err != nil {
		return notify.Message{}, err
	}
	if err := linkText.Execute(&text, data); err != nil {
		return notify.Message{}, err
	}
	return notify.Message{Kind: notify.KindEmail, To: l.RecipientEmail, Subject: oneLine(subject),
		Text: text.String(), HTML: html.String(), ReplyTo: l.SenderEmail}, nil
}

// CodeMessage is the email or text carrying a one-time code. The code is never in the subject:
// subjects show on lock screens and in mail logs.
func (Composer) CodeMessage(m share.CodeMessage) notify.Message {
	what := m.LinkTitle
	if what == "" {
		what = "your shared files"
	}
	text := fmt.Sprintf("Your code to open %q is %s. It works once, for 10 minutes. "+
		"If you did not ask for it, ignore this message.", what, m.Code)
	if m.Kind == notify.KindSMS {
		return notify.Message{Kind: notify.KindSMS, To: m.To, Text: text}
	}
	return notify.Message{Kind: notify.KindEmail, To: m.To, Subject: oneLine(fmt.Sprintf("Your code to open %q", what)),
		Text: text}
}

// describe says what a link shares: counts by kind and up to three names.
func describe(m share.LinkMessage) (what, names string) {
	switch {
	case m.Uncounted > 0:
		return fmt.Sprintf("%d items", m.Uncounted), ""
	case m.Unknown > 0:
		return countOf(m.Unknown, "item"), ""
	}
	var parts []string
	if m.Files > 0 {
		parts = append(parts, countOf(m.Files, "file"))
	}
	if m.Folders > 0 {
		parts = append(parts, countOf(m.Folders, "folder"))
	}
	what = strings.Join(parts, " and ")
	if len(m.Names) > 3 {
		names = strings.Join(m.Names[:2], ", ") + fmt.Sprintf(" and %d more", len(m.Names)-2)
	} else {
		names = strings.Join(m.Names, ", ")
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
