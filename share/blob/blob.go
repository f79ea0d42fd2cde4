// Package blob keeps file bytes, on local disk (Disk) or in an S3-compatible bucket (S3). Both compute
// the digests while the bytes stream in, in parallel with the write, and a write is durable before it
// returns: only then may the caller commit the database row that points at it. Reads stream.
package blob

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrTooLarge is returned when a write exceeds its limit; nothing is kept.
var ErrTooLarge = errors.New("blob: larger than allowed")

// ErrNotFound is returned when a blob does not exist.
var ErrNotFound = errors.New("blob: not found")

// Store is where file bytes live, by key. Keys are object ids (letters, digits and '_').
type Store interface {
	// Write streams r into the blob key, at most opt.Limit bytes, computing the digests on the way,
	// and returns once the bytes are durable.
	Write(ctx context.Context, key string, r io.Reader, opt WriteOptions) (Sums, error)
	// Open opens the blob key for reading; the caller closes it. Disk returns *os.File (sendfile).
	Open(ctx context.Context, key string) (io.ReadSeekCloser, error)
	// Remove deletes the blob key; a missing blob is not an error (deletes are retried after crashes).
	Remove(ctx context.Context, key string) error
	// Scan calls fn for every blob and every unfinished upload. Stopping early: return an error.
	Scan(ctx context.Context, fn func(Entry) error) error
	// RemoveEntry deletes what Scan found (a blob, a temp file, an unfinished multipart upload).
	RemoveEntry(ctx context.Context, e Entry) error
}

// Spacer is a store on a local file system, whose free space the service watches.
type Spacer interface {
	Free() (int64, error)
	Reserve(size int64) error
	ReleaseReserve() bool
}

// Pinger is a store on another server, which readiness checks ask whether it answers.
type Pinger interface {
	Ping(ctx context.Context) error
}

// Presigner is a store that can let clients move bytes to and from it directly, with short-lived URLs.
type Presigner interface {
	// PresignGet is a URL that downloads key (Range works) with this Content-Disposition and Content-Type.
	PresignGet(ctx context.Context, key string, ttl time.Duration, disposition, contentType string) (string, error)
	// PresignPut is a URL that takes one PUT of the bytes for the incoming upload key.
	PresignPut(ctx context.Context, key string, ttl time.Duration) (string, error)
	// PresignPost is a URL and the form fields of a browser-style POST upload of at most maxSize
	// bytes to the incoming upload key (the store refuses anything larger).
	PresignPost(ctx context.Context, key string, ttl time.Duration, maxSize int64) (string, map[string]string, error)
	// Arrived reports whether a client has sent the bytes of the incoming upload key.
	Arrived(ctx context.Context, key string) (bool, error)
	// Adopt moves the incoming upload key to the blob key, then reads the stored blob back and returns
	// its digests (the client may have sent anything). ErrNotFound: nothing arrived yet.
	Adopt(ctx context.Context, key string, opt WriteOptions) (Sums, error)
}

// WriteOptions say how much a write may take and which optional digests to compute.
type WriteOptions struct {
	Limit  int64 // <= 0: no limit
	SHA1   bool  // also compute SHA-1 (clients ask for it to be checked)
	CRC32C bool  // also compute CRC32C
}

// Sums are the digests computed while writing, hexadecimal; SHA1 and CRC32C only when asked for.
type Sums struct {
	Size   int64
	SHA256 string
	SHA512 string
	MD5    string
	SHA1   string
	CRC32C uint32
}

// Entry is one blob or unfinished upload found by Scan.
type Entry struct {
	Key      string // the blob key; for temp files and unfinished uploads their own name
	Temp     bool   // an upload that never completed (or is still running)
	Size     int64
	ModTime  time.Time
	path     string // Disk: the file
	uploadID string // S3: the multipart upload to abort
}
