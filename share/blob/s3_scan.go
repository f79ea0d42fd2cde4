package blob

import (
	"context"
	"fmt"
	"path"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
)

// Scan lists the blobs, the unchecked incoming uploads (Temp) and the unfinished multipart uploads
// (Temp) under the prefix.
func (s *S3) Scan(ctx context.Context, fn func(Entry) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops the listings when fn stops early
	for _, sub := range []string{"b/", "in/"} {
		opts := minio.ListObjectsOptions{Prefix: s.prefix + sub, Recursive: true}
		for o := range s.c.ListObjects(ctx, s.bucket, opts) {
			if o.Err != nil {
				return o.Err
			}
			e := Entry{Key: path.Base(o.Key), Temp: sub == "in/", Size: o.Size, ModTime: o.LastModified, path: o.Key}
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	for u := range s.c.ListIncompleteUploads(ctx, s.bucket, s.prefix, true) {
		if u.Err != nil {
			return u.Err
		}
		if !strings.HasPrefix(u.Key, s.prefix+"b/") && !strings.HasPrefix(u.Key, s.prefix+"in/") {
			continue // not this store's: another deployment's, when they share a bucket
		}
		e := Entry{Key: path.Base(u.Key), Temp: true, Size: u.Size, ModTime: s.lastActivity(ctx, u), path: u.Key,
			uploadID: u.UploadID}
		if err := fn(e); err != nil {
			return err
		}
	}
	return nil
}

// RemoveEntry deletes a blob or incoming upload, or aborts an unfinished multipart upload.
func (s *S3) RemoveEntry(ctx context.Context, e Entry) error {
	if !strings.HasPrefix(e.path, s.prefix) {
		return fmt.Errorf("blob: entry %q is not in this store", e.path)
	}
	if e.uploadID != "" {
		err := s.core.AbortMultipartUpload(ctx, s.bucket, e.path, e.uploadID)
		if minio.ToErrorResponse(err).Code == "NoSuchUpload" {
			return nil
		}
		return err
	}
	return s.c.RemoveObject(ctx, s.bucket, e.path, minio.RemoveObjectOptions{})
}

// lastActivity is when an unfinished multipart upload last moved: its newest part, or its start when it
// has none. Uploads may run for hours as long as they make progress, so the sweeper judges them by
// this (as it judges a local temp file by its modification time), never by when they began.
func (s *S3) lastActivity(ctx context.Context, u minio.ObjectMultipartInfo) time.Time {
	last := u.Initiated
	marker := 0
	for {
		res, err := s.core.ListObjectParts(ctx, s.bucket, u.Key, u.UploadID, marker, 1000)
		if err != nil {
			return time.Now() // unknown: treat it as active rather than abort a live upload
		}
		for _, p := range res.ObjectParts {
			if p.LastModified.After(last) {
				last = p.LastModified
			}
		}
		if !res.IsTruncated {
			return last
		}
		marker = res.NextPartNumberMarker
	}
}
