package share

import (
	"errors"
	"fmt"
	"time"

	"github.com/sharedesk/sharedesk/dbutil"
)

// Error codes. They are Pangea's status names, so the HTTP layer can pass them through unchanged.
const (
	CodeValidation      = "ValidationError"
	CodeNotFound        = "NotFound"
	CodeUnauthorized    = "Unauthorized"
	CodeInternal        = "InternalError"
	CodeProvider        = "ProviderError"
	CodeNotEmpty        = "ShareNotEmpty"
	CodeObjectExists    = "SharePutObjectExists"
	CodeParentMissing   = "ShareParentIDDoesNotExist"
	CodeLoop            = "ShareLoopDetected"
	CodeUpdatedAt       = "ShareUpdatedAtMismatch"
	CodeBadTransfer     = "ShareBadTransferMethod"
	CodeMissingPayload  = "ShareMissingPayload"
	CodeTooLarge        = "ShareTooLarge"
	CodeTypeMismatch    = "ShareTypeMismatch"
	CodePathNonFolder   = "SharePathContainsNonFolder"
	CodeUnsupportedHash = "ShareUnsupportedHashes"
	CodeTransferFailed  = "ShareTransferFailed"
	// CodeUnavailable is Pangea's status for a service that cannot answer now; its SDKs retry it.
	CodeUnavailable = "ServiceNotAvailable"
	// CodeStorageFull has no Pangea equivalent: the server's disk is full (HTTP 507).
	CodeStorageFull  = "InsufficientStorage"
	CodeVaultMissing = "ShareVaultNotConfigured"
	// CodeForbidden has no Pangea equivalent: a token that is not an admin token asked for something
	// only admin tokens may do (HTTP 403; sharedesk extension endpoints only).
	CodeForbidden = "Forbidden"
)

// Sentinel errors the stores return.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
	ErrConflict = errors.New("changed since read")
)

// FieldError is one problem with one part of a request. Source is a JSON pointer into the request.
type FieldError struct {
	Code   string
	Detail string
	Source string
}

// Error is an error a client caused (or could act on). Anything else reaching the HTTP layer is a 500.
type Error struct {
	Code string
	// Message is the API's summary (Pangea's wording, read by its SDKs, and stored with a failed
	// upload) and what logs show; it never reaches a recipient's page, which words Reason instead.
	Message string
	Fields  []FieldError
	// Reason says why a recipient was refused, with the facts below; the portal words it.
	Reason Reason
	Count  int       // ReasonUsedUp: the link's opening limit; ReasonWrongCode: tries left
	At     time.Time // ReasonExpired: when the link expired
	// Name is the object name a refusal is about (ReasonNameTaken, ReasonNoFreeName, ReasonSharedItem,
	// ReasonBadFileName, ReasonBadNewName). Left out of the JSON when empty, so the refusals stored
	// with failed uploads keep their shape.
	Name  string `json:",omitempty"`
	cause error  // for the log only
}

// Reason is why a recipient was refused.
type Reason string

// The reasons a recipient can be refused.
const (
	ReasonNoSuchLink    Reason = "no such link"
	ReasonUsedUp        Reason = "link used up"
	ReasonExpired       Reason = "link expired"
	ReasonRevoked       Reason = "link revoked"
	ReasonSessionEnded  Reason = "session ended"
	ReasonChooseAuth    Reason = "no such way to prove identity"
	ReasonTooManyCodes  Reason = "code quota reached"
	ReasonCodeNotSent   Reason = "code not delivered"
	ReasonTooManyTries  Reason = "attempt limit reached"
	ReasonBusy          Reason = "attempts still being checked"
	ReasonNoCode        Reason = "no code issued"
	ReasonCodeUsed      Reason = "code used"
	ReasonCodeExpired   Reason = "code expired"
	ReasonCodeDead      Reason = "code unusable"
	ReasonCodeTriesUsed Reason = "code tries used up"
	ReasonCodeBlocked   Reason = "code blocked"
	ReasonWrongCode     Reason = "wrong code"
	ReasonWrongPassword Reason = "wrong password"
	ReasonUploadOnly    Reason = "upload-only link"
	ReasonDownloadOnly  Reason = "download-only link"
	ReasonNoEditing     Reason = "link does not allow editing"
	ReasonNotInShare    Reason = "not part of the share"
	ReasonSharedItem    Reason = "shared item cannot be edited"
	ReasonBadFileName   Reason = "file name not allowed"
	ReasonBadNewName    Reason = "new name not allowed"
	ReasonNoFreeName    Reason = "no free name"
	// The reasons below are also API errors, so their Message is the API's summary.
	ReasonNameTaken      Reason = "name taken"
	ReasonParentMissing  Reason = "parent folder missing"
	ReasonChanged        Reason = "changed meanwhile"
	ReasonGone           Reason = "gone meanwhile" // deleted between being checked and being changed
	ReasonTransferFailed Reason = "upload did not complete"
	ReasonUnavailable    Reason = "database unavailable"
	ReasonStorageFull    Reason = "storage full"
)

