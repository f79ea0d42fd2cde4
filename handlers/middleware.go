package handlers

import (
	"crypto/subtle"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v5"
	"github.com/labstack/echo/v5/middleware"

	"github.com/sharedesk/sharedesk/applog"
	"github.com/sharedesk/sharedesk/auth"
	"github.com/sharedesk/sharedesk/metrics"
	"github.com/sharedesk/sharedesk/views"
)

const (
	ctxStaff   = "staff"
	ctxSession = "session"
	ctxLog     = "log"
)

func staffOf(ec *echo.Context) *auth.Staff {
	s, _ := ec.Get(ctxStaff).(*auth.Staff)
	return s
}

func sessionOf(ec *echo.Context) *sessions.Session {
	s, _ := ec.Get(ctxSession).(*sessions.Session)
	return s
}

// logFields collects what handlers and middleware add to the request's one log line.
type logFields struct{ attrs []slog.Attr }

// logDetail adds attributes to the request's log line (the reason for a refusal and the like), so
// every request is still exactly one line.
func logDetail(ec *echo.Context, attrs ...slog.Attr) {
	if f, ok := ec.Get(ctxLog).(*logFields); ok {
		f.attrs = append(f.attrs, attrs...)
	}
}

// requestLog gives every request an id (on every log line and in X-Request-Id) and writes one line
// per request when it is done, with the status the client really got: errors go through
// handleError first (HandleError), so a refused request logs its 403, not 200.
func (c *Console) requestLog() echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		HandleError: true,
		LogMethod:   true,
		LogURIPath:  true,
		LogStatus:   true,
		LogLatency:  true,
		BeforeNextFunc: func(ec *echo.Context) {
			id := "crq_" + strconv.FormatInt(time.Now().UnixNano(), 36)
			r := ec.Request()
			ec.SetRequest(r.WithContext(applog.WithRequestID(r.Context(), id)))
			ec.Response().Header().Set("X-Request-Id", id)
			ec.Set(ctxLog, &logFields{})
		},
		LogValuesFunc: func(ec *echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			switch {
			case v.Status >= 500:
				level = slog.LevelError
			case v.Status >= 400:
				level = slog.LevelWarn
			}
			attrs := []slog.Attr{
				slog.String("method", v.Method),
				slog.String("path", v.URIPath),
				slog.Int("status", v.Status),
				slog.Float64("duration_ms", float64(v.Latency.Microseconds())/1000),
			}
			if s := staffOf(ec); s != nil {
				attrs = append(attrs, slog.String("who", s.Email))
			}
			var pe *middleware.PanicStackError
			switch {
			case errors.As(v.Error, &pe):
				attrs = append(
					attrs,
					slog.String("err", "panic: "+pe.Err.Error()),
					slog.String("stack", string(pe.Stack)),
				)
			case v.Error != nil:
				attrs = append(attrs, slog.String("err", v.Error.Error()))
			}
			if f, ok := ec.Get(ctxLog).(*logFields); ok {
				attrs = append(attrs, f.attrs...)
			}
			c.log.LogAttrs(ec.Request().Context(), level, "request", attrs...)
			return nil
		},
	})
}

// recoverPanics turns a panic in any handler into an error, so the person gets the 500 page and the
// request log line records it, instead of the connection dropping.
func recoverPanics() echo.MiddlewareFunc {
	return middleware.RecoverWithConfig(middleware.RecoverConfig{DisableStackAll: true})
}

// maxFormBody bounds every request body the console reads as a form. Only file uploads are larger,
// and those stream through to the share service without being parsed here.
const maxFormBody = 1 << 20

// limitBody caps the body before anything can parse it, and removes any multipart temp files when
// the request is done, on every path (refusals included). net/http removes them only for a form
// parsed on the request it passed in, not on the copies (WithContext) middleware makes.
func limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	return func(ec *echo.Context) error {
		r := ec.Request()
		if !isStreamedUpload(r) {
			r.Body = http.MaxBytesReader(ec.Response(), r.Body, maxFormBody)
		}
		defer func() {
			removeMultipartFiles(r)
			if cur := ec.Request(); cur != r {
				removeMultipartFiles(cur)
			}
		}()
		return next(ec)
	}
}

func removeMultipartFiles(r *http.Request) {
	if r.MultipartForm != nil {
		_ = r.MultipartForm.RemoveAll()
	}
}

