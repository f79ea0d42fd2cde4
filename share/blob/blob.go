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
	"syscall"
	"time"
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

// ErrNoSpace is returned when the disk has less free space than a write needs to leave behind.
var ErrNoSpace = fmt.Errorf("blob: not enough free space: %w", syscall.ENOSPC)

// Free returns the bytes an unprivileged writer may still use on the store's file system.
func (s *Store) Free() (int64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(s.dir, &st); err != nil {
		return 0, err
	}
	return int64(st.Bavail) * int64(st.Bsize), nil //nolint:gosec // block counts fit in int64
}

// reserveName is a file of zeros kept beside the blobs. When the disk fills up anyway (another
// process, a database on the same disk), removing it gives deletes the room they need.
const reserveName = ".reserve"

// Reserve makes sure the reserve file of size bytes exists; it is skipped while the disk is too full.
func (s *Store) Reserve(size int64) error {
	p := filepath.Join(s.dir, reserveName)
	if fi, err := os.Stat(p); err == nil && fi.Size() >= size {
		return nil
	}
	if free, err := s.Free(); err != nil || free < 2*size {
		return err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
	if err != nil {
		return err
	}
	// Written, not just truncated: a sparse file would hold no space.
	_, err = io.CopyN(f, zeros{}, size)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(p)
	}
	return err
}

// ReleaseReserve deletes the reserve file, reporting whether there was one.
func (s *Store) ReleaseReserve() bool {
	return os.Remove(filepath.Join(s.dir, reserveName)) == nil
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// Entry is one file found by Scan.
type Entry struct {
	Key     string // the blob key; for temp files the file name
	Temp    bool   // an upload that never completed (or is still running)
	Size    int64
	ModTime time.Time
	path    string
}

// Scan calls fn for every blob and every temp file in the store. Stopping early: return an error.
func (s *Store) Scan(fn func(Entry) error) error {
	shards, err := os.ReadDir(s.dir)
	if err != nil {
		return err
	}
	for _, sh := range shards {
		if !sh.IsDir() {
			continue
		}
		files, err := os.ReadDir(filepath.Join(s.dir, sh.Name()))
		if err != nil {
			return err
		}
		for _, f := range files {
			info, err := f.Info()
			if err != nil || !info.Mode().IsRegular() {
				continue // removed meanwhile, or not ours
			}
			e := Entry{Key: f.Name(), Temp: strings.HasPrefix(f.Name(), ".upload-"), Size: info.Size(), ModTime: info.ModTime(),
				path: filepath.Join(s.dir, sh.Name(), f.Name())}
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// RemoveEntry deletes a file found by Scan.
func (s *Store) RemoveEntry(e Entry) error {
	if err := os.Remove(e.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
