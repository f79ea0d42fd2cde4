package api

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strings"
	"sync"
	"time"
)

// Fingerprint names a token without revealing it: the start of its SHA-256, which is also how
// sharedesk stores tokens (`sharedesk token list` shows the same fingerprint).
func Fingerprint(token string) string {
	sum := sha256.Sum256([]byte(token))
	return "sha256:" + hex.EncodeToString(sum[:])[:12]
}

// TokenFile is a service token kept in a file. It is re-read when the file changes (checked before
// each request), on Reload (the console calls it on SIGHUP) and after the API answers 401, so an
// operator can rotate the token without a restart.
type TokenFile struct {
	path     string
	onChange func(fingerprint string)

	mu    sync.Mutex
	token string
	stamp fileStamp
	err   error // the last reading's problem; the token in use stays until a good one is read
}

type fileStamp struct {
	size    int64
	modTime time.Time
}

// OpenTokenFile reads the token in path. onChange, when not nil, is told the fingerprint of every
// token taken into use, the first included.
func OpenTokenFile(path string, onChange func(fingerprint string)) (*TokenFile, error) {
	f := &TokenFile{path: path, onChange: onChange}
	if _, err := f.Reload(); err != nil {
		return nil, err
	}
	return f, nil
}

// Path is the file the token is read from.
func (f *TokenFile) Path() string { return f.path }

// Token returns the current token, re-reading the file first when its size or time changed. A file
// that cannot be read keeps the token in use: the next 401 or SIGHUP reports the problem.
func (f *TokenFile) Token() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	st, err := os.Stat(f.path)
	if err != nil {
		f.err = fmt.Errorf("read the service token file: %w", err)
	} else if (fileStamp{st.Size(), st.ModTime()}) != f.stamp {
		_, _ = f.reloadLocked()
	}
	return f.token
}

// Err reports why the file could not be used the last time it was read (nil when it could): the token
// in use still works, but a restart would fail, so /readyz says so.
func (f *TokenFile) Err() error {
	f.Token() // notices a file that was changed or removed since
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// Reload re-reads the file and reports whether the token changed.
func (f *TokenFile) Reload() (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reloadLocked()
}

func (f *TokenFile) reloadLocked() (bool, error) {
	changed, err := f.readLocked()
	f.err = err
	return changed, err
}

func (f *TokenFile) readLocked() (bool, error) {
	st, err := os.Stat(f.path)
	if err != nil {
		return false, fmt.Errorf("read the service token file: %w", err)
	}
	raw, err := os.ReadFile(f.path)
	if err != nil {
		return false, fmt.Errorf("read the service token file: %w", err)
	}
	// Editors on Windows start UTF-8 files with a byte-order mark; it is not part of the token.
	token := strings.TrimSpace(strings.TrimPrefix(string(raw), "\ufeff"))
	if token == "" {
		return false, fmt.Errorf(
			"the service token file %s is empty: put the token in it (sharedesk token create prints one)", f.path)
	}
	if strings.ContainsAny(token, " \t\r\n") {
		return false, fmt.Errorf(
			"the service token file %s holds more than one line: put the token alone in it", f.path)
	}
	f.stamp = fileStamp{st.Size(), st.ModTime()}
	if token == f.token {
		return false, nil
	}
	f.token = token
	if f.onChange != nil {
		f.onChange(Fingerprint(token))
	}
	return true, nil
}
