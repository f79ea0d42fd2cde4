// Package httpapi serves the Share API (/v1/… and /v1beta/…) over HTTP: the Pangea envelope, request
// validation, bearer tokens, error mapping, and signed download URLs.
package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/applog"
	"github.com/sharedesk/sharedesk/share"
)

// Server is the Share API's HTTP handler.
type Server struct {
	svc       *share.Service
	log       *slog.Logger
	maxJSON   int64
	schemas   map[string]*field
	urlTTL    time.Duration
	uploadTTL time.Duration
	publicURL string
}

// Options configure a Server.
type Options struct {
	MaxJSONBody int64         // largest JSON body accepted; default 1 MiB
	DestURLTTL  time.Duration // lifetime of dest-url download links; default 5 minutes
	UploadTTL   time.Duration // lifetime of put-url and post-url upload links; default 15 minutes
	PublicURL   string        // base of dest-url and upload links
}

// New returns the API server.
func New(svc *share.Service, log *slog.Logger, opt Options) *Server {
	if opt.MaxJSONBody <= 0 {
		opt.MaxJSONBody = 1 << 20
	}
	if opt.DestURLTTL <= 0 {
		opt.DestURLTTL = 5 * time.Minute
	}
	if opt.UploadTTL <= 0 {
		opt.UploadTTL = 15 * time.Minute
	}
	return &Server{svc: svc, log: log, maxJSON: opt.MaxJSONBody, schemas: schemas(), urlTTL: opt.DestURLTTL,
		uploadTTL: opt.UploadTTL, publicURL: strings.TrimRight(opt.PublicURL, "/")}
}

type reqInfo struct {
	id    string
	start time.Time
}

type infoKey struct{}

// Register adds the API routes to mux.
func (s *Server) Register(mux *http.ServeMux) {
	routes := map[string]http.HandlerFunc{
		"share/link/create": jsonEndpoint(s, "share/link/create", s.linkCreate),
		"share/link/get":    jsonEndpoint(s, "share/link/get", s.linkGet),
		"share/link/list":   jsonEndpoint(s, "share/link/list", s.linkList),
		"share/link/delete": jsonEndpoint(s, "share/link/delete", s.linkDelete),
		"share/link/send":   jsonEndpoint(s, "share/link/send", s.linkSend),
		"buckets":           jsonEndpoint(s, "buckets", s.buckets),
		"folder/create":     jsonEndpoint(s, "folder/create", s.folderCreate),
		"list":              jsonEndpoint(s, "list", s.list),
		"delete":            jsonEndpoint(s, "delete", s.deleteObject),
		"update":            jsonEndpoint(s, "update", s.update),
		"put":               s.put,
		"get":               s.get,
		"get_archive":       s.getArchive,
		// sharedesk extensions
		"ext/link/events":       jsonEndpoint(s, "ext/link/events", s.linkEvents),
		"ext/link/revoked/list": jsonEndpoint(s, "ext/link/revoked/list", s.revokedList),
		"ext/link/revoked/get":  jsonEndpoint(s, "ext/link/revoked/get", s.revokedGet),
		"ext/link/update":       jsonEndpoint(s, "ext/link/update", s.linkUpdate),
		// sharedesk extensions: token management (admin tokens only) and activity across links
		"ext/tokens/list":   jsonEndpoint(s, "ext/tokens/list", s.tokensList),
		"ext/tokens/create": jsonEndpoint(s, "ext/tokens/create", s.tokensCreate),
		"ext/tokens/revoke": jsonEndpoint(s, "ext/tokens/revoke", s.tokensRevoke),
		"ext/events/list":   jsonEndpoint(s, "ext/events/list", s.eventsList),
	}
	for path, h := range routes {
		h := s.authenticated(h)
		mux.Handle("POST /v1/"+path, h)
		mux.Handle("POST /v1beta/"+path, h)
		mux.Handle("/v1/"+path, s.methodNotAllowed())
		mux.Handle("/v1beta/"+path, s.methodNotAllowed())
	}
	mux.HandleFunc("GET /v1/download/{token}", s.download)
	mux.HandleFunc("PUT /v1/upload/{token}", s.upload)
	mux.HandleFunc("POST /v1/upload/{token}", s.upload)
	mux.Handle("/v1/upload/", s.methodNotAllowedFor("PUT, POST"))
	// Where the SDKs poll a 202 Accepted request (they join "request/{id}" to the base URL).
	for _, prefix := range []string{"/request/", "/v1/request/"} {
		mux.Handle("GET "+prefix+"{id}", s.authenticated(http.HandlerFunc(s.requestStatus)))
		mux.Handle(prefix, s.unknownPath())
	}
	mux.HandleFunc("GET /v1/openapi.json", s.openAPI)
	mux.HandleFunc("GET /healthz", healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("/v1/", s.unknownPath())
	mux.Handle("/v1beta/", s.unknownPath())
}

// healthz handles GET /healthz: the process is up.
func healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	io.WriteString(w, "ok\n")
}

