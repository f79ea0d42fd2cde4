// Package console holds the admin console's pages and the view models they take.
package console

import (
	"net/url"
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
}

// StaffVM is the signed-in person and what the interface may offer them (the server checks again).
type StaffVM struct {
	Name, Email, Role                                       string
	CanRevoke, CanSend, CanCreate, CanDeleteFiles, CanAdmin bool
}

// LinkRow is one row of the Links table.
type LinkRow struct {
	ID          string
	Status      string // active, expired, exhausted
	Title       string
	Targets     []string
	Type        string
	Recipient   string
	Accesses    int
	MaxAccesses int
	ExpiresAt   time.Time
	CreatedAt   time.Time
	LastAccess  time.Time
}

// LinkFilter is the whole state of the Links view; it round-trips through the URL.
type LinkFilter struct {
	Status, Type, Q, Recipient, Target, Tags       string
	CreatedFrom, CreatedTo, ExpiresFrom, ExpiresTo string
	MinAccess, MaxAccess                           string
	Sort, Order                                    string
	Size                                           int
	Last                                           string
	Prev                                           []string
	AsOf                                           int64 // "now" of a status filter, fixed while paging
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
	Preview        bool // a file the browser can show safely (images, PDF, text)
	CanOrganize    bool // this person may rename and move it
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
	Children int    // items directly inside a folder
	Links    int    // links that share the item
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
