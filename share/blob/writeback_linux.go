package blob

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// writebackEvery is how many bytes may pile up in the page cache before the disk is asked to start
// writing them.
const writebackEvery = 8 << 20

// directAlign is the alignment O_DIRECT needs of buffers, offsets and lengths on every common disk.
const directAlign = 4096

// createTemp creates a new temp file in dir for an upload, with O_DIRECT where the file system takes
// it: the bytes then go from the upload's buffers to the disk without being copied into the page
// cache, which costs as much CPU as a digest (and an upload is CPU-bound while it hashes). The write
// runs on its own goroutine, so waiting for the disk overlaps the hashing instead of adding to it.
func createTemp(dir string) (*os.File, bool, error) {
	for range 10 {
		name := filepath.Join(dir, ".upload-"+randomSuffix())
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL|syscall.O_DIRECT, 0o600)
		if errors.Is(err, syscall.EINVAL) { // tmpfs and some others: no O_DIRECT
			f, err = os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
			return f, false, err
		}
		if errors.Is(err, os.ErrExist) {
			continue
		}
		return f, err == nil, err
	}
	return nil, false, errors.New("blob: could not create a temp file")
}

// writebackFile writes aligned whole buffers with O_DIRECT; the first write that is not (the tail of
// an upload) turns O_DIRECT off, and from then on the writes are buffered and the disk is asked to
// start writing each full region at once (sync_file_range SYNC_FILE_RANGE_WRITE queues the I/O and
// returns), so the closing fsync waits for little. Durability is the fsync's either way.
type writebackFile struct {
	f       *os.File
	direct  bool
	written int64
	started int64
}

func newWriteback(f *os.File, direct bool) *writebackFile {
	return &writebackFile{f: f, direct: direct}
}

func (w *writebackFile) Write(p []byte) (int, error) {
	if w.direct && (len(p)%directAlign != 0 || uintptr(unsafe.Pointer(unsafe.SliceData(p)))%directAlign != 0) {
		flags, err := unix.FcntlInt(w.f.Fd(), unix.F_GETFL, 0)
		if err == nil {
			_, err = unix.FcntlInt(w.f.Fd(), unix.F_SETFL, flags&^syscall.O_DIRECT)
		}
		if err != nil {
			return 0, err
		}
		w.direct = false
		w.started = w.written // direct writes are on the disk already
	}
	n, err := w.f.Write(p)
	w.written += int64(n)
	if !w.direct && w.written-w.started >= writebackEvery {
		// Only a hint: if the file system does not take it, the fsync does all the work as before.
		fd := int(w.f.Fd()) //nolint:gosec // fds fit in int
		_ = unix.SyncFileRange(fd, w.started, w.written-w.started, unix.SYNC_FILE_RANGE_WRITE)
		w.started = w.written
	}
	return n, err
}

// alignedBuffer returns n bytes starting at a directAlign boundary.
func alignedBuffer(n int) []byte {
	b := make([]byte, n+directAlign)
	off := int(uintptr(unsafe.Pointer(unsafe.SliceData(b))) % directAlign)
	if off != 0 {
		off = directAlign - off
	}
	return b[off : off+n : off+n]
}
