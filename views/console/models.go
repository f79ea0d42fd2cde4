// Package console holds the admin console's pages and the view models they take.
package console

import (
	"net/url"
)

// Page is what every console page shows around its content.
type Page struct {
	Title   string
	Section string // dashboard, links, files, audit, outbox, sessions, tokens
	Staff   StaffVM
	Flash   []string
	Error   string
	Banner  string // the share service is unreachable, and so on
	Demo    bool
	CSRF    string
	HTMXSrc string // always set: htmx is embedded, and the console refuses to start without it
	// FieldFlash is a problem with a form that was posted and redirected (the upload and new-folder
	// forms): the page shows it at that form's field, with what was typed.
	FieldFlash FieldFlash
}

// FieldFlash is a form field's problem carried to the next page.
type FieldFlash struct {
	Field   string // the input's id
	Value   string // what was typed, shown again
	Message string
}

// FieldError is one form field's problem.
type FieldError struct {
	Field   string // the id of the input (or of the fieldset, for a group of choices)
	Label   string // what the summary calls the field
	Message string
}

// FormErrors are a form's problems in the order of its fields: each is shown at its field, tied to it
// by aria-describedby, and listed in a summary above the form that links to the fields; the first
// field gets the focus.
type FormErrors []FieldError

// Msg is the problem with field, or "".
func (e FormErrors) Msg(field string) string {
	for _, fe := range e {
		if fe.Field == field {
			return fe.Message
		}
	}
	return ""
}

// First reports whether field is the first one with a problem (it gets the focus).
func (e FormErrors) First(field string) bool { return len(e) > 0 && e[0].Field == field }

// StaffVM is the signed-in person and what the interface may offer them (the server checks again).
type StaffVM struct {
	Name, Email, Role                                       string
	CanRevoke, CanSend, CanCreate, CanDeleteFiles, CanAdmin bool
}

// MessageVM is a page with a heading and a message (errors, signed out, no access).
type MessageVM struct {
	Page
	Heading string
	Message string
	Action  string
	URL     string
}

// WithParam returns u with key set to value (or removed when value is "").
func WithParam(u, key, value string) string {
	p, err := url.Parse(u)
	if err != nil {
		return u
	}
	q := p.Query()
	if value == "" {
		q.Del(key)
	} else {
		q.Set(key, value)
	}
	p.RawQuery = q.Encode()
	return p.String()
}
