// Package httplimit keeps slow or greedy clients from tying up the share server: per-request read and
// write deadlines that long transfers extend only while they make progress, and a cap on the requests
// one client address may have open at once without presenting credentials.
package httplimit

import (
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Config holds the limits. Zero fields take the defaults of Defaults.
type Config struct {
	// ReadHeader bounds how long a client may take to send a request's headers.
	ReadHeader time.Duration
	// Idle bounds how long a kept-alive connection may wait for its next request.
	Idle time.Duration
	// Read bounds reading the whole body of an ordinary request (forms, JSON).
	Read time.Duration
	// Write bounds writing an ordinary response.
	Write time.Duration
	// Stall is how long a streamed upload or download may go without moving Progress bytes before the
	// connection is cut.
	Stall time.Duration
	// Progress is the amount a transfer must move within each Stall period.
	Progress int64
	// PerClient is how many requests without credentials one client address may have in flight.
	PerClient int
	// Streaming reports whether a request streams a large body either way (uploads, downloads), so it
	// gets progress-based deadlines instead of the fixed ones.
	Streaming func(*http.Request) bool
	// Credentialed reports whether a request presents credentials (a bearer token, a session cookie);
	// the handler checks them before reading the body, so such requests are not capped per client.
	Credentialed func(*http.Request) bool
}

// Defaults returns the default limits.
func Defaults() Config {
	return Config{ReadHeader: 10 * time.Second, Idle: 60 * time.Second, Read: 30 * time.Second, Write: 60 * time.Second,
		Stall: 30 * time.Second, Progress: 16 << 10, PerClient: 16}
}

// ShareServer returns the limits of the share server: uploads (put, upload URLs, the portal's upload) and
// downloads (get, get_archive, signed download URLs, the portal's files and zips) stream with
// progress-based deadlines; a bearer token or a portal session cookie counts as credentials.
func ShareServer() Config {
	c := Defaults()
	c.Streaming = func(r *http.Request) bool {
		p := r.URL.Path
		switch {
		case (r.Method == http.MethodPut || r.Method == http.MethodPost) && strings.HasPrefix(p, "/v1/upload/"):
			return true // put-url and post-url uploads to a signed upload URL
		case r.Method == http.MethodPost:
			for _, prefix := range []string{"/v1/", "/v1beta/"} {
				if rest, ok := strings.CutPrefix(p, prefix); ok && (rest == "put" || rest == "get" || rest == "get_archive") {
					return true
				}
			}
			return strings.HasPrefix(p, "/p/upload/")
		case r.Method == http.MethodGet || r.Method == http.MethodHead:
			return strings.HasPrefix(p, "/v1/download/") || strings.HasPrefix(p, "/p/d/") || p == "/p/zip"
		}
		return false
	}
	c.Credentialed = func(r *http.Request) bool { return Bearer(r) || HasCookie(r, "__Host-sd-portal", "sd-portal") }
	return c
}

func (c Config) withDefaults() Config {
	d := Defaults()
	if c.ReadHeader == 0 {
		c.ReadHeader = d.ReadHeader
	}
	if c.Idle == 0 {
		c.Idle = d.Idle
	}
	if c.Read == 0 {
		c.Read = d.Read
	}
	if c.Write == 0 {
		c.Write = d.Write
	}
	if c.Stall == 0 {
		c.Stall = d.Stall
	}
	if c.Progress == 0 {
		c.Progress = d.Progress
	}
	if c.PerClient == 0 {
		c.PerClient = d.PerClient
	}
	if c.Streaming == nil {
		c.Streaming = func(*http.Request) bool { return false }
	}
	if c.Credentialed == nil {
		c.Credentialed = func(*http.Request) bool { return false }
	}
	return c
}

// Limiter applies a Config to a server and its handler.
type Limiter struct {
	cfg    Config
	mu     sync.Mutex
	active map[string]int // requests in flight without credentials, by client address
}

// New returns a Limiter.
func New(cfg Config) *Limiter {
	return &Limiter{cfg: cfg.withDefaults(), active: map[string]int{}}
}

// Configure sets the server's connection-level timeouts. Read and write timeouts stay per request
// (see Handler), because an upload of gigabytes and a password form need different ones.
func (l *Limiter) Configure(srv *http.Server) {
	srv.ReadHeaderTimeout = l.cfg.ReadHeader
	srv.IdleTimeout = l.cfg.Idle
	srv.ReadTimeout, srv.WriteTimeout = 0, 0
}

// Handler wraps next with the per-request deadlines and the per-client cap.
func (l *Limiter) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !l.cfg.Credentialed(r) {
			client := clientAddr(r)
			if !l.acquire(client) {
				// Close rather than drain whatever body is still coming.
				w.Header().Set("Connection", "close")
				w.Header().Set("Retry-After", "5")
				http.Error(w, "Too many requests from your address at once. Try again in a few seconds.", http.StatusTooManyRequests)
				return
			}
			defer l.release(client)
		}
		rc := http.NewResponseController(w)
		now := time.Now()
		if !l.cfg.Streaming(r) {
			// Without a write deadline here the one of a previous request on the connection would
			// still apply: the server sets none itself.
			_ = rc.SetReadDeadline(now.Add(l.cfg.Read))
			_ = rc.SetWriteDeadline(now.Add(l.cfg.Write))
			next.ServeHTTP(w, r)
			return
		}
		_ = rc.SetReadDeadline(now.Add(l.cfg.Stall))
		_ = rc.SetWriteDeadline(now.Add(l.cfg.Stall))
		r.Body = &progressBody{ReadCloser: r.Body, rc: rc, cfg: &l.cfg}
		next.ServeHTTP(&progressWriter{ResponseWriter: w, rc: rc, cfg: &l.cfg}, r)
	})
}

