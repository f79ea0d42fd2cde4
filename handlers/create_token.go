package handlers

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/gorilla/sessions"
	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views/console"
)

// newTokenKey is where a token just made waits in the session for the one page that shows it.
const newTokenKey = "new_token"

// pendingToken is a token just made. Its secret is sealed with a key derived from the session's own
// id, which only the browser's cookie holds (the database keeps its hash): the session row alone
// never reveals the token, and the page that shows it removes it.
type pendingToken struct {
	Token  api.APIToken `json:"token"`
	Sealed string       `json:"sealed"`
}

func pendingTokenCipher(sessionID string) (cipher.AEAD, error) {
	key := sha256.Sum256([]byte("sharedesk: a new API token, shown once\x00" + sessionID))
	block, err := aes.NewCipher(key[:])
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// keepNewToken puts a new token in the session, sealed, for showCreatedToken.
func keepNewToken(sess *sessions.Session, t api.APIToken, secret string) error {
	if sess == nil || sess.ID == "" {
		return errors.New("no session to keep the new token in")
	}
	aead, err := pendingTokenCipher(sess.ID)
	if err != nil {
		return err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return err
	}
	sealed := aead.Seal(nonce, nonce, []byte(secret), []byte(t.ID))
	raw, err := json.Marshal(pendingToken{Token: t, Sealed: base64.RawStdEncoding.EncodeToString(sealed)})
	if err != nil {
		return err
	}
	sess.Values[newTokenKey] = string(raw)
	return nil
}

// takeNewToken removes the new token from the session and opens it; ok is false when there is none.
func takeNewToken(sess *sessions.Session) (api.APIToken, string, bool) {
	raw, _ := sess.Values[newTokenKey].(string)
	delete(sess.Values, newTokenKey)
	var p pendingToken
	if raw == "" || json.Unmarshal([]byte(raw), &p) != nil {
		return api.APIToken{}, "", false
	}
	sealed, err := base64.RawStdEncoding.DecodeString(p.Sealed)
	aead, cerr := pendingTokenCipher(sess.ID)
	if err != nil || cerr != nil || len(sealed) < aead.NonceSize() {
		return api.APIToken{}, "", false
	}
	n := aead.NonceSize()
	secret, err := aead.Open(nil, sealed[:n], sealed[n:], []byte(p.Token.ID))
	if err != nil {
		return api.APIToken{}, "", false
	}
	return p.Token, string(secret), true
}

// createToken handles POST /admin/tokens (admins): the token is made, then the browser is sent to the
// page that shows it once (Post/Redirect/Get: a reload shows the page again, not the secret, and
// makes no second token). A refused name comes back beside the field, as typed.
func (c *Console) createToken(ec *echo.Context) error {
	form := tokenForm{newNameForm(ec)}
	refuse := func(msg string) error {
		vm, err := c.tokensPage(ec)
		if err != nil {
			return err
		}
		vm.Name, vm.Errors["name"] = form.Name, msg
		return c.render(ec, http.StatusBadRequest, console.Tokens(vm))
	}
	if errs := form.Validate(); len(errs) > 0 {
		return refuse(errs["name"])
	}
	name := form.trimmed()
	res, err := c.api.TokenCreate(ec.Request().Context(), api.TokenCreateRequest{Name: name})
	var ae *api.Error
	switch {
	case asAPIError(err, &ae) && ae.Status == "ValidationError" && len(ae.Errors) > 0 &&
		ae.Errors[0].Code == "BadState":
		c.audit(ec, "token-create", "", name+": name taken", "failed")
		return refuse(fmt.Sprintf(
			"A token named “%s” exists already. Choose another name, or revoke that token first.", name))
	case asAPIError(err, &ae) && ae.Status == "ValidationError" && len(ae.Errors) > 0:
		c.audit(ec, "token-create", "", name+": "+ae.Errors[0].Detail, "failed")
		return refuse("The name " + ae.Errors[0].Detail + ".")
	case err != nil:
		if _, other := tokensUnavailable(err); other == nil {
			c.audit(ec, "token-create", "", name+": "+err.Error(), "failed")
			c.flash(ec, "The share service did not let the console make a token.", true)
			return seeOther(ec, "/admin/tokens")
		}
		return err
	}
	c.audit(ec, "token-create", res.Token.ID, res.Token.Name+" ("+res.Token.Fingerprint+")", "ok")
	sess := sessionOf(ec)
	if err := keepNewToken(sess, res.Token, res.Secret); err != nil {
		return err
	}
	if err := sess.Save(ec.Request(), ec.Response()); err != nil {
		return err
	}
	return seeOther(ec, "/admin/tokens/created")
}

// showCreatedToken handles GET /admin/tokens/created: the new token's secret, this once. Taking it
// out of the session comes before the page, so a reload (or Back) finds it gone.
func (c *Console) showCreatedToken(ec *echo.Context) error {
	sess := sessionOf(ec)
	var t api.APIToken
	var secret string
	if _, waiting := sess.Values[newTokenKey]; waiting {
		t, secret, _ = takeNewToken(sess)
		if err := sess.Save(ec.Request(), ec.Response()); err != nil {
			return err
		}
	}
	return c.render(ec, http.StatusOK, console.TokenCreated(console.TokenCreatedVM{
		Page: c.page(ec, "New API token", "tokens"), Token: tokenRow(t), Secret: secret}))
}
