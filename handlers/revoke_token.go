package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views/console"
)

// liveToken finds a token the console may revoke: live, and not an admin token.
func (c *Console) liveToken(ec *echo.Context, id string) (api.APIToken, error) {
	res, err := c.api.Tokens(ec.Request().Context())
	if err != nil {
		return api.APIToken{}, err
	}
	for _, t := range res.Tokens {
		switch {
		case t.ID != id:
		case t.RevokedAt != nil:
			return t, echo.NewHTTPError(http.StatusNotFound, fmt.Sprintf("The token “%s” is revoked already.", t.Name))
		case t.Admin:
			return t, echo.NewHTTPError(http.StatusForbidden, fmt.Sprintf(
				"“%s” is an admin token: revoke it on the server with sharedesk token revoke.", t.Name))
		default:
			return t, nil
		}
	}
	return api.APIToken{}, echo.NewHTTPError(http.StatusNotFound, "There is no such token.")
}

// confirmRevokeToken handles GET /admin/tokens/:id/revoke: the question, before anything happens.
func (c *Console) confirmRevokeToken(ec *echo.Context) error {
	t, err := c.liveToken(ec, ec.Param("id"))
	if err != nil {
		return err
	}
	return c.render(ec, http.StatusOK, console.RevokeTokenConfirm(console.RevokeTokenVM{
		Page: c.page(ec, "Revoke an API token", "tokens"), Token: tokenRow(t)}))
}

// revokeToken handles POST /admin/tokens/:id/revoke. Only a confirmed post revokes (the confirmation
// page's, or the list's after the browser asked); any other goes to the confirmation page.
func (c *Console) revokeToken(ec *echo.Context) error {
	id := ec.Param("id")
	if !confirmed(ec) {
		return seeOther(ec, "/admin/tokens/"+id+"/revoke")
	}
	res, err := c.api.TokenRevoke(ec.Request().Context(), api.TokenRevokeRequest{ID: id})
	var ae *api.Error
	switch {
	case asAPIError(err, &ae) && (ae.Status == "NotFound" || ae.Status == "Forbidden"):
		c.audit(ec, "token-revoke", id, ae.Summary, "failed")
		c.flash(ec, "That token could not be revoked: it is revoked already, or it is an admin token.", true)
		return seeOther(ec, "/admin/tokens")
	case err != nil:
		c.audit(ec, "token-revoke", id, err.Error(), "failed")
		return err
	}
	c.audit(ec, "token-revoke", id, res.Token.Name+" ("+res.Token.Fingerprint+")", "ok")
	c.flash(ec, fmt.Sprintf("Revoked the API token “%s”. It stops working at its next request.", res.Token.Name), false)
	return seeOther(ec, "/admin/tokens")
}
