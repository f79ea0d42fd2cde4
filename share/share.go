// Package share is the share service: buckets, objects (files and folders), share links and API tokens.
// It knows nothing of HTTP; the wire format lives in package api and the HTTP layer in share/httpapi.
package share

import (
	"time"
)

// Object types.
const (
	TypeFile   = "file"
	TypeFolder = "folder"
)

// Link types.
const (
	LinkDownload = "download"
	LinkUpload   = "upload"
	LinkEditor   = "editor"
)

// Authenticator types.
const (
	AuthEmailOTP = "email_otp"
	AuthSMSOTP   = "sms_otp"
	AuthPassword = "password"
)

// PasswordMask is what every response shows in place of a password authenticator's secret.
const PasswordMask = "********"

// Bucket is a storage namespace. One bucket is the default, created at first start.
type Bucket struct {
	ID        string
	Name      string
	Default   bool
	CreatedAt time.Time
}

// Object is a file or a folder. ParentID is "" for objects at the root of a bucket.
type Object struct {
	ID        string
	BucketID  string
	ParentID  string
	Name      string
	Type      string
	Size      int64
	MimeType  string
	SHA256    string
	SHA512    string
	MD5       string
	Metadata  map[string]string
	Tags      []string
	CreatedAt time.Time
	UpdatedAt time.Time

	// FileTTL is the object's own file_ttl ("" when none). For a file, FileTTLEffective and FileTTLFrom
	// say which setting applies (its own or its nearest folder's, when it was uploaded or the folder's
	// setting changed) and ExpiresAt when the file may be deleted (zero: never). Folders never expire
	// themselves; their file_ttl applies to the files inside them.
	FileTTL          string
	FileTTLEffective string
	FileTTLFrom      string
	ExpiresAt        time.Time

	// Folder is the full path of the folder holding the object ("/" at the root); filled in by the
	// service, not stored, because moves would otherwise rewrite every descendant.
	Folder string
}

// Authenticator is one way a recipient may prove who they are. For passwords Context is empty once
// stored and Hash holds the argon2id PHC string; email and phone authenticators keep Context in clear.
type Authenticator struct {
	Type    string `json:"auth_type"`
	Context string `json:"auth_context,omitempty"`
	Hash    string `json:"hash,omitempty"`
}

// Link is a share link. TokenHash and TokenSealed never leave the service: the first finds the link
// from its URL, the second lets the API show the URL again to token holders.
type Link struct {
	ID             string
	BucketID       string
	Targets        []string
	LinkType       string
	AccessCount    int
	MaxAccessCount int
	CreatedAt      time.Time
	ExpiresAt      time.Time
	LastAccessedAt time.Time // zero until the first successful access
	Authenticators []Authenticator
	Title          string
	Message        string
	RecipientEmail string
	SenderEmail    string
	SenderName     string
	Tags           []string

	TokenHash   string
	TokenSealed []byte

	// URL is the recipient's address for the link, rebuilt from the sealed token.
	URL string
}

// Status says whether a recipient can still use the link at time now.
func (l Link) Status(now time.Time) string {
	switch {
	case !now.Before(l.ExpiresAt):
		return "expired"
	case l.AccessCount >= l.MaxAccessCount:
		return "exhausted"
	default:
		return "active"
	}
}

// Token is an API token. Only the SHA-256 of the secret is stored.
type Token struct {
	ID         string
	Name       string
	Hash       string
	CreatedAt  time.Time
	LastUsedAt time.Time // to the minute: recorded at most once a minute (see Authenticate)
	RevokedAt  time.Time
	// Admin tokens may also manage API tokens (the /v1/ext/tokens/... endpoints). Only the server's
	// own command line makes them: an admin credential is never minted through the API.
	Admin bool
}

// Micros converts t to the integer microseconds the stores keep; integers sort and compare the same
// way in SQLite and PostgreSQL.
func Micros(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

// FromMicros is the inverse of Micros.
func FromMicros(us int64) time.Time {
	if us == 0 {
		return time.Time{}
	}
	return time.UnixMicro(us).UTC()
}