func (l *Limiter) acquire(client string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.active[client] >= l.cfg.PerClient {
		return false
	}
	l.active[client]++
	return true
}

func (l *Limiter) release(client string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.active[client]--; l.active[client] <= 0 {
		delete(l.active, client)
	}
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// progressBody pushes the read deadline on by Stall each time Progress more bytes have arrived, so a
// body that keeps coming is never cut and one that stalls (or crawls) is. The write deadline moves
// with it: the response of an upload is written only when its last byte has arrived.
type progressBody struct {
	io.ReadCloser
	rc    *http.ResponseController
	cfg   *Config
	moved int64
}

func (b *progressBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if b.moved += int64(n); b.moved >= b.cfg.Progress {
		b.moved = 0
		next := time.Now().Add(b.cfg.Stall)
		_ = b.rc.SetReadDeadline(next)
		_ = b.rc.SetWriteDeadline(next)
	}
	return n, err
}

// progressWriter does the same for the write deadline of a streamed response.
type progressWriter struct {
	http.ResponseWriter
	rc    *http.ResponseController
	cfg   *Config
	moved int64
}

func (w *progressWriter) progressed(n int64) {
	if w.moved += n; w.moved >= w.cfg.Progress {
		w.moved = 0
		_ = w.rc.SetWriteDeadline(time.Now().Add(w.cfg.Stall))
	}
}

func (w *progressWriter) Write(p []byte) (int, error) {
	// Large writes go in Progress-sized pieces, so each piece gets a fresh deadline.
	total := 0
	for len(p) > 0 {
		k := min(int64(len(p)), w.cfg.Progress)
		n, err := w.ResponseWriter.Write(p[:k])
		total += n
		w.progressed(int64(n))
		if err != nil {
			return total, err
		}
		p = p[k:]
	}
	return total, nil
}

// ReadFrom keeps the sendfile path of file downloads: the file goes out in chunks of a few
// megabytes, each a single-level *io.LimitedReader over the file (what sendfile recognises), with the
// deadline pushed on between chunks.
func (w *progressWriter) ReadFrom(src io.Reader) (int64, error) {
	const chunk = 4 << 20
	inner, remaining := src, int64(-1)
	if lr, ok := src.(*io.LimitedReader); ok {
		inner, remaining = lr.R, lr.N
		defer func() { lr.N = remaining }()
	}
	var total int64
	for remaining != 0 {
		n := int64(chunk)
		if remaining > 0 {
			n = min(n, remaining)
		}
		_ = w.rc.SetWriteDeadline(time.Now().Add(w.cfg.Stall))
		got, err := io.Copy(w.ResponseWriter, &io.LimitedReader{R: inner, N: n})
		total += got
		if remaining > 0 {
			remaining -= got
		}
		if err != nil {
			return total, err
		}
		if got < n {
			return total, nil
		}
	}
	return total, nil
}

// Unwrap lets http.ResponseController reach the connection.
func (w *progressWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Bearer reports whether a request carries an Authorization header; HasCookie whether it carries one
// of the named cookies. Together they make a Config.Credentialed.
func Bearer(r *http.Request) bool { return strings.TrimSpace(r.Header.Get("Authorization")) != "" }

// HasCookie reports whether r carries a cookie with one of the names.
func HasCookie(r *http.Request, names ...string) bool {
	for _, n := range names {
		if _, err := r.Cookie(n); err == nil {
			return true
		}
	}
	return false
}
