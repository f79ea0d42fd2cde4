package handlers

import (
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views/console"
)

// tokenRow is a token as the pages show it.
func tokenRow(t api.APIToken) console.TokenRow {
	r := console.TokenRow{ID: t.ID, Name: t.Name, Fingerprint: t.Fingerprint, Admin: t.Admin, Created: t.CreatedAt}
	if t.LastUsedAt != nil {
		r.LastUsed = *t.LastUsedAt
	}
	if t.RevokedAt != nil {
		r.Revoked = *t.RevokedAt
	}
	return r
}

// tokensUnavailable words why the share service will not let the console manage tokens, or returns
// err when it is some other trouble.
func tokensUnavailable(err error) (string, error) {
	var ae *api.Error
	switch {
	case asAPIError(err, &ae) && ae.Status == "Forbidden":
		return "The console's service token is not an admin token, so API tokens cannot be managed here. " +
			"Give the console a token made with “sharedesk token create --admin --name console”, " +
			"or manage tokens on the server with “sharedesk token”.", nil
	case asAPIError(err, &ae) && ae.HTTPStatus == http.StatusNotFound:
		return "This share service does not offer token management (Pangea's hosted service manages its " +
			"tokens in the Pangea console).", nil
	}
	return "", err
}

// tokensPage fills the API tokens page: the tokens, newest first, or why they cannot be shown.
func (c *Console) tokensPage(ec *echo.Context) (console.TokensVM, error) {
	vm := console.TokensVM{Page: c.page(ec, "API tokens", "tokens"), Now: c.opt.Now(), Errors: map[string]string{}}
	res, err := c.api.Tokens(ec.Request().Context())
	if err != nil {
		vm.Unavailable, err = tokensUnavailable(err)
		return vm, err
	}
	for i := len(res.Tokens) - 1; i >= 0; i-- {
		vm.Tokens = append(vm.Tokens, tokenRow(res.Tokens[i]))
	}
	return vm, nil
}

// listTokens handles GET /admin/tokens (admins).
func (c *Console) listTokens(ec *echo.Context) error {
	vm, err := c.tokensPage(ec)
	if err != nil {
		return err
	}
	return c.render(ec, http.StatusOK, console.Tokens(vm))
}
