package handlers

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/auth"
	"github.com/sharedesk/sharedesk/views/console"
)

// listSessions handles GET /admin/sessions.
func (c *Console) listSessions(ec *echo.Context) error {
	now := c.opt.Now()
	rows, err := c.db.Sessions(
		ec.Request().Context(),
		now.Add(-auth.IdleTimeout).UnixMicro(),
		now.Add(-auth.AbsoluteTimeout).UnixMicro(),
	)
	if err != nil {
		return err
	}
	vm := console.SessionsVM{Page: c.page(ec, "Sessions", "sessions")}
	mine := ""
	if ck, err := ec.Cookie(c.auth.SessionCookie); err == nil {
		mine = auth.HashID(ck.Value)
	}
	for _, s := range rows {
		vm.Rows = append(
			vm.Rows,
			console.SessionRow{
				IDHash: s.IDHash,
				Name:   s.Name,
				Email:  s.Email,
				Role:   s.Role,
				Client: s.Client,
				Agent:  s.UserAgent,
				Created: time.UnixMicro(
					s.CreatedAt,
				),
				LastSeen: time.UnixMicro(s.LastSeenAt),
				Current:  s.IDHash == mine,
			},
		)
	}
	return c.render(ec, http.StatusOK, console.Sessions(vm))
}
