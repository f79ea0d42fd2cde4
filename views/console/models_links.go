package console

import (
	"strings"
	"time"
)

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
