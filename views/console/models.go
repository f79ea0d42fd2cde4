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
	Here   string // this view's address, for the way back from a link's page
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
	// BackURL is the list the person came from (a local /links address).
	BackURL                                                                   string
	ID, Title, Message, Type, Status, URL, Recipient, SenderEmail, SenderName string
	Targets                                                                   []TargetVM
	Accesses, MaxAccesses                                                     int
	CreatedAt, ExpiresAt, LastAccess                                          time.Time
	Authenticators                                                            []string
	Tags                                                                      []string
	CanRevokeThis, CanSendThis, CanEditThis                                   bool
	SendTo, SendName                                                          string
	SendErrors                                                                FormErrors
	Revoked                                                                   RevokedVM // Status "revoked"
	History                                                                   HistoryVM
	// OpensByEmailCode: sending the link to an address lets that address open it with a code.
	OpensByEmailCode bool
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
	Folder         string // the path of the folder it is in, where that is not the folder shown
	Preview        bool   // a file the browser can show safely (images, PDF, text)
	CanOrganize    bool   // this person may rename and move it
}

// RenameVM renames a file or folder, re-shown with what was typed and the problem.
type RenameVM struct {
	Page
	Item   FileRow
	Back   string // the folder page the person came from
	Name   string
	Errors map[string]string
}

// MoveVM chooses where a file or folder goes: the folders of In, with the path to it.
type MoveVM struct {
	Page
	Item    FileRow
	Back    string
	In      string // the folder being looked at ("" is the top)
	InName  string
	Crumbs  []views.Crumb
	Folders []FileRow
	More    bool   // In holds more folders than are shown
	Problem string // why the last move was refused
}

// DeleteFileVM asks before deleting a file or a folder with everything in it (the no-JavaScript path).
type DeleteFileVM struct {
	Page
	Item     FileRow
	Folder   string // the folder the person came from ("" is the top)
	Children int    // items inside a folder, at any depth
	Links    int    // links that share the item or anything inside it
	// ChildrenMore and LinksMore: there are more than Children items or Links links (the page looks
	// through a bounded number).
	ChildrenMore, LinksMore bool
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
	Crumbs      []FolderCrumb // the way from the top to the folder being browsed
	Selected    []FileRow     // what is chosen so far, wherever it is
	Search      string
	Errors      FormErrors
	MaxDays     int
	MaxAccesses int
	MinDate     string // yyyy-mm-dd: the date field's bounds
	MaxDate     string
	In          string // the folder being browsed ("" is the top)
	UploadTo    string // the folder new files go to, as the page names it
	Uploaded    string // what the last upload from this page stored and chose
}

// FolderCrumb is one folder on the way down to the one being browsed.
type FolderCrumb struct {
	ID, Name string
}

// ErrorHeading introduces the form's problems: an upload from the page creates nothing, so its
// problems are not why "the link was not created".
func (vm NewLinkVM) ErrorHeading() string {
	if len(vm.Errors) == 1 && vm.Errors[0].Field == "new-up" {
		return "Nothing more was uploaded:"
	}
	return "The link was not created. Check these and press Create again:"
}

// IsSelected reports whether object id is chosen.
func (vm NewLinkVM) IsSelected(id string) bool {
	for _, t := range vm.Form.Targets {
		if t == id {
			return true
		}
	}
	return false
}

// Shown reports whether object id is among the choices on screen (its checkbox carries it).
func (vm NewLinkVM) Shown(id string) bool {
	for _, c := range vm.Choices {
		if c.ID == id {
			return true
		}
	}
	return false
}

