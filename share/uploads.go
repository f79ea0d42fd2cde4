package share

import (
	"context"
	"errors"
	"io"
	"strings"
	"time"
)

// uploadStore keeps uploads announced by a signed URL until their bytes arrive.
type uploadStore interface {
	InsertPendingUpload(ctx context.Context, p PendingUpload) error
	PendingUpload(ctx context.Context, id string) (PendingUpload, error)
	// ClaimPendingUpload moves an unexpired pending upload to uploading; false when it was not pending.
	ClaimPendingUpload(ctx context.Context, id string, now int64) (bool, error)
	FinishPendingUpload(ctx context.Context, id, state string, refusal *Error) error
}

// States of a pending upload.
const (
	UploadPending   = "pending"   // the URL was handed out; nothing arrived yet
	UploadUploading = "uploading" // the URL was used once; the bytes are arriving
	UploadDone      = "done"      // the object exists
	UploadFailed    = "failed"    // the bytes were refused (Err says why); the URL is spent
)

// PendingUpload is an upload URL handed out by put with transfer_method put-url or post-url. Its ID is
// the id of the put request, which the client polls at /request/{id}; ObjectID is the object the
// upload creates, which exists only once the bytes have arrived and passed every check.
type PendingUpload struct {
	ID             string
	BucketID       string
	ObjectID       string
	TransferMethod string
	Input          PutInput // resolved: ParentID is set, Folder is empty
	CreatedAt      time.Time
	ExpiresAt      time.Time
	State          string
	Err            *Error
}

// RequestUpload checks a put that will arrive later through an upload URL, and records it under id
// (the request id). Everything that can be refused before the bytes arrive is refused here.
func (s *Service) RequestUpload(
	ctx context.Context,
	id, method string,
	in PutInput,
	ttl time.Duration,
) (PendingUpload, error) {
	bucketID, parent, err := s.checkPut(ctx, &in)
	if err != nil {
		return PendingUpload{}, err
	}
	in.BucketID, in.ParentID, in.Folder = bucketID, parent, ""
	now := s.now()
	p := PendingUpload{ID: id, BucketID: bucketID, ObjectID: NewID("pos_"), TransferMethod: method, Input: in,
		CreatedAt: now, ExpiresAt: now.Add(ttl), State: UploadPending}
	if err := s.store.InsertPendingUpload(ctx, p); err != nil {
		return PendingUpload{}, err
	}
	return p, nil
}

// UploadToken is the credential in an upload URL: the request id and its MAC. Expiry and single use
// are kept in the database row, so the token needs nothing else.
func (s *Service) UploadToken(id string) string { return id + "." + s.keys.mac(s.keys.upload, id) }

var errBadUploadURL = Errf(
	CodeNotFound,
	"This upload URL is invalid, expired or already used; request a new one with put.",
)

// CompleteUpload receives the bytes for the upload URL token, once: the first request claims the
// upload, and whatever happens to it (stored, or refused) is recorded for /request/{id}.
func (s *Service) CompleteUpload(ctx context.Context, token, method string, body io.Reader) (Object, error) {
	id, sig, ok := strings.Cut(token, ".")
	if !ok || !s.keys.validMAC(s.keys.upload, id, sig) {
		return Object{}, errBadUploadURL
	}
	p, err := s.store.PendingUpload(ctx, id)
	if isNotFound(err) {
		return Object{}, errBadUploadURL
	}
	if err != nil {
		return Object{}, err
	}
	if s.directUpload(p) {
		return Object{}, Errf(CodeBadTransfer,
			"This upload goes straight to the object store: send the file to the URL the put request returned.")
	}
	if p.TransferMethod != method {
		return Object{}, Errf(CodeBadTransfer, "This URL takes the upload of transfer method %s.", p.TransferMethod)
	}
	won, err := s.store.ClaimPendingUpload(ctx, id, Micros(s.now()))
	if err != nil {
		return Object{}, err
	}
	if !won {
		return Object{}, errBadUploadURL
	}
	o, err := s.finishUpload(ctx, p, body)
	state, refusal := UploadDone, (*Error)(nil)
	if err != nil {
		state = UploadFailed
		if !errors.As(err, &refusal) {
			refusal = Errf(
				CodeTransferFailed,
				"The upload could not be stored; request a new upload URL and try again.",
			)
		}
	}
	// Recorded without the request's context: a client that hangs up must not leave the upload "uploading".
	if ferr := s.store.FinishPendingUpload(context.WithoutCancel(ctx), id, state, refusal); ferr != nil && err == nil {
		err = ferr
	}
	return o, err
}

func (s *Service) finishUpload(ctx context.Context, p PendingUpload, body io.Reader) (Object, error) {
	in := p.Input
	parent := in.ParentID
	if parent != "" {
		// The folder may have gone since the URL was handed out.
		var err error
		if parent, err = s.parentFolder(ctx, p.BucketID, parent, ""); err != nil {
			return Object{}, err
		}
	}
	return s.storeFile(ctx, p.BucketID, parent, p.ObjectID, in, body)
}

// UploadStatus is what /request/{id} reports: the pending upload, and its object once stored.
func (s *Service) UploadStatus(ctx context.Context, id string) (PendingUpload, Object, error) {
	p, err := s.store.PendingUpload(ctx, id)
	if isNotFound(err) {
		return p, Object{}, Errf(
			CodeNotFound,
			"There is no pending request %s: only uploads through upload URLs answer here, for as long as their URL "+
				"lives.",
			id,
		)
	}
	if err != nil {
		return p, Object{}, err
	}
	if s.directUpload(p) && p.State == UploadPending && s.now().Before(p.ExpiresAt) {
		if p, err = s.adoptDirectUpload(ctx, p); err != nil {
			return p, Object{}, err
		}
	}
	switch p.State {
	case UploadDone:
		o, err := s.GetObject(ctx, p.BucketID, p.ObjectID)
		return p, o, err
	case UploadFailed:
		if p.Err == nil {
			return p, Object{}, Errf(
				CodeTransferFailed,
				"The upload through this URL failed; request a new upload URL.",
			)
		}
		return p, Object{}, p.Err
	}
	if !s.now().Before(p.ExpiresAt) {
		if p.State == UploadUploading {
			return p, Object{}, Errf(
				CodeTransferFailed,
				"The upload through this URL did not complete; request a new upload URL.",
			)
		}
		return p, Object{}, Errf(
			CodeNotFound,
			"The upload URL of request %s expired before a file arrived; request a new one.",
			id,
		)
	}
	return p, Object{}, nil
}
