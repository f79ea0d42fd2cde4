// Package api is the Share API wire format (Pangea Secure Share compatible): request and response
// types, the response envelope and error type, and an HTTP client. The server's HTTP layer uses the
// same types, so there is one definition of the wire.
package api

import (
	"encoding/json"
	"time"
)

// Statuses of the envelope.
const (
	StatusSuccess    = "Success"
	StatusValidation = "ValidationError"
	StatusAccepted   = "Accepted" // HTTP 202: poll /request/{request_id} for the outcome
)

// Transfer methods.
const (
	TransferMultipart = "multipart"
	TransferDestURL   = "dest-url"
	TransferPostURL   = "post-url"   // put answers 202 with post_url; the file is POSTed there as multipart
	TransferPutURL    = "put-url"    // put answers 202 with put_url; the file is PUT there as the raw body
	TransferSourceURL = "source-url" // the server would fetch source_url itself: refused (SSRF)
)

// AcceptedResult is the result of a 202 Accepted reply: where to send the file, and where to ask for
// the outcome (location, that is /request/{request_id}).
type AcceptedResult struct {
	TTLMins      int             `json:"ttl_mins"`
	RetryCounter int             `json:"retry_counter"`
	Location     string          `json:"location"`
	PostURL      string          `json:"post_url,omitempty"`
	PostFormData json.RawMessage `json:"post_form_data,omitempty"`
	PutURL       string          `json:"put_url,omitempty"`
}

// Response is the envelope of every reply.
type Response struct {
	RequestID    string          `json:"request_id"`
	RequestTime  string          `json:"request_time"`
	ResponseTime string          `json:"response_time"`
	Status       string          `json:"status"`
	Summary      string          `json:"summary"`
	Result       json.RawMessage `json:"result"`
}

// FieldError is one entry of result.errors in a ValidationError.
type FieldError struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
	Source string `json:"source"`
}

// ErrorResult is the result of a failed request.
type ErrorResult struct {
	Errors []FieldError `json:"errors,omitempty"`
}

// Authenticator is how a recipient proves who they are: auth_type email_otp, sms_otp or password.
type Authenticator struct {
	AuthType    string `json:"auth_type"`
	AuthContext string `json:"auth_context"`
}

// ShareLink is a share link as the API shows it. Password authenticators show a fixed mask.
type ShareLink struct {
	ID             string          `json:"id"`
	BucketID       string          `json:"bucket_id"`
	Targets        []string        `json:"targets"`
	LinkType       string          `json:"link_type"`
	AccessCount    int             `json:"access_count"`
	MaxAccessCount int             `json:"max_access_count"`
	CreatedAt      time.Time       `json:"created_at"`
	ExpiresAt      time.Time       `json:"expires_at"`
	LastAccessedAt *time.Time      `json:"last_accessed_at,omitempty"`
	Authenticators []Authenticator `json:"authenticators"`
	Title          string          `json:"title,omitempty"`
	Message        string          `json:"message,omitempty"`
	Link           string          `json:"link"`
	RecipientEmail string          `json:"recipient_email,omitempty"`
	SenderEmail    string          `json:"sender_email,omitempty"`
	SenderName     string          `json:"sender_name,omitempty"`
	Tags           []string        `json:"tags,omitempty"`
}

// SendParams asks link/create to email the new link at once.
type SendParams struct {
	RecipientEmail string `json:"recipient_email,omitempty"`
	SenderEmail    string `json:"sender_email,omitempty"`
	SenderName     string `json:"sender_name,omitempty"`
}

// LinkCreateItem is one link to create.
type LinkCreateItem struct {
	Targets        []string        `json:"targets"`
	LinkType       string          `json:"link_type,omitempty"`
	ExpiresAt      *time.Time      `json:"expires_at,omitempty"`
	MaxAccessCount *int            `json:"max_access_count,omitempty"`
	Authenticators []Authenticator `json:"authenticators"`
	Title          string          `json:"title,omitempty"`
	Message        string          `json:"message,omitempty"`
	Tags           []string        `json:"tags,omitempty"`
	SendParams     *SendParams     `json:"send_params,omitempty"`
	NotifyEmail    string          `json:"notify_email,omitempty"`
}

// LinkCreateRequest is the body of share/link/create.
type LinkCreateRequest struct {
	BucketID string           `json:"bucket_id,omitempty"`
	Links    []LinkCreateItem `json:"links"`
}

// LinksResult is the result of link/create, link/delete and link/send.
type LinksResult struct {
	ShareLinkObjects []ShareLink `json:"share_link_objects"`
	// SendResults (link/send only, an extension) says for each item whether its email went out. A
	// send where some emails failed still succeeds, so that retries never email the others twice.
	SendResults []SendResult `json:"ext_send_results,omitempty"`
}

// SendResult is the outcome of one link/send item.
type SendResult struct {
	ID     string `json:"id"`
	Email  string `json:"email"`
	Sent   bool   `json:"sent"`
	Detail string `json:"detail,omitempty"`
	// AuthenticatorAdded says the address became an email_otp authenticator of the link, so it can
	// open it (only with LinkSendRequest.ExtAddAuthenticators).
	AuthenticatorAdded bool `json:"authenticator_added,omitempty"`
}

