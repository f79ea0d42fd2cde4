package handlers

import (
	"net/http"

	"github.com/labstack/echo/v5"
)

// HandlerWithPanic is Handler plus GET /panic, a route that panics, for testing recovery.
func (c *Console) HandlerWithPanic() http.Handler {
	e := c.router()
	e.GET("/panic", func(*echo.Context) error { panic("boom in a handler") })
	return http.NewCrossOriginProtection().Handler(e)
}
