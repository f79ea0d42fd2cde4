// Package portal serves the recipient's side of a share link: open it, prove who you are by password
// or one-time code, then download, upload or edit exactly what was shared. Every page works without
// JavaScript; a small script adds upload progress and delete confirmation.
package portal

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/a-h/templ"

	"github.com/sharedesk/sharedesk/applog"
	"github.com/sharedesk/sharedesk/proxyaddr"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/static"
	pages "github.com/sharedesk/sharedesk/views/portal"
)

// Handler serves the portal.
type Handler struct {
	svc       *share.Service
	log       *slog.Logger
	maxUpload int64
	secure    bool
	cookie    string
	flash     string
}

// Options configure the portal.
type Options struct {
	// PublicURL is the share server's external URL. Cookies are Secure with the __Host- prefix when it
	// is https or a loopback address (browsers treat both as secure contexts).
	PublicURL     string
	MaxUploadSize int64
}

// New returns the portal handler.
func New(svc *share.Service, log *slog.Logger, opt Options) *Handler {
	h := &Handler{svc: svc, log: log, maxUpload: opt.MaxUploadSize, secure: secureOrigin(opt.PublicURL)}
	h.cookie, h.flash = "sd-portal", "sd-flash"
	if h.secure {
		h.cookie, h.flash = "__Host-sd-portal", "__Host-sd-flash"
	}
	return h
}

func secureOrigin(publicURL string) bool {
	if strings.HasPrefix(publicURL, "https://") {
		return true
	}
	host := strings.TrimPrefix(publicURL, "http://")
	if i := strings.IndexAny(host, "/"); i >= 0 {
		host = host[:i]
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Register adds the portal's routes to mux.
func (h *Handler) Register(mux *http.ServeMux) {
	cop := http.NewCrossOriginProtection()
	page := func(f http.HandlerFunc) http.Handler { return h.headers(f) }
	post := func(f http.HandlerFunc) http.Handler { return h.headers(cop.Handler(f)) }
	signedIn := func(f func(http.ResponseWriter, *http.Request, share.Link, string)) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) { h.withSession(w, r, f) }
	}
	mux.Handle("GET /s/{token}", page(h.openLink))
	mux.Handle("POST /s/{token}/password", post(h.checkPassword))
	mux.Handle("POST /s/{token}/code", post(h.sendCode))
	mux.Handle("POST /s/{token}/verify", post(h.verifyCode))
	mux.Handle("GET /p/{$}", page(signedIn(h.showHome)))
	mux.Handle("GET /p/f/{id}", page(signedIn(h.showFolder)))
	mux.Handle("GET /p/d/{id}", h.headers(signedIn(h.downloadFile)))
	mux.Handle("GET /p/zip", h.headers(signedIn(h.downloadZip)))
	mux.Handle("POST /p/upload/{id}", post(signedIn(h.uploadFiles)))
	mux.Handle("POST /p/rename/{id}", post(signedIn(h.renameObject)))
	mux.Handle("POST /p/delete/{id}", post(signedIn(h.deleteObject)))
	mux.Handle("POST /p/signout", post(signedIn(h.signOut)))
	mux.Handle("GET /static/", h.headers(http.StripPrefix("/static/", static.Files(static.FS))))
}

// headers sets the security headers of every portal response.
func (h *Handler) headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set(
			"Content-Security-Policy",
			"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "+
				"form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
		)
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer") // the link token must not leak through Referer
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Cache-Control", "no-store")
		if r.TLS != nil || (h.secure && r.Header.Get("X-Forwarded-Proto") == "https") {
			hd.Set("Strict-Transport-Security", "max-age=31536000")
		}
		// The recipient's address goes into the link's history with what they do.
		next.ServeHTTP(w, r.WithContext(share.WithClient(r.Context(), proxyaddr.RemoteHost(r))))
	})
}

// render writes a component through a buffer, so a failed render can still become an error page.
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		h.log.ErrorContext(r.Context(), "render", "err", err)
		http.Error(w, "Something went wrong. Please try again.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// fail is the one place an error becomes a status and a page. Every *share.Error is something the
// recipient caused or can act on, so it gets a 4xx page with its message; only other errors are ours
// (500, logged as errors).
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	err = share.Classify(err)
	var e *share.Error
	switch {
	case share.IsCode(err, share.CodeUnavailable), share.IsCode(err, share.CodeStorageFull):
		h.log.WarnContext(r.Context(), "portal unavailable", "err", errors.Unwrap(err))
		status := http.StatusServiceUnavailable
		if share.IsCode(err, share.CodeStorageFull) {
			status = http.StatusInsufficientStorage
		}
		w.Header().Set("Retry-After", "5")
		h.render(
			w,
			r,
			status,
			pages.Gone(pages.GoneVM{Heading: "Please try again in a moment", Message: say(err)}),
		)
	case share.IsCode(err, share.CodeNotFound):
		h.render(
			w,
			r,
			http.StatusNotFound,
			pages.Gone(
				pages.GoneVM{
					Heading: "This link is not available",
					Message: gentle(err, "The link may have been revoked, or mistyped."),
				},
			),
		)
	case share.IsCode(err, share.CodeGone):
		h.render(
			w,
			r,
			http.StatusGone,
			pages.Gone(pages.GoneVM{Heading: "This link can no longer be opened", Message: say(err)}),
		)
	case errors.Is(err, context.Canceled):
		h.log.InfoContext(r.Context(), "client went away")
	case errors.As(err, &e) && e.Code != share.CodeInternal:
		status, heading := clientErrorStatus(e.Code)
		h.log.InfoContext(r.Context(), "portal request refused", "code", e.Code)
		h.render(w, r, status, pages.Gone(pages.GoneVM{Heading: heading, Message: say(err)}))
	default:
		h.log.ErrorContext(r.Context(), "portal error", "err", err)
		h.render(w, r, http.StatusInternalServerError, pages.Gone(pages.GoneVM{Heading: "Something went wrong",
			Message: "This is our fault, not yours. Please try again in a minute. Reference: " +
				applog.RequestID(r.Context())}))
	}
}

