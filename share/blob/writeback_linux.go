package blob

import (
	"os"

	"golang.org/x/sys/unix"
)

// writebackEvery is how many bytes may pile up in the page cache before the disk is asked to start
// writing them.
const writebackEvery = 8 << 20

// writebackFile writes to f and starts the disk's writeback of each region as soon as it is full
// (sync_file_range SYNC_FILE_RANGE_WRITE: it queues the I/O and returns). The disk then writes while
// the rest of the upload still arrives and is hashed, so the closing fsync waits for the tail only,
// not for the whole file: durability is unchanged (the fsync still covers every byte), the wait is
// what overlaps.
type writebackFile struct {
	f       *os.File
	written int64
	started int64
}

func newWriteback(f *os.File) *writebackFile { return &writebackFile{f: f} }

func (w *writebackFile) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	w.written += int64(n)
	if w.written-w.started >= writebackEvery {
		// Only a hint: if the file system does not take it, the fsync does all the work as before.
		_ = unix.SyncFileRange(int(w.f.Fd()), w.started, w.written-w.started, unix.SYNC_FILE_RANGE_WRITE) //nolint:gosec // fds fit in int
		w.started = w.written
	}
	return n, err
}