// readyz handles GET /readyz: the database answers and the disk has room.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	if err := s.svc.Ready(ctx); err != nil {
		s.log.WarnContext(r.Context(), "not ready", "err", err)
		w.WriteHeader(http.StatusServiceUnavailable)
		// Ready's messages name the part at fault (database, object store) and carry no server details.
		msg := share.ErrorMessage(err)
		switch {
		case share.IsCode(err, share.CodeStorageFull):
			msg = "disk full"
		case msg == "":
			msg = "not ready"
		}
		io.WriteString(w, msg+"\n")
		return
	}
	io.WriteString(w, "ready\n")
}

func (s *Server) methodNotAllowed() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", "POST")
		s.writeError(
			w,
			r,
			http.StatusMethodNotAllowed,
			"MethodNotAllowed",
			"Share API endpoints take POST with a JSON body",
			nil,
		)
	})
}

func (s *Server) methodNotAllowedFor(allow string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		s.writeError(w, r, http.StatusMethodNotAllowed, "MethodNotAllowed", "This URL takes "+allow, nil)
	})
}

func (s *Server) unknownPath() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, http.StatusNotFound, share.CodeNotFound, "No such endpoint: "+r.URL.Path, nil)
	})
}

// Middleware gives every request an id (x-request-id), logs it, and turns a panic into a 500
// envelope rather than a dropped connection.
func (s *Server) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		info := &reqInfo{id: share.NewID("prq_"), start: time.Now().UTC()}
		ctx := applog.WithRequestID(context.WithValue(r.Context(), infoKey{}, info), info.id)
		r = r.WithContext(ctx)
		w.Header().Set("X-Request-Id", info.id)
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.log.ErrorContext(ctx, "panic", "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
				if !rec.wrote {
					s.writeError(rec, r, http.StatusInternalServerError, share.CodeInternal, "Internal error", nil)
				}
			}
			level := slog.LevelInfo
			if rec.status >= 500 {
				level = slog.LevelError
			}
			s.log.Log(ctx, level, "request", "method", r.Method, "path", r.URL.Path, "status", rec.status,
				"bytes", rec.bytes, "duration_ms", float64(time.Since(info.start).Microseconds())/1000)
		}()
		next.ServeHTTP(rec, r)
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
	wrote  bool
}

