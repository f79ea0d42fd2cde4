// Package blob keeps file bytes on local disk. Writes are durable before they are visible: a temp file
// in the target directory is written, fsynced, renamed into place, and the directory fsynced; only then
// may the caller commit the database row that points at it. Reads and writes stream.
package blob

import (
	"crypto/md5" //nolint:gosec // MD5 is a wire field clients may check, not a security control
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// ErrTooLarge is returned when a write exceeds its limit; nothing is kept.
var ErrTooLarge = errors.New("blob: larger than allowed")

// Store is a directory of blobs named by key.
type Store struct{ dir string }

// Open returns the store rooted at dir, creating it.
func Open(dir string) (*Store, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return &Store{dir: dir}, nil
}

// Sums are the digests computed while writing.
type Sums struct {
	Size   int64
	SHA256 string
	SHA512 string
	MD5    string
}

func (s *Store) path(key string) (string, error) {
	if key == "" || strings.ContainsAny(key, `/\.`) {
		return "", fmt.Errorf("blob: bad key %q", key)
	}
	shard := key
	if i := strings.IndexByte(key, '_'); i >= 0 && len(key) > i+2 {
		shard = key[i+1 : i+3]
	} else if len(key) > 2 {
		shard = key[:2]
	}
	return filepath.Join(s.dir, shard, key), nil
}

// Write streams r into the blob key, at most limit bytes (limit <= 0: no limit), and makes it durable.
func (s *Store) Write(key string, r io.Reader, limit int64) (Sums, error) {
	var sums Sums
	final, err := s.path(key)
	if err != nil {
		return sums, err
	}
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return sums, err
	}
	tmp, err := os.CreateTemp(dir, ".upload-*")
	if err != nil {
		return sums, err
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	h256, h512, hmd5 := sha256.New(), sha512.New(), md5.New() //nolint:gosec
	w := io.MultiWriter(tmp, h256, h512, hmd5)
	src := r
	if limit > 0 {
		src = io.LimitReader(r, limit+1)
	}
	n, err := io.Copy(w, src)
	if err != nil {
		return sums, err
	}
	if limit > 0 && n > limit {
		return sums, ErrTooLarge
	}
	if err := tmp.Sync(); err != nil {
		return sums, err
	}
	if err := tmp.Close(); err != nil {
		return sums, err
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return sums, err
	}
	done = true
	if err := syncDir(dir); err != nil {
		return sums, err
	}
	return Sums{Size: n, SHA256: hexSum(h256), SHA512: hexSum(h512), MD5: hexSum(hmd5)}, nil
}

func hexSum(h hash.Hash) string { return hex.EncodeToString(h.Sum(nil)) }

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Path returns where the blob key lives on disk.
func (s *Store) Path(key string) (string, error) { return s.path(key) }

// Open opens the blob key for reading. The caller closes it; *os.File gives io.ReaderAt and
// io.Seeker for ranges and sendfile.
func (s *Store) Open(key string) (*os.File, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, err
	}
	return os.Open(p)
}

// Remove deletes the blob key; a missing blob is not an error (deletes are retried after crashes).
func (s *Store) Remove(key string) error {
	p, err := s.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
