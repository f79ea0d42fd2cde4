package handlers

import (
	"github.com/labstack/echo/v5"
)

// endSession handles POST /admin/sessions/:id/end.
func (c *Console) endSession(ec *echo.Context) error {
	id := ec.Param("id")
	if err := c.auth.Store().EndSessionByHash(ec.Request().Context(), id); err != nil {
		return err
	}
	c.audit(ec, "end-session", id[:min(12, len(id))], "", "ok")
	c.flash(ec, "The session has ended; that person must sign in again.", false)
	return seeOther(ec, "/admin/sessions")
}
