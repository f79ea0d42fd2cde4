// Package handlers is the admin console: Echo handlers, one area per file, that call the share
// service only through package api (the same client works against Pangea's hosted service) and keep
// their own records (sessions, audit) through package consoledb.
package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/a-h/templ"
	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/applog"
	"github.com/sharedesk/sharedesk/auth"
	"github.com/sharedesk/sharedesk/consoledb"
	"github.com/sharedesk/sharedesk/notify"
	"github.com/sharedesk/sharedesk/static"
	"github.com/sharedesk/sharedesk/views"
	"github.com/sharedesk/sharedesk/views/console"
)

// OutboxReader lists the messages the share server kept instead of sending (demo only).
type OutboxReader interface {
	Messages(ctx context.Context, limit int) ([]notify.Message, error)
}

// Options configure the console.
type Options struct {
	Demo          bool
	Outbox        OutboxReader // nil outside demo
	MaxExpiryDays int          // the share server's maximum link lifetime, for the form
	MaxAccess     int          // the share server's maximum access limit, for the form
	Assets        fs.FS        // served under /static/; static.FS when nil
	Now           func() time.Time
}

// Console holds what every console handler needs.
type Console struct {
	api  *api.Client
	db   *consoledb.DB
	auth *auth.Auth
	log  *slog.Logger
	opt  Options
	htmx string
	csp  string

	anonAudit *anonAuditLimit
}

// New returns the console.
func New(client *api.Client, db *consoledb.DB, a *auth.Auth, log *slog.Logger, opt Options) *Console {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.MaxExpiryDays == 0 {
		opt.MaxExpiryDays = 90
	}
	if opt.MaxAccess == 0 {
		opt.MaxAccess = 1000
	}
	c := &Console{api: client, db: db, auth: a, log: log, opt: opt, anonAudit: newAnonAuditLimit()}
	// form-action also names the identity provider: signing out redirects the form there.
	c.csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
		"form-action 'self' " + a.EndSessionOrigin() + "; frame-ancestors 'none'; base-uri 'none'"
	if c.opt.Assets == nil {
		c.opt.Assets = static.FS
	}
	// htmx is embedded in every build; main refuses to start when it is missing (static.Check).
	c.htmx = "/static/vendor/htmx.min.js"
	return c
}

// Handler returns the console's HTTP handler: Echo routes behind Go's cross-origin protection.
func (c *Console) Handler() http.Handler {
	return http.NewCrossOriginProtection().Handler(c.router())
}