func (r *statusRecorder) WriteHeader(code int) {
	if !r.wrote {
		r.status, r.wrote = code, true
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	r.wrote = true
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// ReadFrom keeps the server's sendfile path for file downloads (io.Copy looks for it on the writer).
func (r *statusRecorder) ReadFrom(src io.Reader) (int64, error) {
	r.wrote = true
	n, err := io.Copy(r.ResponseWriter, src)
	r.bytes += n
	return n, err
}

type tokenKey struct{}

func (s *Server) authenticated(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// A missing or non-Bearer header reaches Authenticate as "", which refuses and logs it.
		secret, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		t, err := s.svc.Authenticate(r.Context(), strings.TrimSpace(secret))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		ctx := share.WithTokenName(context.WithValue(r.Context(), tokenKey{}, t), t.Name)
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func info(r *http.Request) *reqInfo {
	if i, ok := r.Context().Value(infoKey{}).(*reqInfo); ok {
		return i
	}
	return &reqInfo{id: share.NewID("prq_"), start: time.Now().UTC()}
}

func (s *Server) envelope(r *http.Request, status, summary string, result any) []byte {
	i := info(r)
	// api.Response with the result as a value: marshalled once, rather than to bytes that json then
	// re-validates and compacts as a RawMessage (a sixth of the CPU of a 50-link page).
	b, err := json.Marshal(struct {
		RequestID    string `json:"request_id"`
		RequestTime  string `json:"request_time"`
		ResponseTime string `json:"response_time"`
		Status       string `json:"status"`
		Summary      string `json:"summary"`
		Result       any    `json:"result"`
	}{i.id, i.start.Format(time.RFC3339Nano), time.Now().UTC().Format(time.RFC3339Nano), status, summary, result})
	if err != nil {
		b, _ = json.Marshal(api.Response{RequestID: i.id, RequestTime: i.start.Format(time.RFC3339Nano),
			ResponseTime: time.Now().
				UTC().
				Format(time.RFC3339Nano),
			Status: status, Summary: summary, Result: json.RawMessage("{}")})
	}
	return b
}

func (s *Server) writeJSON(w http.ResponseWriter, code int, body []byte) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	w.Write(body)
}

func (s *Server) ok(w http.ResponseWriter, r *http.Request, summary string, result any) {
	s.writeJSON(w, http.StatusOK, s.envelope(r, api.StatusSuccess, summary, result))
}

func (s *Server) writeError(
	w http.ResponseWriter,
	r *http.Request,
	code int,
	status, summary string,
	fields []share.FieldError,
) {
	res := api.ErrorResult{}
	for _, f := range fields {
		res.Errors = append(res.Errors, api.FieldError{Code: f.Code, Detail: f.Detail, Source: f.Source})
	}
	s.writeJSON(w, code, s.envelope(r, status, summary, res))
}

// httpStatus is the one place an error code becomes an HTTP status.
func httpStatus(code string) int {
	switch code {
	case share.CodeValidation:
		return http.StatusBadRequest
	case share.CodeUnauthorized:
		return http.StatusUnauthorized
	case share.CodeForbidden:
		return http.StatusForbidden
	case share.CodeNotFound:
		return http.StatusNotFound
	case share.CodeObjectExists:
		return http.StatusConflict
	case share.CodeTooLarge:
		return http.StatusForbidden
	case share.CodeTransferFailed, share.CodeUnavailable:
		return http.StatusServiceUnavailable
	case share.CodeStorageFull:
		return http.StatusInsufficientStorage
	case share.CodeProvider:
		return http.StatusBadGateway
	case share.CodeInternal:
		return http.StatusInternalServerError
	}
	if strings.HasPrefix(code, "Share") {
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// fail writes err as an envelope. Errors that are not *share.Error are bugs or outages: they are
// logged in full and the client sees only "Internal error" with the request id.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	err = share.Classify(err)
	var e *share.Error
	if errors.As(err, &e) {
		code := httpStatus(e.Code)
		switch {
		case code == http.StatusServiceUnavailable || code == http.StatusInsufficientStorage:
			s.log.WarnContext(r.Context(), "request failed", "code", e.Code, "err", e.Cause())
			w.Header().Set("Retry-After", "5")
		case code >= 500:
			s.log.ErrorContext(r.Context(), "request failed", "code", e.Code, "err", e.Error())
		}
		s.writeError(w, r, code, e.Code, e.Message, e.Fields)
		return
	}
	if errors.Is(err, context.Canceled) {
		s.log.InfoContext(r.Context(), "client went away", "err", err)
		return
	}
	s.log.ErrorContext(r.Context(), "internal error", "err", err)
	s.writeError(
		w,
		r,
		http.StatusInternalServerError,
		share.CodeInternal,
		"Internal error; quote request "+info(r).id+" when reporting it",
		nil,
	)
}

// jsonEndpoint adapts a typed handler: decode and validate, call, write the envelope or the error.
func jsonEndpoint[T any](
	s *Server,
	schema string,
	fn func(ctx context.Context, req *T) (any, string, error),
) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		req := new(T)
		if err := s.decode(r, schema, req); err != nil {
			s.fail(w, r, err)
			return
		}
		result, summary, err := fn(r.Context(), req)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.ok(w, r, summary, result)
	}
}