// LinkGetRequest is the body of share/link/get.
type LinkGetRequest struct {
	ID       string `json:"id"`
	BucketID string `json:"bucket_id,omitempty"`
}

// LinkGetResult is the result of share/link/get.
type LinkGetResult struct {
	ShareLinkObject ShareLink `json:"share_link_object"`
}

// LinkListRequest is the body of share/link/list. Filter keys are those of the wire notes, for
// example {"link_type": "download", "title__contains": ["report"], "created_at__gte": "2026-01-01T00:00:00Z"}.
type LinkListRequest struct {
	BucketID string         `json:"bucket_id,omitempty"`
	Filter   map[string]any `json:"filter,omitempty"`
	Last     string         `json:"last,omitempty"`
	Order    string         `json:"order,omitempty"`
	OrderBy  string         `json:"order_by,omitempty"`
	Size     int            `json:"size,omitempty"`
	// ExtCount (sharedesk extension): how to count the matches, "exact" (the default), "bounded",
	// "estimate" or "none"; see the README.
	ExtCount string `json:"ext_count,omitempty"`
}

// LinkListResult is the result of share/link/list.
type LinkListResult struct {
	Count            int         `json:"count"`
	Last             string      `json:"last,omitempty"`
	ShareLinkObjects []ShareLink `json:"share_link_objects"`
	ExtCountInfo
}

// ExtCountInfo (sharedesk extension) says what kind of number count is. It is sent only when the
// request asked for ext_count, so Pangea clients see the wire they expect.
type ExtCountInfo struct {
	// ExtCountKind is "exact", "bounded" (there are more than count matches: see ExtCountMore),
	// "estimate" or "none" (not counted; count is 0).
	ExtCountKind string `json:"ext_count_kind,omitempty"`
	ExtCountMore bool   `json:"ext_count_more,omitempty"`
}

// LinkDeleteRequest is the body of share/link/delete.
type LinkDeleteRequest struct {
	BucketID string   `json:"bucket_id,omitempty"`
	IDs      []string `json:"ids"`
	// ExtRevokedBy (sharedesk extension) names the person revoking, for the revoked links' record and
	// history; without it the API token's name stands in.
	ExtRevokedBy string `json:"ext_revoked_by,omitempty"`
}

// LinkSendItem asks for one link to be emailed to one address.
type LinkSendItem struct {
	ID    string `json:"id"`
	Email string `json:"email"`
}

// LinkSendRequest is the body of share/link/send.
type LinkSendRequest struct {
	BucketID    string         `json:"bucket_id,omitempty"`
	Links       []LinkSendItem `json:"links"`
	SenderEmail string         `json:"sender_email"`
	SenderName  string         `json:"sender_name,omitempty"`
	// ExtAddAuthenticators (sharedesk extension): for a link that opens with an email code, an address
	// it is sent to that is not among its authenticators becomes one, so each person can open what
	// they were sent. Without it link/send behaves exactly as Pangea's.
	ExtAddAuthenticators bool `json:"ext_add_authenticators,omitempty"`
}

// Bucket is a storage bucket.
type Bucket struct {
	ID              string   `json:"id"`
	Name            string   `json:"name"`
	Default         bool     `json:"default"`
	TransferMethods []string `json:"transfer_methods"`
}

// BucketsResult is the result of /v1/buckets.
type BucketsResult struct {
	Buckets []Bucket `json:"buckets"`
}

// Object is a file or folder.
type Object struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	Type      string            `json:"type"`
	ParentID  string            `json:"parent_id"`
	Folder    string            `json:"folder"`
	Size      int64             `json:"size"`
	MimeType  string            `json:"mimetype,omitempty"`
	CreatedAt time.Time         `json:"created_at"`
	UpdatedAt time.Time         `json:"updated_at"`
	MD5       string            `json:"md5,omitempty"`
	SHA256    string            `json:"sha256,omitempty"`
	SHA512    string            `json:"sha512,omitempty"`
	Metadata  map[string]string `json:"metadata,omitempty"`
	Tags      []string          `json:"tags,omitempty"`

	FileTTL          string `json:"file_ttl,omitempty"`           // the object's own setting
	FileTTLEffective string `json:"file_ttl_effective,omitempty"` // the setting that applies to it
	FileTTLFromID    string `json:"file_ttl_from_id,omitempty"`   // the object that setting comes from
	// ExtExpiresAt is when a file's file_ttl runs out (an extension: Pangea does not show it).
	ExtExpiresAt *time.Time `json:"ext_expires_at,omitempty"`
}

// FolderCreateRequest is the body of /v1/folder/create.
type FolderCreateRequest struct {
	BucketID string            `json:"bucket_id,omitempty"`
	Name     string            `json:"name,omitempty"`
	ParentID string            `json:"parent_id,omitempty"`
	Folder   string            `json:"folder,omitempty"`
	FileTTL  string            `json:"file_ttl,omitempty"`
	Metadata map[string]string `json:"metadata,omitempty"`
	Tags     []string          `json:"tags,omitempty"`
}

