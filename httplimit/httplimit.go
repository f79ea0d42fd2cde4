// Package httplimit keeps slow or greedy clients from tying up the share server: per-request read and
// write deadlines that long transfers extend only while they make progress, and a cap on the requests
// one client address may have open at once.
package httplimit

import (
	"cmp"
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/sharedesk/sharedesk/proxyaddr"
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
	// PerClient is how many requests one client address may have in flight without its credentials
	// being looked at: the pages and forms before sign-in, and anyone below the cap.
	PerClient int
	// PerClientVerified is how many requests one client address may have in flight in all; those past
	// PerClient are let in only when Verify finds valid credentials on them.
	PerClientVerified int
	// Streaming reports whether a request streams a large body either way (uploads, downloads), so it
	// gets progress-based deadlines instead of the fixed ones.
	Streaming func(*http.Request) bool
	// Verify reports whether a request carries valid credentials (a live API token or session, looked
	// up, not merely present: a made-up header must not lift the cap). It runs only for requests past
	// PerClient, so ordinary traffic costs no extra lookup. Nil verifies nothing.
	Verify func(*http.Request) bool
}

// Defaults returns the default limits.
func Defaults() Config {
	return Config{ReadHeader: 10 * time.Second, Idle: 60 * time.Second, Read: 30 * time.Second, Write: 60 * time.Second,
		Stall: 30 * time.Second, Progress: 16 << 10, PerClient: 16, PerClientVerified: 256}
}

// ShareServer returns the limits of the share server: uploads (put, upload URLs, the portal's upload) and
// downloads (get, get_archive, signed download URLs, the portal's files and zips) stream with
// progress-based deadlines. Set Verify (see VerifyShare) to let clients with a live API token or portal
// session past the per-client cap.
func ShareServer() Config {
	c := Defaults()
	c.Streaming = func(r *http.Request) bool {
		p := r.URL.Path
		switch {
		case (r.Method == http.MethodPut || r.Method == http.MethodPost) && strings.HasPrefix(p, "/v1/upload/"):
			return true // put-url and post-url uploads to a signed upload URL
		case r.Method == http.MethodPost:
			for _, prefix := range []string{"/v1/", "/v1beta/"} {
				if rest, ok := strings.CutPrefix(p, prefix); ok &&
					(rest == "put" || rest == "get" || rest == "get_archive") {
					return true
				}
			}
			return strings.HasPrefix(p, "/p/upload/")
		case r.Method == http.MethodGet || r.Method == http.MethodHead:
			return strings.HasPrefix(p, "/v1/download/") || strings.HasPrefix(p, "/p/d/") || p == "/p/zip"
		}
		return false
	}
	return c
}

// VerifyShare makes the share server's Verify: a bearer token that token accepts, or a portal session
// cookie that session accepts (each returns nil for a live one).
func VerifyShare(token, session func(ctx context.Context, secret string) error) func(*http.Request) bool {
	return func(r *http.Request) bool {
		if secret, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok &&
			strings.TrimSpace(secret) != "" {
			return token(r.Context(), strings.TrimSpace(secret)) == nil
		}
		for _, name := range []string{"__Host-sd-portal", "sd-portal"} {
			if c, err := r.Cookie(name); err == nil && c.Value != "" && session(r.Context(), c.Value) == nil {
				return true
			}
		}
		return false
	}
}

// Console returns the limits of the staff console: the file upload and the file downloads (and
// previews) stream; Verify is left to the caller (a live console session).
func Console() Config {
	c := Defaults()
	c.Streaming = func(r *http.Request) bool {
		p := r.URL.Path
		switch r.Method {
		case http.MethodPost:
			return p == "/files/upload"
		case http.MethodGet:
			return strings.HasPrefix(p, "/files/") &&
				(strings.HasSuffix(p, "/download") || strings.HasSuffix(p, "/preview"))
		}
		return false
	}
	return c
}

