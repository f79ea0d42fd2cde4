// Package console holds the admin console's pages and the view models they take.
package console

import (
	"net/url"
	"strings"
	"time"

	"github.com/sharedesk/sharedesk/views"
)

// Page is what every console page shows around its content.
type Page struct {
	Title   string
	Section string // links, files, audit, outbox, sessions
	Staff   StaffVM
	Flash   []string
	Error   string
	Banner  string // the share service is unreachable, and so on
	Demo    bool
	CSRF    string
	HTMXSrc string // always set: htmx is embedded, and the console refuses to start without it
}

// StaffVM is the signed-in person and what the interface may offer them (the server checks again).
type StaffVM struct {
	Name, Email, Role                                       string
	CanRevoke, CanSend, CanCreate, CanDeleteFiles, CanAdmin bool
}

// LinkRow is one row of the Links table.
type LinkRow struct {
	ID        string
	Status    string // active, expired, exhausted
	Title     string
	Targets   []string
	Type      string
	Recipient string
	// For is who the link is for: the address it was sent to and the addresses and phone numbers of
	// its email-code and SMS-code authenticators, each once. PasswordOnly: nobody is named, a
	// password opens it.
	For          []string
	PasswordOnly bool
	Accesses     int
	MaxAccesses  int
	ExpiresAt    time.Time
	CreatedAt    time.Time
	LastAccess   time.Time
}

// ForText is who the link is for, on one line.
func (r LinkRow) ForText() string {
	switch {
	case len(r.For) > 0:
		return strings.Join(r.For, ", ")
	case r.PasswordOnly:
		return "password only"
	}
	return "—"
}

// LinkFilter is the whole state of the Links view; it round-trips through the URL. Person is any part
// of an address or phone number a link is for; Activity is opened, never_opened or downloaded.
type LinkFilter struct {
	Status, Type, Q, Person, Activity, Target, Tags string
	CreatedFrom, CreatedTo, ExpiresFrom, ExpiresTo  string
	MinAccess, MaxAccess                            string
	Sort, Order                                     string
	Size                                            int
	Last                                            string
	Prev                                            []string
	AsOf                                            int64 // "now" of a status filter, fixed while paging
}

// Narrowed reports whether any filter narrows the view (paging and order do not).
func (f LinkFilter) Narrowed() bool {
	return f.Status != "" || f.Type != "" || f.Q != "" || f.Person != "" || f.Activity != "" || f.Target != "" ||
		f.Tags != "" || f.CreatedFrom != "" || f.CreatedTo != "" || f.ExpiresFrom != "" || f.ExpiresTo != "" ||
		f.MinAccess != "" || f.MaxAccess != ""
}

// LinksVM is the Links page.
type LinksVM struct {
	Page
	Filter LinkFilter
	Rows   []LinkRow
	Count  int
	// CountKind says what Count is: "exact", "bounded" (more than Count) or "estimate".
	CountKind string
	NextURL   string
	PrevURL   string
	Now       time.Time
	Errors    map[string]string // filter field -> problem
}

// LinkDetailVM is one link.
type LinkDetailVM struct {
	Page
	ID, Title, Message, Type, Status, URL, Recipient, SenderEmail, SenderName string
	Targets                                                                   []TargetVM
	Accesses, MaxAccesses                                                     int
	CreatedAt, ExpiresAt, LastAccess                                          time.Time
	Authenticators                                                            []string
	Tags                                                                      []string
	CanRevokeThis, CanSendThis                                                bool
	SendTo, SendName                                                          string
	SendError                                                                 string
}

// TargetVM is a shared file or folder.
type TargetVM struct {
	ID, Name, Type string
	Missing        bool
}

// RevokeVM confirms a revocation (the no-JavaScript path).
type RevokeVM struct {
	Page
	Links []LinkRow
	Back  string
}

// FileRow is one row of the Files page.
type FileRow struct {
	ID, Name, Type string
	Size           int64
	Updated        time.Time
}

// FilesVM is the Files page.
type FilesVM struct {
	Page
	FolderID   string
	FolderName string
	Crumbs     []views.Crumb
	Rows       []FileRow
	Count      int
	NextURL    string
	Links      []LinkRow // the links of a file, when one is selected
	Selected   string
}

// NewLinkVM is the New link form, re-shown with field errors.
type NewLinkVM struct {
	Page
	Form        NewLinkForm
	Choices     []FileRow // files and folders to pick from
	ChoicesIn   string
	Search      string
	Errors      map[string]string
	MaxDays     int
	MaxAccesses int
	Created     []LinkRow
	CreatedURLs []string
	In          string // the folder being browsed ("" is the top)
	ReturnURL   string // where an upload from this page comes back to
}

// OpenURL browses into folder id, keeping the chosen targets.
func (vm NewLinkVM) OpenURL(id string) string {
	q := url.Values{"in": {id}}
	for _, t := range vm.Form.Targets {
		q.Add("target", t)
	}
	return "/links/new?" + q.Encode()
}

// NewLinkForm is what the New link form posts.
type NewLinkForm struct {
	Targets    []string
	Type       string
	Expiry     string // 1, 7, 30 or custom
	ExpiresAt  string // for custom, yyyy-mm-dd
	MaxAccess  string
	Recipients string // one email per line or comma-separated; each gets an email code and a link
	Phone      string
	Password   string
	Title      string
	Message    string
	Tags       string
	SendNow    bool
	SenderName string
}

// AuditVM is the audit log.
type AuditVM struct {
	Page
	Rows     []AuditRow
	Actor    string
	Action   string
	From, To string
	Actors   []string
	NextURL  string
	CSVURL   string
}

// AuditRow is one audit entry.
type AuditRow struct {
	At                                     time.Time
	Actor, Action, Target, Detail, Outcome string
}

// OutboxVM lists the messages the demo would have sent.
type OutboxVM struct {
	Page
	Messages []OutboxMessage
}

// OutboxMessage is one email or text.
type OutboxMessage struct {
	Kind, To, Subject, Text string
	At                      time.Time
	Link                    string
}

// SessionsVM lists signed-in staff.
type SessionsVM struct {
	Page
	Rows []SessionRow
}

// SessionRow is one console session.
type SessionRow struct {
	IDHash, Name, Email, Role, Client, Agent string
	Created, LastSeen                        time.Time
	Current                                  bool
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
