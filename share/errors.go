package share

import (
	"errors"
	"fmt"
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
	CodeVaultMissing    = "ShareVaultNotConfigured"
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
	Code    string
	Message string
	Fields  []FieldError
}

func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%s: %s (%s at %s)", e.Code, e.Message, e.Fields[0].Detail, e.Fields[0].Source)
	}
	return e.Code + ": " + e.Message
}

// Invalid returns a ValidationError about one field.
func Invalid(code, source, detail string) *Error {
	return &Error{Code: CodeValidation, Message: "There was an error validating the payload", Fields: []FieldError{{Code: code, Detail: detail, Source: source}}}
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
