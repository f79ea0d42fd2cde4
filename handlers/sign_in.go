package handlers

import (
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/auth"
	"github.com/sharedesk/sharedesk/consoledb"
	"github.com/sharedesk/sharedesk/views/console"
)

// beginSignIn handles GET /login: off to the identity provider.
func (c *Console) beginSignIn(ec *echo.Context) error {
	next := ec.QueryParam("next")
	if staffOf(ec) != nil {
		return ec.Redirect(http.StatusSeeOther, auth.ReturnPathOr(next, landing(staffOf(ec))))
	}
	u, err := c.auth.BeginLogin(ec.Response(), ec.Request(), next)
	if err != nil {
		return err
	}
	return ec.Redirect(http.StatusFound, u)
}

// finishSignIn handles GET /auth/callback, where the provider sends people back.
func (c *Console) finishSignIn(ec *echo.Context) error {
	staff, next, err := c.auth.FinishLogin(ec.Response(), ec.Request())
	var le *auth.LoginError
	if errors.As(err, &le) {
		logDetail(ec, slog.String("refused", le.Reason), slog.String("email", le.Email))
		if c.anonAudit.allow(ec.RealIP()) {
			entry := consoledb.Entry{ActorSub: le.Subject, ActorEmail: le.Email, Action: "sign-in",
				Detail: le.Reason, Outcome: "denied", Client: ec.RealIP(), At: c.opt.Now().UTC()}
			if err := c.db.Record(ec.Request().Context(), entry); err != nil {
				logDetail(ec, slog.String("audit_error", err.Error()))
			}
		} else {
			logDetail(ec, slog.Bool("audit_skipped", true))
		}
		return c.render(
			ec,
			http.StatusForbidden,
			console.Message(console.MessageVM{Page: c.page(ec, "Sign-in refused", ""),
				Heading: "You could not be signed in", Message: le.Message, Action: "Try again", URL: "/login"}),
		)
	}
	if err != nil {
		return err
	}
	ec.Set(ctxStaff, staff)
	c.audit(ec, "sign-in", "", "role "+staff.Role, "ok")
	// Without a page to return to, people start where their work is (see landing).
	if next = auth.ReturnPathOr(next, "/"); next == "/" {
		next = landing(staff)
	}
	return ec.Redirect(http.StatusSeeOther, next)
}

// signOut handles POST /logout: the session ends here and, when it can, at the provider.
func (c *Console) signOut(ec *echo.Context) error {
	c.audit(ec, "sign-out", "", "", "ok")
	u, err := c.auth.Logout(ec.Response(), ec.Request())
	if err != nil {
		return err
	}
	return ec.Redirect(http.StatusSeeOther, u)
}

// showSignedOut handles GET /signed-out.
func (c *Console) showSignedOut(ec *echo.Context) error {
	return c.render(ec, http.StatusOK, console.Message(console.MessageVM{Page: c.page(ec, "Signed out", ""),
		Heading: "You are signed out", Message: "Your console session has ended.",
		Action: "Sign in again", URL: "/login"}))
}
