package share

import (
	"context"
	"errors"
	"time"

	"github.com/sharedesk/sharedesk/share/blob"
)

// Transfer paths: with an object store, a deployment chooses per direction whether bytes move through
// the server (proxied, the default: recipients need to reach only the server) or straight between
// the client and the bucket with short-lived presigned URLs (direct: the server moves no bytes).
const (
	TransferProxied = "proxied"
	TransferDirect  = "direct"
)

func (s *Service) presigner() (blob.Presigner, bool) {
	p, ok := s.blobs.(blob.Presigner)
	return p, ok
}

// DirectDownloads reports whether file downloads go straight to the object store.
func (s *Service) DirectDownloads() bool {
	_, ok := s.presigner()
	return ok && s.cfg.Downloads == TransferDirect
}

// DirectUploads reports whether put-url and post-url uploads go straight to the object store.
func (s *Service) DirectUploads() bool {
	_, ok := s.presigner()
	return ok && s.cfg.Uploads == TransferDirect
}

// PresignDownload returns a short-lived URL that downloads the file o straight from the object store
// with this Content-Disposition; "" when downloads are proxied.
func (s *Service) PresignDownload(ctx context.Context, o Object, disposition string, ttl time.Duration) (
	string, error,
) {
	p, ok := s.presigner()
	if !ok || !s.DirectDownloads() {
		return "", nil
	}
	if o.Type != TypeFile {
		return "", Errf(CodeTypeMismatch, "%s is a folder; ask for an archive instead", o.ID)
	}
	return p.PresignGet(ctx, o.ID, ttl, disposition, o.MimeType)
}

// DirectUploadURL returns the presigned URL a put-url or post-url upload sends its bytes to, with the
// form fields of a post-url; "" when the upload goes through the server's own upload URL.
func (s *Service) DirectUploadURL(ctx context.Context, u PendingUpload) (string, map[string]string, error) {
	p, ok := s.presigner()
	if !ok || !s.directUpload(u) {
		return "", nil, nil
	}
	ttl := time.Until(u.ExpiresAt)
	if u.TransferMethod == TransferPostURL {
		return p.PresignPost(ctx, u.ObjectID, ttl, s.cfg.MaxUploadSize)
	}
	url, err := p.PresignPut(ctx, u.ObjectID, ttl)
	return url, nil, err
}

// The transfer methods whose bytes a direct upload sends straight to the bucket.
const (
	TransferPutURL  = "put-url"
	TransferPostURL = "post-url"
)

// directUpload reports whether the pending upload's bytes go straight to the bucket.
func (s *Service) directUpload(u PendingUpload) bool {
	return s.DirectUploads() && (u.TransferMethod == TransferPutURL || u.TransferMethod == TransferPostURL)
}

// adoptDirectUpload finishes a direct upload once its bytes are in the bucket: the first caller
// claims it (several instances may be polled at once), the store moves the bytes out of the
// client's reach and digests them, and the row is committed only when every check passes.
func (s *Service) adoptDirectUpload(ctx context.Context, u PendingUpload) (PendingUpload, error) {
	p, _ := s.presigner()
	arrived, err := p.Arrived(ctx, u.ObjectID)
	if err != nil || !arrived {
		return u, err
	}
	won, err := s.store.ClaimPendingUpload(ctx, u.ID, Micros(s.now()))
	if err != nil || !won {
		return u, err
	}
	u.State = UploadUploading
	in := u.Input
	opt := blob.WriteOptions{Limit: s.cfg.MaxUploadSize, SHA1: in.SHA1 != "", CRC32C: in.CRC32C != ""}
	sums, err := p.Adopt(ctx, u.ObjectID, opt)
	if err == nil {
		parent := in.ParentID
		if parent != "" {
			parent, err = s.parentFolder(ctx, u.BucketID, parent, "")
		}
		if err == nil {
			_, err = s.commitFile(ctx, u.BucketID, parent, u.ObjectID, in, sums)
		} else {
			_ = s.blobs.Remove(context.WithoutCancel(ctx), u.ObjectID)
		}
	}
	if errors.Is(err, blob.ErrTooLarge) {
		err = Errf(CodeTooLarge, "The uploaded object exceeds the maximum configured size of %d bytes.",
			s.cfg.MaxUploadSize)
	}
	state, refusal := UploadDone, (*Error)(nil)
	if err != nil {
		state = UploadFailed
		if !errors.As(err, &refusal) {
			s.cfg.Logger.WarnContext(ctx, "direct upload could not be adopted", "object", u.ObjectID, "err", err)
			refusal = Errf(CodeTransferFailed,
				"The upload could not be stored; request a new upload URL and try again.")
		}
	}
	if ferr := s.store.FinishPendingUpload(context.WithoutCancel(ctx), u.ID, state, refusal); ferr != nil {
		return u, ferr
	}
	u.State, u.Err = state, refusal
	return u, nil
}
