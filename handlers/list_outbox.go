package handlers

import (
	"net/http"
	"regexp"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/views/console"
)

var linkPattern = regexp.MustCompile(`https?://\S+/s/[a-z2-7]{32}`)

// listOutbox handles GET /outbox (demo): what the share server would have sent.
func (c *Console) listOutbox(ec *echo.Context) error {
	vm := console.OutboxVM{Page: c.page(ec, "Outbox", "outbox")}
	if c.opt.Outbox == nil {
		return c.render(ec, http.StatusOK, console.Outbox(vm))
	}
	msgs, err := c.opt.Outbox.Messages(ec.Request().Context(), 100)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		vm.Messages = append(
			vm.Messages,
			console.OutboxMessage{Kind: m.Kind, To: m.To, Subject: m.Subject, Text: m.Text, At: m.CreatedAt,
				Link: linkPattern.FindString(m.Text)},
		)
	}
	return c.render(ec, http.StatusOK, console.Outbox(vm))
}
