// Package portal holds the recipient portal's pages and the view models they take.
package portal

import (
	"time"

	"github.com/sharedesk/sharedesk/views"
)

// AuthOption is one way to prove who you are on the open-link page.
type AuthOption struct {
	Index    int    // its place on the page (element ids)
	Key      string // which authenticator it is, as posted back (see portal.authKey)
	Type     string // email_otp, sms_otp or password
	Masked   string // where a code would go
	CodeSent bool   // a code was just sent for this option: show the code form
	Outbox   bool   // the code went to the demo outbox, not to a real mailbox or phone
	Error    string // the last error for this option
}

// OpenVM is the page behind a link, before the recipient has proved who they are.
type OpenVM struct {
	Token      string
	Title      string
	Message    string
	Sender     string
	Grants     string // "Download 2 files", "Upload to folder Contracts"
	ExpiresAt  time.Time
	OpensLeft  int
	Auths      []AuthOption
	Error      string // error not tied to one option
	CSRFHidden bool
}

// GoneVM explains why a link cannot be opened.
type GoneVM struct {
	Heading string
	Message string
}

// Item is a file or folder row in the portal.
type Item struct {
	ID       string
	Name     string
	IsFolder bool
	Size     int64
	Modified time.Time
	Editable bool // editor links: rename and delete (not on the shared items themselves)
}

// FilesVM is the portal after sign-in.
type FilesVM struct {
	Title       string
	Sender      string
	LinkType    string
	CanDownload bool
	CanUpload   bool
	CanEdit     bool
	Crumbs      []views.Crumb
	FolderID    string // "" at the top level (the list of shared items)
	Items       []Item
	UploadTo    string // folder id uploads go to; "" when uploads are not possible here
	UploadName  string
	MaxUpload   int64
	Flash       []string
	Error       string
	CSRF        string
	ExpiresAt   time.Time
}

func authHeading(kind string) string {
	switch kind {
	case "password":
		return "Enter the password"
	case "email_otp":
		return "Get a code by email"
	case "sms_otp":
		return "Get a code by text message"
	}
	return kind
}
