package handlers

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/applog"
	"github.com/sharedesk/sharedesk/auth"
)

const (
	ctxStaff   = "staff"
	ctxSession = "session"
)

func staffOf(ec *echo.Context) *auth.Staff {
	s, _ := ec.Get(ctxStaff).(*auth.Staff)
	return s
}

func sessionOf(ec *echo.Context) *sessions.Session {
	s, _ := ec.Get(ctxSession).(*sessions.Session)
	return s
}

// logRequests gives every request an id (on every log line) and logs it when done.
func (c *Console) logRequests(next echo.HandlerFunc) echo.HandlerFunc {
	return func(ec *echo.Context) error {
		start := time.Now()
		id := "crq_" + strconv.FormatInt(start.UnixNano(), 36)
		r := ec.Request()
		ec.SetRequest(r.WithContext(applog.WithRequestID(r.Context(), id)))
		ec.Response().Header().Set("X-Request-Id", id)
		err := next(ec)
		status := 0
		if resp, uerr := echo.UnwrapResponse(ec.Response()); uerr == nil {
			status = resp.Status
		}
		c.log.InfoContext(ec.Request().Context(), "request", "method", r.Method, "path", r.URL.Path, "status", status,
			"duration_ms", float64(time.Since(start).Microseconds())/1000, "error", err != nil)
		return err
	}
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
		if ec.Request().Header.Get("HX-Request") == "true" {
			ec.Response().Header().Set("HX-Redirect", target)
			return ec.NoContent(http.StatusUnauthorized)
		}
		return ec.Redirect(http.StatusSeeOther, target)
	}
}

// errForbidden is the one error for "your role cannot do this".
var errForbidden = echo.NewHTTPError(http.StatusForbidden, "Your role does not allow this. Ask an administrator if you need it.")

// require checks a permission on the server, whatever the page showed.
func (c *Console) require(p auth.Permission) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(ec *echo.Context) error {
			if !staffOf(ec).Can(p) {
				c.log.WarnContext(ec.Request().Context(), "forbidden", "who", staffOf(ec).Email, "permission", string(p), "path", ec.Request().URL.Path)
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
		if token == "" && isMultipart(r) && r.URL.Path == "/files/upload" {
			// Uploads stream: the handler checks the token in the first part before reading any file.
			return next(ec)
		}
		if token == "" {
			if isMultipart(r) {
				r.Body = http.MaxBytesReader(ec.Response(), r.Body, 1<<20)
				_ = r.ParseMultipartForm(1 << 20)
			}
			token = r.PostFormValue("csrf")
		}
		if s == nil || s.CSRF == "" || subtle.ConstantTimeCompare([]byte(token), []byte(s.CSRF)) != 1 {
			c.log.WarnContext(ec.Request().Context(), "form token mismatch", "path", ec.Request().URL.Path, "signed_in", s != nil, "token_given", token != "")
			return echo.NewHTTPError(http.StatusForbidden, "This form has expired. Go back, reload the page and try again.")
		}
		return next(ec)
	}
}

func isMultipart(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	return len(ct) >= 19 && ct[:19] == "multipart/form-data"
}
