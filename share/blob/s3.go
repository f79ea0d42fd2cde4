package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config names a bucket on an S3-compatible object store.
type S3Config struct {
	Bucket    string
	Endpoint  string // URL or host[:port]; empty is AWS (s3.REGION.amazonaws.com); an http:// URL turns TLS off
	Region    string
	PathStyle bool   // bucket in the path (most self-hosted stores) instead of the host name
	Prefix    string // key prefix inside the bucket, so one bucket can hold several deployments
	// Creds are the credentials; nil is the standard AWS chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY,
	// the shared credentials file and its profiles (AWS_PROFILE), then instance, task or web-identity
	// roles.
	Creds *credentials.Credentials
	// PartSize is the size of one multipart part; the memory of an upload is one part. Default 16 MiB.
	PartSize uint64
	// Transport is the HTTP transport to the store (nil: the default).
	Transport http.RoundTripper
}

// S3 keeps blobs in an S3 bucket: PREFIX/b/KEY for blobs, PREFIX/in/KEY for bytes clients sent
// straight to the bucket that the server has not checked yet. An upload streams as a multipart
// upload, so memory stays one part whatever the size; the object exists only once the store has
// acknowledged the complete upload, which is when the write returns.
type S3 struct {
	c      *minio.Client
	core   minio.Core
	bucket string
	prefix string
	part   uint64
}

var (
	_ Store     = (*S3)(nil)
	_ Presigner = (*S3)(nil)
	_ Pinger    = (*S3)(nil)
)

// Ping checks that the bucket answers (and the credentials work).
func (s *S3) Ping(ctx context.Context) error {
	ok, err := s.c.BucketExists(ctx, s.bucket)
	if err == nil && !ok {
		err = fmt.Errorf("s3: bucket %s does not exist", s.bucket)
	}
	return err
}

// OpenS3 connects to the bucket and checks that it exists and the credentials work.
func OpenS3(ctx context.Context, cfg S3Config) (*S3, error) {
	if cfg.Bucket == "" {
		return nil, errors.New("s3: no bucket")
	}
	secure, host := true, "s3.amazonaws.com"
	if cfg.Region != "" {
		host = "s3." + cfg.Region + ".amazonaws.com"
	}
	if e := cfg.Endpoint; e != "" {
		host = e
		if strings.Contains(e, "://") {
			u, err := url.Parse(e)
			if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
				return nil, fmt.Errorf("s3: endpoint %q is not an http(s) URL or host:port", e)
			}
			host, secure = u.Host, u.Scheme == "https"
		}
	}
	creds := cfg.Creds
	if creds == nil {
		creds = credentials.NewChainCredentials([]credentials.Provider{
			&credentials.EnvAWS{}, &credentials.FileAWSCredentials{}, &credentials.IAM{},
		})
	}
	lookup := minio.BucketLookupAuto
	if cfg.PathStyle {
		lookup = minio.BucketLookupPath
	}
	c, err := minio.New(
		host,
		&minio.Options{
			Creds:        creds,
			Secure:       secure,
			Region:       cfg.Region,
			BucketLookup: lookup,
			Transport:    cfg.Transport,
		},
	)
	if err != nil {
		return nil, fmt.Errorf("s3: %w", err)
	}
	ok, err := c.BucketExists(ctx, cfg.Bucket)
	if err != nil {
		return nil, fmt.Errorf("s3: bucket %s: %w", cfg.Bucket, err)
	}
	if !ok {
		return nil, fmt.Errorf("s3: bucket %s does not exist", cfg.Bucket)
	}
	part := cfg.PartSize
	if part == 0 {
		part = 16 << 20
	}
	prefix := strings.Trim(cfg.Prefix, "/")
	if prefix != "" {
		prefix += "/"
	}
	return &S3{c: c, core: minio.Core{Client: c}, bucket: cfg.Bucket, prefix: prefix, part: part}, nil
}

func (s *S3) blobName(key string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	return s.prefix + "b/" + key, nil
}

func (s *S3) incomingName(key string) (string, error) {
	if err := checkKey(key); err != nil {
		return "", err
	}
	return s.prefix + "in/" + key, nil
}

func checkKey(key string) error {
	if key == "" || strings.ContainsAny(key, `/\.`) {
		return fmt.Errorf("blob: bad key %q", key)
	}
	return nil
}

// partSize grows the part for large limits so that the largest upload fits the 10,000 parts S3 allows.
func (s *S3) partSize(limit int64) uint64 {
	p := s.part
	if limit > 0 {
		if need := uint64(limit/9000) + 1; need > p { //nolint:gosec // limit > 0
			p = (need + 1<<20 - 1) &^ (1<<20 - 1)
		}
	}
	return p
}

// Write streams r into the blob key (see Store).
func (s *S3) Write(ctx context.Context, key string, r io.Reader, opt WriteOptions) (Sums, error) {
	name, err := s.blobName(key)
	if err != nil {
		return Sums{}, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		// The payload is not signed part by part (TLS protects it on the way, and every part carries
		// the store's own checksum): hashing it once more would cost a whole extra pass.
		_, err := s.c.PutObject(ctx, s.bucket, name, pr, -1, minio.PutObjectOptions{
			PartSize: s.partSize(opt.Limit), ContentType: "application/octet-stream", DisableContentSha256: true})
		pr.CloseWithError(err)
		done <- err
	}()
	sums, err := copyHashed(pw, r, opt)
	if err != nil {
		// A read that fails (or a body over the limit) must never complete the upload: the client
		// sees an error from the pipe, gives up and aborts its multipart upload.
		// Cancelled at once, so the client cannot complete the upload with what it read so far; its own
		// abort then runs on a dead context, so what the store has begun is aborted here.
		pw.CloseWithError(err)
		cancel()
		<-done //nolint:errcheck // the upload's own error is only the abort this causes
		s.abortIncomplete(context.WithoutCancel(ctx), name)
		return Sums{}, err
	}
	pw.Close()
	if err := <-done; err != nil {
		return Sums{}, fmt.Errorf("s3: put %s: %w", key, err)
	}
	return sums, nil
}

// abortIncomplete aborts what is left of multipart uploads of name, should the client's own abort not
// have gone through (the sweeper would remove it later; this keeps a refused write from leaving anything).
func (s *S3) abortIncomplete(ctx context.Context, name string) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	for u := range s.c.ListIncompleteUploads(ctx, s.bucket, name, false) {
		if u.Err == nil && u.Key == name {
			_ = s.core.AbortMultipartUpload(ctx, s.bucket, name, u.UploadID)
		}
	}
}

// Open opens the blob key for reading; the reader fetches lazily, and Seek starts a ranged GET.
func (s *S3) Open(ctx context.Context, key string) (io.ReadSeekCloser, error) {
	name, err := s.blobName(key)
	if err != nil {
		return nil, err
	}
	o, err := s.c.GetObject(ctx, s.bucket, name, minio.GetObjectOptions{})
	if err != nil {
		return nil, s3Err(err)
	}
	if _, err := o.Stat(); err != nil {
		o.Close()
		return nil, s3Err(err)
	}
	return o, nil
}

func s3Err(err error) error {
	switch minio.ToErrorResponse(err).Code {
	case minio.NoSuchKey, "NotFound":
		return fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return err
}

// Remove deletes the blob key.
func (s *S3) Remove(ctx context.Context, key string) error {
	name, err := s.blobName(key)
	if err != nil {
		return err
	}
	return s.c.RemoveObject(ctx, s.bucket, name, minio.RemoveObjectOptions{})
}
