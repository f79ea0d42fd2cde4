package handlers

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views/console"
)

// handleError is the one place an error becomes a status and a page. Errors from the share API are
// translated into words for people; anything unexpected is logged with the request and shown as a
// 500 without details.
func (c *Console) handleError(ec *echo.Context, err error) {
	if r, _ := echo.UnwrapResponse(ec.Response()); r != nil && r.Committed {
		return
	}
	status, heading := http.StatusInternalServerError, "Something went wrong"
	msg := "This is our fault. Please try again in a minute."
	var he *echo.HTTPError
	var sc echo.HTTPStatusCoder
	var ae *api.Error
	var ue *url.Error
	var ne net.Error
	switch {
	case errors.As(err, &he):
		status, msg = he.Code, he.Message
		heading = http.StatusText(status)
		if status == http.StatusForbidden {
			heading = "Not allowed"
		}
		if status == http.StatusNotFound && msg == "" {
			msg = "There is no such page."
		}
	case errors.As(err, &sc) && sc.StatusCode() > 0 && !errors.As(err, &ae):
		status = sc.StatusCode()
		heading = http.StatusText(status)
		msg = "There is no such page."
		if status != http.StatusNotFound {
			msg = http.StatusText(status)
		}
	case errors.As(err, &ae):
		switch ae.Status {
		case "NotFound":
			status, heading, msg = http.StatusNotFound, "Not found", "It may have been revoked or deleted already."
		case "Unauthorized":
			status, heading = http.StatusBadGateway, "The share service refused the console"
			msg = "The console's service token was not accepted. An administrator needs to check it."
		case "ValidationError":
			status, heading, msg = http.StatusBadRequest, "That request was not accepted", ae.Summary
		default:
			status, heading, msg = http.StatusBadGateway, "The share service could not do that", ae.Summary
		}
	case errors.As(err, &ue), errors.As(err, &ne):
		status, heading = http.StatusServiceUnavailable, "The share service is unreachable"
		msg = "The console cannot reach the share service right now. Nothing was changed; try again in a minute."
	case errors.Is(err, context.Canceled):
		return
	}
	// The request log line records the error with the status (one line per request).
	p := c.page(ec, heading, "")
	vm := console.MessageVM{Page: p, Heading: heading, Message: msg}
	if staffOf(ec) != nil {
		vm.Action, vm.URL = "Back to links", "/links"
	}
	if rerr := c.render(ec, status, console.Message(vm)); rerr != nil {
		c.log.ErrorContext(ec.Request().Context(), "render error page", "err", rerr)
		_ = ec.String(status, msg)
	}
}

// asAPIError reports whether err is (or wraps) an error the share service answered with.
func asAPIError(err error, target **api.Error) bool { return err != nil && errors.As(err, target) }