// Refuse returns the Error for a refused recipient; Message repeats the reason for logs. The portal
// uses it too, for what its own routes refuse.
func Refuse(code string, r Reason) *Error { return &Error{Code: code, Message: string(r), Reason: r} }

// refuseName is Refuse for a reason about an object's name.
func refuseName(code string, r Reason, name string) *Error {
	e := Refuse(code, r)
	e.Name = name
	return e
}

// nameTaken is the refusal of a name another object in the folder already has.
func nameTaken(name string) *Error {
	msg := fmt.Sprintf("An object named %q already exists in this folder.", name)
	return &Error{Code: CodeObjectExists, Message: msg, Reason: ReasonNameTaken, Name: name}
}

// storageFull is the refusal of a write the disk has no room for; cause goes to the log.
func storageFull(cause error) *Error {
	return &Error{Code: CodeStorageFull, Message: msgStorageFull, Reason: ReasonStorageFull, cause: cause}
}

// Unwrap gives the underlying failure, if any, to errors.Is and the log.
func (e *Error) Unwrap() error { return e.cause }

// Cause is the underlying failure, for the log; nil for errors a client caused.
func (e *Error) Cause() error { return e.cause }

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s (%s at %s)", e.Code, e.Message, e.Fields[0].Detail, e.Fields[0].Source)
	}
	return e.Code + ": " + e.Message
}

// Invalid returns a ValidationError about one field.
func Invalid(code, source, detail string) *Error {
	return &Error{
		Code:    CodeValidation,
		Message: "There was an error validating the payload",
		Fields:  []FieldError{{Code: code, Detail: detail, Source: source}},
	}
}

// Errf returns an Error with the given code and message.
func Errf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Validation collects field errors so a request can report all of its problems at once.
type Validation struct{ Fields []FieldError }

// Add records one problem.
func (v *Validation) Add(code, source, detail string) {
	v.Fields = append(v.Fields, FieldError{Code: code, Detail: detail, Source: source})
}

// Err returns the collected problems as one ValidationError, or nil.
func (v *Validation) Err() error {
	if len(v.Fields) == 0 {
		return nil
	}
	return &Error{Code: CodeValidation, Message: "There was an error validating the payload", Fields: v.Fields}
}

// The API's summaries for trouble the client did not cause. They never carry the underlying error,
// which can name server paths or database details; that goes to the log.
const (
	msgUnavailable = "The service cannot reach its database right now. Try again in a few seconds."
	msgStorageFull = "The server has no room to store this. Try again later, or ask its administrator to free space."
)

// Classify turns infrastructure failures into the Errors clients see: a full disk becomes
// InsufficientStorage, a database that is down, frozen or locked becomes ServiceNotAvailable. Other
// errors are returned unchanged (they are bugs, reported as internal errors).
func Classify(err error) error {
	var e *Error
	switch {
	case err == nil || errors.As(err, &e):
		return err
	case dbutil.IsStorageFull(err):
		return storageFull(err)
	case dbutil.IsUnavailable(err):
		return &Error{Code: CodeUnavailable, Message: msgUnavailable, Reason: ReasonUnavailable, cause: err}
	}
	return err
}