// parseForm reads a urlencoded or multipart form within maxFormBody; a larger body is a 413.
func parseForm(r *http.Request) error {
	var err error
	if isMultipart(r) {
		err = r.ParseMultipartForm(maxFormBody)
	} else {
		err = r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return echo.NewHTTPError(http.StatusRequestEntityTooLarge, "This form is too large.")
	case err != nil:
		return echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	return nil
}

// securityHeaders sets the headers every console response carries.
func (c *Console) securityHeaders(next echo.HandlerFunc) echo.HandlerFunc {
	return func(ec *echo.Context) error {
		h := ec.Response().Header()
		h.Set("Content-Security-Policy", c.csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cache-Control", "no-store")
		if ec.IsTLS() {
			h.Set("Strict-Transport-Security", "max-age=31536000")
		}
		return next(ec)
	}
}

// loadStaff puts the signed-in person, if any, and the session in the context.
func (c *Console) loadStaff(next echo.HandlerFunc) echo.HandlerFunc {
	return func(ec *echo.Context) error {
		staff, sess, err := c.auth.Current(ec.Request())
		if err != nil {
			return err
		}
		ec.Set(ctxSession, sess)
		if staff != nil {
			ec.Set(ctxStaff, staff)
		}
		return next(ec)
	}
}

// requireStaff sends people who are not signed in to sign in, and back here afterwards.
func (c *Console) requireStaff(next echo.HandlerFunc) echo.HandlerFunc {
	return func(ec *echo.Context) error {
		if staffOf(ec) != nil {
			return next(ec)
		}
		target := "/login?next=" + url.QueryEscape(ec.Request().URL.RequestURI())
		if ec.Request().Method != http.MethodGet {
			target = "/login"
		}
		if views.IsHTMX(ec.Request()) {
			ec.Response().Header().Set("HX-Redirect", target)
			return ec.NoContent(http.StatusUnauthorized)
		}
		return ec.Redirect(http.StatusSeeOther, target)
	}
}

// errForbidden is the one error for "your role cannot do this".
var errForbidden = echo.NewHTTPError(
	http.StatusForbidden,
	"Your role does not allow this. Ask an administrator if you need it.",
)

// require checks a permission on the server, whatever the page showed.
func (c *Console) require(p auth.Permission) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(ec *echo.Context) error {
			if !staffOf(ec).Can(p) {
				logDetail(ec, slog.String("refused", "needs permission "+string(p)))
				return errForbidden
			}
			return next(ec)
		}
	}
}

// requireRevoke admits roles that may revoke some links; which ones is checked per link.
func (c *Console) requireRevoke(next echo.HandlerFunc) echo.HandlerFunc {
	return func(ec *echo.Context) error {
		if s := staffOf(ec); s == nil || !auth.CanRevoke(s.Role) {
			logDetail(ec, slog.String("refused", "cannot revoke"))
			return errForbidden
		}
		return next(ec)
	}
}

// requireCSRF checks the per-session form token on every unsafe request: a hidden "csrf" field, or
// the X-CSRF-Token header htmx sends. Cross-origin requests are already refused by
// http.CrossOriginProtection; this also covers same-site attackers and old browsers.
func (c *Console) requireCSRF(next echo.HandlerFunc) echo.HandlerFunc {
	return func(ec *echo.Context) error {
		switch ec.Request().Method {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return next(ec)
		}
		s := staffOf(ec)
		r := ec.Request()
		token := r.Header.Get("X-CSRF-Token")
		streamed := isStreamedUpload(r)
		if token == "" && streamed {
			// Uploads stream: the handler checks the token in the first part before reading any file.
			return next(ec)
		}
		if !streamed {
			// Read (within maxFormBody) here, whether or not the token came in a header: a form too
			// large to read is a 413, never a handler acting on the part that fitted.
			if err := parseForm(r); err != nil {
				return err
			}
		}
		if token == "" {
			token = r.PostFormValue("csrf")
		}
		if s == nil || s.CSRF == "" || subtle.ConstantTimeCompare([]byte(token), []byte(s.CSRF)) != 1 {
			logDetail(
				ec,
				slog.String("refused", "form token mismatch"),
				slog.Bool("signed_in", s != nil),
				slog.Bool("token_given", token != ""),
			)
			return echo.NewHTTPError(
				http.StatusForbidden,
				"This form has expired. Go back, reload the page and try again.",
			)
		}
		return next(ec)
	}
}

// isStreamedUpload reports a post of files that streams through to the share API: its size is the
// files' (bounded by the API), and its handler reads the form token from the body itself.
func isStreamedUpload(r *http.Request) bool {
	return isMultipart(r) && (r.URL.Path == "/files/upload" || r.URL.Path == "/links/new/upload")
}

// isMultipart reports a multipart/form-data body; media types are case-insensitive.
func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return err == nil && mt == "multipart/form-data"
}

// routeLabel tells the metrics which route pattern served the request, so the request counters are
// labelled "/links/:id", never with the id itself.
func routeLabel(next echo.HandlerFunc) echo.HandlerFunc {
	return func(ec *echo.Context) error {
		metrics.SetRoute(ec.Request().Context(), ec.Path())
		return next(ec)
	}
}