// router builds the Echo routes. The request log comes first so that it records the status of
// everything after it, panics included (recoverPanics turns them into 500 errors).
func (c *Console) router() *echo.Echo {
	e := echo.New()
	e.Logger = c.log
	e.HTTPErrorHandler = c.handleError
	e.Use(c.requestLog(), recoverPanics(), limitBody, c.securityHeaders, c.loadStaff, routeLabel)

	e.GET("/", c.showHome)
	e.GET("/login", c.beginSignIn)
	e.GET("/auth/callback", c.finishSignIn)
	e.GET("/signed-out", c.showSignedOut)
	e.POST("/logout", c.signOut, c.requireCSRF)
	e.GET("/favicon.ico", func(ec *echo.Context) error { return ec.NoContent(http.StatusNoContent) })
	e.GET("/static/*", echo.WrapHandler(http.StripPrefix("/static/", static.Files(c.opt.Assets))))

	signedIn := e.Group("", c.requireStaff, c.requireCSRF)
	signedIn.GET("/links", c.listLinks, c.require(auth.Browse))
	signedIn.GET("/links/new", c.newLinkForm, c.require(auth.Create))
	signedIn.POST("/links/new", c.createLinks, c.require(auth.Create))
	signedIn.POST("/links/new/browse", c.browseLinkForm, c.require(auth.Create))
	signedIn.POST("/links/new/upload", c.uploadToNewLink, c.require(auth.Create))
	signedIn.GET("/links/created/:batch", c.showCreated, c.require(auth.Create))
	signedIn.GET("/links/revoke", c.confirmRevoke, c.requireRevoke)
	signedIn.POST("/links/revoke", c.revokeLinks, c.requireRevoke)
	signedIn.GET("/links/:id", c.showLink, c.require(auth.Browse))
	signedIn.GET("/links/:id/history.csv", c.exportHistory, c.require(auth.Browse))
	signedIn.POST("/links/:id/send", c.sendLink, c.require(auth.Send))
	signedIn.GET("/links/:id/edit", c.showEditLink, c.require(auth.Send))
	signedIn.POST("/links/:id/edit", c.editLink, c.require(auth.Send))
	signedIn.GET("/files", c.listFiles, c.require(auth.Browse))
	signedIn.POST("/files/upload", c.uploadFiles, c.require(auth.Create))
	signedIn.POST("/files/folder", c.createFolder, c.require(auth.Create))
	signedIn.POST("/files/:id/delete", c.deleteFile, c.require(auth.DeleteFile))
	// The dashboard, activity across links, API tokens, and acting on files: downloads and previews for
	// everyone who browses; renaming and moving for admins, and for sharers what they uploaded or made;
	// every destructive action has a confirmation page for browsers without JavaScript.
	signedIn.GET("/dashboard", c.showDashboard, c.require(auth.Browse))
	signedIn.GET("/activity", c.listActivity, c.require(auth.Browse))
	signedIn.GET("/admin/tokens", c.listTokens, c.require(auth.Admin))
	signedIn.POST("/admin/tokens", c.createToken, c.require(auth.Admin))
	signedIn.GET("/admin/tokens/created", c.showCreatedToken, c.require(auth.Admin))
	signedIn.GET("/admin/tokens/:id/revoke", c.confirmRevokeToken, c.require(auth.Admin))
	signedIn.POST("/admin/tokens/:id/revoke", c.revokeToken, c.require(auth.Admin))
	signedIn.GET("/files/:id/download", c.downloadFile, c.require(auth.Browse))
	signedIn.GET("/files/:id/preview", c.previewFile, c.require(auth.Browse))
	signedIn.GET("/files/:id/rename", c.showRenameFile, c.require(auth.Create))
	signedIn.POST("/files/:id/rename", c.renameFile, c.require(auth.Create))
	signedIn.GET("/files/:id/move", c.showMoveFile, c.require(auth.Create))
	signedIn.POST("/files/:id/move", c.moveFile, c.require(auth.Create))
	signedIn.GET("/files/:id/delete", c.confirmDelete, c.require(auth.DeleteFile))
	signedIn.GET("/audit", c.listAudit, c.require(auth.Admin))
	signedIn.GET("/admin/sessions", c.listSessions, c.require(auth.Admin))
	signedIn.POST("/admin/sessions/:id/end", c.endSession, c.require(auth.Admin))
	if c.opt.Demo {
		// The demo's stand-in for the recipients' mailboxes holds their codes: for those who send links
		// (to play the recipient of their own), not for viewers, who would get in as anyone.
		signedIn.GET("/outbox", c.listOutbox, c.require(auth.Send))
	}
	return e
}

// render writes a whole page.
func (c *Console) render(ec *echo.Context, status int, page templ.Component) error {
	return c.renderWholeOrPart(ec, status, page, nil)
}

// renderWholeOrPart writes the page, or the part of it htmx asked for, through a buffer, so a render
// error can still become an error page.
func (c *Console) renderWholeOrPart(ec *echo.Context, status int, whole, part templ.Component) error {
	comp := views.WholeOrPart(ec.Response().Header(), ec.Request(), whole, part)
	var buf bytes.Buffer
	if err := comp.Render(ec.Request().Context(), &buf); err != nil {
		return err
	}
	return ec.HTMLBlob(status, buf.Bytes())
}

