package share

import (
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"path"
	"strconv"
	"strings"

	"github.com/sharedesk/sharedesk/dbutil"
	"github.com/sharedesk/sharedesk/share/blob"
)

// PutInput describes an uploaded file. Size and digests, when given, are checked against the bytes.
type PutInput struct {
	BucketID string
	Name     string
	ParentID string
	Folder   string
	MimeType string
	Size     *int64
	SHA256   string
	SHA512   string
	MD5      string
	SHA1     string
	CRC32C   string // hexadecimal, as Pangea's SDKs send it
	FileTTL  string
	Metadata map[string]string
	Tags     []string
}

// PutObject stores a new file from body, streaming.
func (s *Service) PutObject(ctx context.Context, in PutInput, body io.Reader) (Object, error) {
	bucketID, parent, err := s.checkPut(ctx, &in)
	if err != nil {
		return Object{}, err
	}
	return s.storeFile(ctx, bucketID, parent, NewID("pos_"), in, body)
}

// checkPut validates everything about a put that can be checked before the bytes arrive, and resolves
// the bucket and the parent folder.
func (s *Service) checkPut(ctx context.Context, in *PutInput) (bucketID, parent string, err error) {
	bucketID, err = s.bucket(ctx, in.BucketID)
	if err != nil {
		return "", "", err
	}
	var v Validation
	if msg := ValidName(in.Name); msg != "" {
		v.Add("BadFormat", "/name", msg)
	}
	if _, err := ParseFileTTL(in.FileTTL, "/file_ttl"); err != nil {
		return "", "", err
	}
	digests := []struct{ val, src string }{
		{in.SHA1, "/sha1"}, {in.SHA256, "/sha256"}, {in.SHA512, "/sha512"}, {in.MD5, "/md5"}, {in.CRC32C, "/crc32c"},
	}
	for _, d := range digests {
		if d.val != "" && !isHex(d.val) {
			v.Add("BadFormat", d.src, "must be hexadecimal")
		}
	}
	if in.SHA1 != "" && len(in.SHA1) != 40 {
		v.Add("BadFormat", "/sha1", "must be 40 hexadecimal characters")
	}
	if in.CRC32C != "" && len(in.CRC32C) > 8 {
		v.Add("BadFormat", "/crc32c", "must be at most 8 hexadecimal characters")
	}
	if err := v.Err(); err != nil {
		return "", "", err
	}
	parent, err = s.parentFolder(ctx, bucketID, in.ParentID, in.Folder)
	if err != nil {
		return "", "", err
	}
	// Refuse a taken name before reading a possibly large body; the unique index still decides races.
	if _, err := s.store.ObjectByName(ctx, bucketID, parent, in.Name); err == nil {
		return "", "", nameTaken(in.Name)
	} else if !isNotFound(err) {
		return "", "", err
	}
	return bucketID, parent, nil
}

func isHex(s string) bool {
	for _, r := range s {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

// storeFile streams body into the blob id, checks it against the sizes and digests the client gave,
// and only then inserts the object row: a refused upload leaves nothing behind.
func (s *Service) storeFile(
	ctx context.Context,
	bucketID, parent, id string,
	in PutInput,
	body io.Reader,
) (Object, error) {
	if err := s.roomToWrite(); err != nil {
		return Object{}, err
	}
	// SHA-1 and CRC32C are computed only when the client asks for them to be checked.
	opt := blob.WriteOptions{Limit: s.cfg.MaxUploadSize, SHA1: in.SHA1 != "", CRC32C: in.CRC32C != ""}
	sums, err := s.blobs.Write(ctx, id, body, opt)
	if err != nil {
		if errors.Is(err, blob.ErrTooLarge) {
			return Object{}, Errf(
				CodeTooLarge,
				"The uploaded object exceeds the maximum configured size of %d bytes.",
				s.cfg.MaxUploadSize,
			)
		}
		if dbutil.IsStorageFull(err) {
			return Object{}, storageFull(err)
		}
		s.cfg.Logger.WarnContext(ctx, "upload did not complete", "object", id, "err", err)
		return Object{}, &Error{
			Code:    CodeTransferFailed,
			Message: "The upload did not complete; try again.",
			Reason:  ReasonTransferFailed,
			cause:   err,
		}
	}
	return s.commitFile(ctx, bucketID, parent, id, in, sums)
}

// commitFile checks stored bytes against the sizes and digests the client gave and inserts the object
// row; on any refusal the bytes are removed.
func (s *Service) commitFile(ctx context.Context, bucketID, parent, id string, in PutInput, sums blob.Sums) (
	Object, error,
) {
	var v Validation
	if in.Size != nil && *in.Size != sums.Size {
		v.Add("BadState", "/size", fmt.Sprintf("size says %d bytes but %d arrived", *in.Size, sums.Size))
	}
	checks := []struct{ given, got, src string }{
		{in.SHA256, sums.SHA256, "/sha256"},
		{in.SHA512, sums.SHA512, "/sha512"},
		{in.MD5, sums.MD5, "/md5"},
	}
	if in.SHA1 != "" {
		checks = append(checks, struct{ given, got, src string }{in.SHA1, sums.SHA1, "/sha1"})
	}
	if in.CRC32C != "" {
		// Compared as numbers: SDKs pad to 8 digits, other clients may not.
		given, _ := strconv.ParseUint(in.CRC32C, 16, 32)
		if uint32(given) != sums.CRC32C {
			v.Add("BadState", "/crc32c", "does not match the uploaded bytes")
		}
	}
	for _, c := range checks {
		if c.given != "" && !strings.EqualFold(c.given, c.got) {
			v.Add("BadState", c.src, "does not match the uploaded bytes")
		}
	}
	// Removed without the request's context: a client that hung up must not leave the bytes behind.
	bg := context.WithoutCancel(ctx)
	if err := v.Err(); err != nil {
		_ = s.blobs.Remove(bg, id)
		return Object{}, err
	}
	mt := in.MimeType
	if mt == "" {
		mt = mime.TypeByExtension(path.Ext(in.Name))
	}
	if mt == "" {
		mt = "application/octet-stream"
	}
	now := s.now()
	o := Object{ID: id, BucketID: bucketID, ParentID: parent, Name: in.Name, Type: TypeFile, Size: sums.Size,
		MimeType: mt, SHA256: sums.SHA256, SHA512: sums.SHA512, MD5: sums.MD5, Metadata: in.Metadata,
		Tags: dedupe(in.Tags), CreatedAt: now, UpdatedAt: now, FileTTL: in.FileTTL}
	if err := s.applyFileTTL(ctx, &o, now); err != nil {
		_ = s.blobs.Remove(bg, id)
		return Object{}, err
	}
	if err := s.store.InsertObject(ctx, o); err != nil {
		_ = s.blobs.Remove(bg, id)
		if errors.Is(err, ErrExists) {
			return Object{}, nameTaken(in.Name)
		}
		return Object{}, err
	}
	if s.cfg.OnBytes != nil {
		s.cfg.OnBytes(true, o.Size)
	}
	return s.withFolder(ctx, o)
}