// NewLinkForm is what the New link form posts.
type NewLinkForm struct {
	Batch      string // the form's one-time key: the same form posted twice creates its links once
	Targets    []string
	Type       string
	Expiry     string // 1, 7, 30, or custom (the date below)
	ExpiresAt  string // yyyy-mm-dd; a date given wins over the preset
	TZOffset   string // minutes east of UTC of the viewer at that date (set by script; UTC without)
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

// CreatedVM is the result of a New link form: per recipient, the link and whether its email went out.
type CreatedVM struct {
	Page
	Pending   bool // still being created (a second post of the form waits for the first)
	StartedAt time.Time
	Rows      []CreatedRow
}

// CreatedRow is one link created.
type CreatedRow struct {
	ID          string
	Title       string
	Recipient   string // the email address it is for, or ""
	OpensWith   string // how the recipient proves who they are
	URL         string
	ExpiresAt   time.Time
	MaxAccesses int
	Revoked     bool // gone since
	// Email is "sent", "failed", "unknown" (the mail server did not answer in time), "not-asked"
	// (the sharer chose not to email) or "none" (no address).
	Email       string
	EmailDetail string
}

// EditLinkVM is the form that changes a link's expiry, openings and recipients.
type EditLinkVM struct {
	Page
	ID, Title        string
	ExpiresAt        time.Time
	Accesses         int
	MaxAccesses      int
	MaxAccessLimit   int
	Recipients       []EditRecipient // email and phone ways in, each removable
	HasPassword      bool
	Form             EditLinkForm
	Errors           FormErrors
	MinDate, MaxDate string
	MaxDays          int
}

// EditRecipient is one email or phone that can open the link.
type EditRecipient struct {
	Key   string // auth_type:auth_context, the value of its Remove box
	Label string // "email code to kim@example.com"
}

// EditLinkForm is what the edit form posts, kept as typed.
type EditLinkForm struct {
	ExpiresOn string // yyyy-mm-dd, or "" to keep the expiry
	TZOffset  string // minutes east of UTC (set by script)
	MaxAccess string
	AddEmails string
	AddPhones string
	Remove    []string // EditRecipient keys
}

// Removing reports whether the recipient with key is ticked for removal.
func (f EditLinkForm) Removing(key string) bool {
	for _, r := range f.Remove {
		if r == key {
			return true
		}
	}
	return false
}

// AuditVM is the audit log; the filter round-trips through the URL like the Links view's.
type AuditVM struct {
	Page
	Rows     []AuditRow
	Q        string
	Actor    string
	Action   string
	From, To string
	Actors   []string
	Actions  []string
	Errors   map[string]string // filter field -> problem
	Filtered bool
	NextURL  string // older entries
	PrevURL  string // newer entries
	CSVURL   string
}

// AuditRow is one audit entry.
type AuditRow struct {
	At                                     time.Time
	Actor, Action, Target, Detail, Outcome string
}

// DashboardVM is the landing page of helpdesk and admins: numbers that need attention, each a link
// into the list that shows the same number, and what recipients did last.
type DashboardVM struct {
	Page
	Counts []DashCount
	Recent []ActivityRow
	Now    time.Time
}

// DashCount is one number of the dashboard.
type DashCount struct {
	TestID string
	Label  string
	Note   string
	N      int
	Kind   string // as LinksVM.CountKind: exact, bounded or estimate
	URL    string // the list showing the same number
}

// ActivityRow is one event of a link, in a list across links.
type ActivityRow struct {
	At                                               time.Time
	LinkID, LinkTitle                                string
	Type, Actor, Client, Method, Object, Detail, Out string
}

// ActivityVM lists events across links; the filter round-trips through the URL.
type ActivityVM struct {
	Page
	Type      string // an event type, "" for anything recipients did, "all" for every event
	Since     string // 24h, 7d, 30d or "" for any time
	Rows      []ActivityRow
	Count     int
	CountMore bool
	NextURL   string // older events
	FirstURL  string // the newest, when paging
	Now       time.Time
}

// TokenRow is one API token (never its secret).
type TokenRow struct {
	ID, Name, Fingerprint      string
	Admin                      bool
	Created, LastUsed, Revoked time.Time
}

// TokensVM is the API tokens page, re-shown with what was typed when a create is refused.
type TokensVM struct {
	Page
	Tokens []TokenRow
	Name   string
	Errors map[string]string
	// Unavailable says why tokens cannot be managed from the console (the service token is not an
	// admin token; the share service has no token endpoints).
	Unavailable string
	Now         time.Time
}

// TokenCreatedVM shows a new token's secret, once; Secret is empty when it was shown already.
type TokenCreatedVM struct {
	Page
	Token  TokenRow
	Secret string
}

// RevokeTokenVM asks before revoking a token (the no-JavaScript path).
type RevokeTokenVM struct {
	Page
	Token TokenRow
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

// RevokedVM says when and by whom a link was revoked.
type RevokedVM struct {
	At  time.Time
	By  string // a staff email, or an API token's name
	Via string // the API token's name
}

// HistoryVM is one page of a link's timeline, newest first.
type HistoryVM struct {
	LinkID      string
	Events      []EventRow
	OlderURL    string // the next page, older events; "" on the last
	Older       bool   // this page is not the newest: offer the way back
	CSVURL      string // the whole history as CSV; "" when this person may not export it
	Unavailable bool   // the share service did not give the history (Pangea's hosted service has none)
}

// EventRow is one thing that happened to a link, worded for people.
type EventRow struct {
	Type    string // the API's event type, for styling and tests
	What    string // "Downloaded report.pdf", "Wrong password", …
	Who     string // "Recipient", a staff email, an API token's name, or ""
	Client  string // the network address it came from
	Outcome string // "", failed or refused
	At      time.Time
}

// RevokedLinksVM is the Links page filtered to revoked links.
type RevokedLinksVM struct {
	Page
	Filter  LinkFilter
	Rows    []RevokedRow
	Count   int
	NextURL string
	PrevURL string
	Now     time.Time
}

// RevokedRow is one revoked link in the list.
type RevokedRow struct {
	LinkRow
	People    []string // the addresses and phone numbers it was for
	RevokedAt time.Time
	RevokedBy string
}