// page fills the frame every page shares: who is signed in, flashes, the form token.
func (c *Console) page(ec *echo.Context, title, section string) console.Page {
	p := console.Page{Title: title, Section: section, Demo: c.opt.Demo, HTMXSrc: c.htmx}
	s := staffOf(ec)
	if s == nil {
		return p
	}
	p.CSRF = s.CSRF
	p.Staff = console.StaffVM{
		Name:           s.Name,
		Email:          s.Email,
		Role:           s.Role,
		CanRevoke:      auth.CanRevoke(s.Role),
		CanSend:        s.Can(auth.Send),
		CanCreate:      s.Can(auth.Create),
		CanDeleteFiles: s.Can(auth.DeleteFile),
		CanAdmin:       s.Can(auth.Admin),
	}
	if sess := sessionOf(ec); sess != nil {
		for _, f := range sess.Flashes() {
			if m, ok := f.(string); ok {
				p.Flash = append(p.Flash, m)
			}
		}
		for _, f := range sess.Flashes("error") {
			if m, ok := f.(string); ok {
				p.Error = m
			}
		}
		fields := sess.Flashes("field")
		for _, f := range fields {
			if m, ok := f.(string); ok {
				_ = json.Unmarshal([]byte(m), &p.FieldFlash)
			}
		}
		if len(p.Flash) > 0 || p.Error != "" || len(fields) > 0 {
			if err := sess.Save(ec.Request(), ec.Response()); err != nil {
				c.log.WarnContext(ec.Request().Context(), "save session", "err", err)
			}
		}
	}
	return p
}

// flash keeps a message for the next page.
func (c *Console) flash(ec *echo.Context, msg string, isError bool) {
	sess := sessionOf(ec)
	if sess == nil {
		return
	}
	// Flashes can quote what was typed (an address, a file name) and are stored with the session.
	msg = applog.Clip(msg, 1024)
	if isError {
		sess.AddFlash(msg, "error")
	} else {
		sess.AddFlash(msg)
	}
	if err := sess.Save(ec.Request(), ec.Response()); err != nil {
		c.log.WarnContext(ec.Request().Context(), "save flash", "err", err)
	}
}

// flashField keeps a form field's problem, and what was typed there, for the next page, which shows
// them at that field (for forms that redirect after posting: upload and new folder).
func (c *Console) flashField(ec *echo.Context, field, value, msg string) {
	sess := sessionOf(ec)
	if sess == nil {
		return
	}
	raw, _ := json.Marshal(console.FieldFlash{Field: field, Value: applog.Clip(value, 512),
		Message: applog.Clip(msg, 1024)})
	sess.AddFlash(string(raw), "field")
	if err := sess.Save(ec.Request(), ec.Response()); err != nil {
		c.log.WarnContext(ec.Request().Context(), "save flash", "err", err)
	}
}

// audit records a staff action; a failure to record is logged, never shown as the action failing.
func (c *Console) audit(ec *echo.Context, action, target, detail, outcome string) {
	s := staffOf(ec)
	e := consoledb.Entry{
		Action:  action,
		Target:  target,
		Detail:  detail,
		Outcome: outcome,
		Client:  ec.RealIP(),
		At:      c.opt.Now().UTC(),
	}
	if s != nil {
		e.ActorSub, e.ActorEmail = s.Subject, s.Email
	}
	if err := c.db.Record(ec.Request().Context(), e); err != nil {
		c.log.ErrorContext(ec.Request().Context(), "audit record", "err", err, "action", action)
	}
}

// seeOther redirects after a post: HX-Redirect for htmx, 303 otherwise.
func seeOther(ec *echo.Context, url string) error {
	if views.IsHTMX(ec.Request()) {
		ec.Response().Header().Set("HX-Redirect", url)
		return ec.NoContent(http.StatusOK)
	}
	return ec.Redirect(http.StatusSeeOther, url)
}
