package blob

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
)

// Disk is a directory of blobs named by key. Writes are durable before they are visible: a temp file
// in the target directory is written, fsynced, renamed into place, and the directory fsynced.
type Disk struct{ dir string }

var (
	_ Store  = (*Disk)(nil)
	_ Spacer = (*Disk)(nil)
)

// Open returns the store rooted at dir, creating it.
func Open(dir string) (*Disk, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return &Disk{dir: dir}, nil
}

func (s *Disk) path(key string) (string, error) {
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

// Write streams r into the blob key and makes it durable (see Store).
func (s *Disk) Write(_ context.Context, key string, r io.Reader, opt WriteOptions) (Sums, error) {
	var sums Sums
	final, err := s.path(key)
	if err != nil {
		return sums, err
	}
	dir := filepath.Dir(final)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return sums, err
	}
	tmp, direct, err := createTemp(dir)
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
	// copyHashed hands the file whole 1 MiB buffers, one write(2) each.
	if sums, err = copyHashed(newWriteback(tmp, direct), r, opt); err != nil {
		return Sums{}, err
	}
	if err := tmp.Sync(); err != nil {
		return Sums{}, err
	}
	if err := tmp.Close(); err != nil {
		return Sums{}, err
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return Sums{}, err
	}
	done = true
	if err := syncDir(dir); err != nil {
		return Sums{}, err
	}
	return sums, nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Path returns where the blob key lives on disk.
func (s *Disk) Path(key string) (string, error) { return s.path(key) }

// Open opens the blob key for reading (see Store); it is an *os.File, so downloads use sendfile.
func (s *Disk) Open(_ context.Context, key string) (io.ReadSeekCloser, error) { return s.OpenFile(key) }

// OpenFile opens the blob key as a file. A missing blob is ErrNotFound (and fs.ErrNotExist).
func (s *Disk) OpenFile(key string) (*os.File, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%w: %w", ErrNotFound, err)
	}
	return f, err
}

// Remove deletes the blob key; a missing blob is not an error (deletes are retried after crashes).
func (s *Disk) Remove(_ context.Context, key string) error {
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
func (s *Disk) Free() (int64, error) {
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
func (s *Disk) Reserve(size int64) error {
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
func (s *Disk) ReleaseReserve() bool {
	return os.Remove(filepath.Join(s.dir, reserveName)) == nil
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// Scan calls fn for every blob and every temp file in the store. Stopping early: return an error.
func (s *Disk) Scan(ctx context.Context, fn func(Entry) error) error {
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
			e := Entry{
				Key:     f.Name(),
				Temp:    strings.HasPrefix(f.Name(), ".upload-"),
				Size:    info.Size(),
				ModTime: info.ModTime(),
				path:    filepath.Join(s.dir, sh.Name(), f.Name()),
			}
			if err := fn(e); err != nil {
				return err
			}
			if err := ctx.Err(); err != nil {
				return err
			}
		}
	}
	return nil
}

// RemoveEntry deletes a file found by Scan.
func (s *Disk) RemoveEntry(_ context.Context, e Entry) error {
	if err := os.Remove(e.path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}
