package console

import (
	"time"
)

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