// clientErrorStatus maps the codes of errors a recipient can cause to a status and a page heading.
func clientErrorStatus(code string) (int, string) {
	switch code {
	case share.CodeNotAllowed:
		return http.StatusForbidden, "This link does not allow that"
	case share.CodeAuthFailed, share.CodeUnauthorized:
		return http.StatusForbidden, "Not allowed"
	case share.CodeTooMany:
		return http.StatusTooManyRequests, "Too many requests"
	case share.CodeBusy:
		return http.StatusTooManyRequests, "Please try again"
	case share.CodeTooLarge:
		return http.StatusRequestEntityTooLarge, "Too large"
	case share.CodeObjectExists, share.CodeUpdatedAt:
		return http.StatusConflict, "That changed meanwhile"
	case share.CodeProvider:
		return http.StatusBadGateway, "Please try again"
	}
	return http.StatusBadRequest, "That did not work"
}

func gentle(err error, fallback string) string {
	if m := say(err); m != "" {
		return m
	}
	return fallback
}

func (h *Handler) setSession(w http.ResponseWriter, secret string) {
	http.SetCookie(
		w,
		&http.Cookie{Name: h.cookie, Value: secret, Path: "/", MaxAge: int(share.PortalSessionMax / time.Second),
			HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode},
	)
}

func (h *Handler) clearSession(w http.ResponseWriter) {
	http.SetCookie(
		w,
		&http.Cookie{
			Name:     h.cookie,
			Value:    "",
			Path:     "/",
			MaxAge:   -1,
			HttpOnly: true,
			Secure:   h.secure,
			SameSite: http.SameSiteLaxMode,
		},
	)
}

// csrfToken ties form posts to the session: only a page that saw the session can know it.
func csrfToken(secret string) string {
	sum := sha256.Sum256([]byte("sharedesk portal form|" + secret))
	return hex.EncodeToString(sum[:16])
}

// withSession loads the recipient's session; a revoked or expired link ends it on the spot.
func (h *Handler) withSession(
	w http.ResponseWriter,
	r *http.Request,
	next func(http.ResponseWriter, *http.Request, share.Link, string),
) {
	c, err := r.Cookie(h.cookie)
	secret := ""
	if err == nil {
		secret = c.Value
	}
	l, err := h.svc.Session(r.Context(), secret)
	if err != nil {
		if share.IsCode(err, share.CodeNotFound) || share.IsCode(err, share.CodeGone) {
			h.clearSession(w)
			h.log.InfoContext(r.Context(), "portal request refused", "reason", share.ErrorMessage(err))
		}
		h.fail(w, r, err)
		return
	}
	next(w, r, l, secret)
}

type flash struct {
	OK  []string `json:"ok,omitempty"`
	Err string   `json:"err,omitempty"`
}

// setFlash keeps messages for the page after a redirect, in a short-lived cookie.
func (h *Handler) setFlash(w http.ResponseWriter, f flash) {
	raw, _ := json.Marshal(f)
	http.SetCookie(
		w,
		&http.Cookie{Name: h.flash, Value: base64.RawURLEncoding.EncodeToString(raw), Path: "/", MaxAge: 60,
			HttpOnly: true, Secure: h.secure, SameSite: http.SameSiteLaxMode},
	)
}

func (h *Handler) takeFlash(w http.ResponseWriter, r *http.Request) flash {
	var f flash
	c, err := r.Cookie(h.flash)
	if err != nil {
		return f
	}
	http.SetCookie(
		w,
		&http.Cookie{
			Name:     h.flash,
			Value:    "",
			Path:     "/",
			MaxAge:   -1,
			HttpOnly: true,
			Secure:   h.secure,
			SameSite: http.SameSiteLaxMode,
		},
	)
	if raw, err := base64.RawURLEncoding.DecodeString(c.Value); err == nil {
		_ = json.Unmarshal(raw, &f)
	}
	return f
}

func redirect(w http.ResponseWriter, r *http.Request, url string) {
	http.Redirect(w, r, url, http.StatusSeeOther)
}
