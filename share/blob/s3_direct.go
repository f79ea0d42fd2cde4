package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"time"

	"github.com/minio/minio-go/v7"
)

// PresignGet returns a URL that downloads the blob key, with the given headers on the answer.
func (s *S3) PresignGet(
	ctx context.Context,
	key string,
	ttl time.Duration,
	disposition, contentType string,
) (string, error) {
	name, err := s.blobName(key)
	if err != nil {
		return "", err
	}
	q := url.Values{}
	q.Set("response-content-disposition", disposition)
	q.Set("response-content-type", contentType)
	q.Set("response-cache-control", "no-store")
	u, err := s.c.PresignedGetObject(ctx, s.bucket, name, ttl, q)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// PresignPut returns a URL that takes one PUT of the incoming upload key.
func (s *S3) PresignPut(ctx context.Context, key string, ttl time.Duration) (string, error) {
	name, err := s.incomingName(key)
	if err != nil {
		return "", err
	}
	u, err := s.c.PresignedPutObject(ctx, s.bucket, name, ttl)
	if err != nil {
		return "", err
	}
	return u.String(), nil
}

// PresignPost returns a URL and form fields that take one POST (multipart/form-data, the fields, then
// the file) of at most maxSize bytes to the incoming upload key.
func (s *S3) PresignPost(
	ctx context.Context,
	key string,
	ttl time.Duration,
	maxSize int64,
) (string, map[string]string, error) {
	name, err := s.incomingName(key)
	if err != nil {
		return "", nil, err
	}
	p := minio.NewPostPolicy()
	for _, err := range []error{p.SetBucket(s.bucket), p.SetKey(name), p.SetExpires(time.Now().UTC().Add(ttl)),
		p.SetContentLengthRange(0, max(maxSize, 1)), p.SetSuccessStatusAction("201")} {
		if err != nil {
			return "", nil, err
		}
	}
	u, fields, err := s.c.PresignedPostPolicy(ctx, p)
	if err != nil {
		return "", nil, err
	}
	return u.String(), fields, nil
}

// Arrived reports whether the incoming upload key exists (a PUT is atomic: it exists once complete).
func (s *S3) Arrived(ctx context.Context, key string) (bool, error) {
	in, err := s.incomingName(key)
	if err != nil {
		return false, err
	}
	_, err = s.c.StatObject(ctx, s.bucket, in, minio.StatObjectOptions{})
	if err == nil {
		return true, nil
	}
	if err = s3Err(err); errors.Is(err, ErrNotFound) {
		return false, nil
	}
	return false, err
}

// Adopt moves the incoming upload key to the blob key and returns the digests of what was stored.
// The copy is taken first and the digests computed from the copy, which clients cannot write to: a
// client that keeps sending to its upload URL cannot change the bytes after they were checked.
func (s *S3) Adopt(ctx context.Context, key string, opt WriteOptions) (Sums, error) {
	in, err := s.incomingName(key)
	if err != nil {
		return Sums{}, err
	}
	name, _ := s.blobName(key)
	info, err := s.c.StatObject(ctx, s.bucket, in, minio.StatObjectOptions{})
	if err != nil {
		return Sums{}, s3Err(err)
	}
	if opt.Limit > 0 && info.Size > opt.Limit {
		_ = s.c.RemoveObject(ctx, s.bucket, in, minio.RemoveObjectOptions{})
		return Sums{}, ErrTooLarge
	}
	src := minio.CopySrcOptions{Bucket: s.bucket, Object: in, MatchETag: info.ETag}
	dst := minio.CopyDestOptions{
		Bucket:          s.bucket,
		Object:          name,
		ReplaceMetadata: true,
		ContentType:     "application/octet-stream",
	}
	if _, err := s.c.ComposeObject(ctx, dst, src); err != nil {
		return Sums{}, fmt.Errorf("s3: adopt %s: %w", key, err)
	}
	if err := s.c.RemoveObject(ctx, s.bucket, in, minio.RemoveObjectOptions{}); err != nil {
		return Sums{}, err
	}
	r, err := s.Open(ctx, key)
	if err != nil {
		return Sums{}, err
	}
	defer r.Close()
	sums, err := copyHashed(io.Discard, r, opt)
	if err != nil {
		_ = s.Remove(ctx, key)
		return Sums{}, err
	}
	return sums, nil
}