func (c Config) withDefaults() Config {
	d := Defaults()
	c.ReadHeader = cmp.Or(c.ReadHeader, d.ReadHeader)
	c.Idle = cmp.Or(c.Idle, d.Idle)
	c.Read = cmp.Or(c.Read, d.Read)
	c.Write = cmp.Or(c.Write, d.Write)
	c.Stall = cmp.Or(c.Stall, d.Stall)
	c.Progress = cmp.Or(c.Progress, d.Progress)
	c.PerClient = cmp.Or(c.PerClient, d.PerClient)
	if c.PerClientVerified == 0 {
		c.PerClientVerified = max(d.PerClientVerified, c.PerClient)
	}
	if c.Streaming == nil {
		c.Streaming = func(*http.Request) bool { return false }
	}
	if c.Verify == nil {
		c.Verify = func(*http.Request) bool { return false }
	}
	return c
}

// Limiter applies a Config to a server and its handler.
type Limiter struct {
	cfg    Config
	mu     sync.Mutex
	active map[string]int // requests in flight, by client address
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
		client := proxyaddr.RemoteHost(r)
		if !l.acquire(r, client) {
			// Close rather than drain whatever body is still coming.
			w.Header().Set("Connection", "close")
			w.Header().Set("Retry-After", "5")
			http.Error(
				w,
				"Too many requests from your address at once. Try again in a few seconds.",
				http.StatusTooManyRequests,
			)
			return
		}
		defer l.release(client)
		rc := http.NewResponseController(w)
		now := time.Now()
		if r.Body != nil && r.Body != http.NoBody && r.ContentLength != 0 {
			body := &trackedBody{ReadCloser: r.Body}
			r.Body, w = body, &answerWriter{ResponseWriter: w, body: body}
		}
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

// acquire takes a slot for one request of client. Below PerClient every request gets one; past it
// only requests whose credentials verify, up to PerClientVerified. The lookup runs outside the lock
// and the count is checked again after it, so the ceiling holds under concurrency.
func (l *Limiter) acquire(r *http.Request, client string) bool {
	l.mu.Lock()
	if n := l.active[client]; n < l.cfg.PerClient {
		l.active[client]++
		l.mu.Unlock()
		return true
	} else if n >= l.cfg.PerClientVerified {
		l.mu.Unlock()
		return false
	}
	l.mu.Unlock()
	if !l.cfg.Verify(r) {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.active[client] >= l.cfg.PerClientVerified {
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

// trackedBody notes whether a request body has been read to its end.
type trackedBody struct {
	io.ReadCloser
	mu   sync.Mutex
	done bool
}

func (b *trackedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil {
		b.mu.Lock()
		b.done = true
		b.mu.Unlock()
	}
	return n, err
}

func (b *trackedBody) finished() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.done
}

// answerWriter closes the connection after a refusal given before the request's body was read (a
// refused token, a bad form): net/http would otherwise wait for the rest of the body, up to 256 KiB,
// before it sends the answer, so a client could hold the connection by never sending it. Successful
// answers keep the connection: their handlers read what they need.
type answerWriter struct {
	http.ResponseWriter
	body    *trackedBody
	started bool
}

func (w *answerWriter) WriteHeader(code int) {
	if !w.started && code >= 200 {
		w.started = true
		if code >= 400 && !w.body.finished() {
			w.Header().Set("Connection", "close")
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *answerWriter) Write(p []byte) (int, error) {
	w.started = true
	return w.ResponseWriter.Write(p)
}

// ReadFrom keeps the sendfile path of the writer underneath.
func (w *answerWriter) ReadFrom(src io.Reader) (int64, error) {
	w.started = true
	return io.Copy(w.ResponseWriter, src)
}

// Flush serves handlers that flush through the http.Flusher interface rather than a
// ResponseController.
func (w *answerWriter) Flush() {
	w.started = true
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap lets http.ResponseController reach the connection.
func (w *answerWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

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
