//go:build !linux

package blob

import "os"

// writebackFile is a plain file where the system has no way to start writeback early.
type writebackFile struct{ f *os.File }

func newWriteback(f *os.File) *writebackFile { return &writebackFile{f: f} }

func (w *writebackFile) Write(p []byte) (int, error) { return w.f.Write(p) }
