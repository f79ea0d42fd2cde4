package auth

import (
	"net/http"
	"net/url"
)

// Logout ends the session and returns where to send the browser: the provider's end-session endpoint
// when it has one, so the provider's session ends too.
func (a *Auth) Logout(w http.ResponseWriter, r *http.Request) (string, error) {
	_, sess, err := a.Current(r)
	if err != nil {
		return "", err
	}
	idToken, _ := sess.Values[keyIDToken].(string)
	sess.Options.MaxAge = -1
	if err := a.store.Save(r, w, sess); err != nil {
		return "", err
	}
	if a.endSession == "" {
		return "/signed-out", nil
	}
	u := a.endSession + "?client_id=" + url.QueryEscape(a.cfg.ClientID)
	if idToken != "" {
		u += "&id_token_hint=" + url.QueryEscape(idToken)
	}
	if a.cfg.PostLogoutURL != "" {
		u += "&post_logout_redirect_uri=" + url.QueryEscape(a.cfg.PostLogoutURL)
	}
	return u, nil
}