// ObjectResult is the result of folder/create, put and update.
type ObjectResult struct {
	Object Object `json:"object"`
}

// PutRequest is the "request" part of a multipart /v1/put, or the whole JSON body of a put that asks
// for an upload URL (transfer_method put-url or post-url).
type PutRequest struct {
	BucketID       string `json:"bucket_id,omitempty"`
	TransferMethod string `json:"transfer_method"`
	Name           string `json:"name,omitempty"`
	ParentID       string `json:"parent_id,omitempty"`
	Folder         string `json:"folder,omitempty"`
	Size           *int64 `json:"size,omitempty"`
	SHA1           string `json:"sha1,omitempty"`
	SHA256         string `json:"sha256,omitempty"`
	SHA512         string `json:"sha512,omitempty"`
	MD5            string `json:"md5,omitempty"`
	CRC32C         string `json:"crc32c,omitempty"`
	FileTTL        string `json:"file_ttl,omitempty"`
	// Refused by this server, with the reason (see the README): format checking, file passwords and
	// server-side fetches.
	Format            string            `json:"format,omitempty"`
	Password          string            `json:"password,omitempty"`
	PasswordAlgorithm string            `json:"password_algorithm,omitempty"`
	SourceURL         string            `json:"source_url,omitempty"`
	MimeType          string            `json:"mimetype,omitempty"`
	Metadata          map[string]string `json:"metadata,omitempty"`
	Tags              []string          `json:"tags,omitempty"`
}

// GetRequest is the body of /v1/get.
type GetRequest struct {
	BucketID       string `json:"bucket_id,omitempty"`
	ID             string `json:"id"`
	TransferMethod string `json:"transfer_method,omitempty"`
	Password       string `json:"password,omitempty"` // refused: files carry no passwords here
}

// GetResult is the result of /v1/get.
type GetResult struct {
	Object  Object `json:"object"`
	DestURL string `json:"dest_url,omitempty"`
}

// ListRequest is the body of /v1/list.
type ListRequest struct {
	BucketID string `json:"bucket_id,omitempty"`
	// IncludeExternalBucketKey is accepted; this server has no external buckets, so there is no key.
	IncludeExternalBucketKey bool           `json:"include_external_bucket_key,omitempty"`
	Filter                   map[string]any `json:"filter,omitempty"`
	Last                     string         `json:"last,omitempty"`
	Order                    string         `json:"order,omitempty"`
	OrderBy                  string         `json:"order_by,omitempty"`
	Size                     int            `json:"size,omitempty"`
	// ExtCount (sharedesk extension): as in LinkListRequest.
	ExtCount string `json:"ext_count,omitempty"`
}

// ListResult is the result of /v1/list.
type ListResult struct {
	Count   int      `json:"count"`
	Last    string   `json:"last,omitempty"`
	Objects []Object `json:"objects"`
	ExtCountInfo
}

// DeleteRequest is the body of /v1/delete.
type DeleteRequest struct {
	BucketID string `json:"bucket_id,omitempty"`
	ID       string `json:"id"`
	Force    bool   `json:"force,omitempty"`
}

// DeleteResult is the result of /v1/delete.
type DeleteResult struct {
	Count int `json:"count"`
}

// UpdateRequest is the body of /v1/update; absent fields are left unchanged.
type UpdateRequest struct {
	BucketID       string             `json:"bucket_id,omitempty"`
	ID             string             `json:"id"`
	Name           *string            `json:"name,omitempty"`
	ParentID       *string            `json:"parent_id,omitempty"`
	Folder         *string            `json:"folder,omitempty"`
	Tags           *[]string          `json:"tags,omitempty"`
	AddTags        []string           `json:"add_tags,omitempty"`
	RemoveTags     []string           `json:"remove_tags,omitempty"`
	Metadata       *map[string]string `json:"metadata,omitempty"`
	AddMetadata    map[string]string  `json:"add_metadata,omitempty"`
	RemoveMetadata map[string]string  `json:"remove_metadata,omitempty"`
	FileTTL        *string            `json:"file_ttl,omitempty"`
	UpdatedAt      *time.Time         `json:"updated_at,omitempty"`
	// Refused: files carry no passwords here.
	AddPassword          string `json:"add_password,omitempty"`
	AddPasswordAlgorithm string `json:"add_password_algorithm,omitempty"`
	RemovePassword       string `json:"remove_password,omitempty"`
}

// GetArchiveRequest is the body of /v1/get_archive.
type GetArchiveRequest struct {
	BucketID       string   `json:"bucket_id,omitempty"`
	IDs            []string `json:"ids"`
	Format         string   `json:"format,omitempty"`
	TransferMethod string   `json:"transfer_method,omitempty"`
}

// GetArchiveResult is the result of /v1/get_archive.
type GetArchiveResult struct {
	Count   int      `json:"count"`
	DestURL string   `json:"dest_url,omitempty"`
	Objects []Object `json:"objects"`
}
