//go:build !linux

package blob

import "os"

// createTemp creates a new temp file in dir for an upload.
func createTemp(dir string) (*os.File, bool, error) {
	f, err := os.CreateTemp(dir, ".upload-*")
	return f, false, err
}

// writebackFile is a plain file where the system has no way to start writeback early.
type writebackFile struct{ f *os.File }

func newWriteback(f *os.File, _ bool) *writebackFile { return &writebackFile{f: f} }

func (w *writebackFile) Write(p []byte) (int, error) { return w.f.Write(p) }

func alignedBuffer(n int) []byte { return make([]byte, n) }
