package portal

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/sharedesk/sharedesk/proxyaddr"
	"github.com/sharedesk/sharedesk/share"
)

// authForm reads the link and the chosen authenticator of an authentication post.
func (h *Handler) authForm(w http.ResponseWriter, r *http.Request) (share.Link, int, bool) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	l, err := h.svc.OpenLink(r.Context(), r.PathValue("token"))
	if err != nil {
		h.fail(w, r, err)
		return l, 0, false
	}
	i := authIndex(r.PathValue("token"), l, r.PostFormValue("auth"))
	if i < 0 {
		h.renderOpen(
			w,
			r,
			l,
			http.StatusBadRequest,
			openState{sent: -1, errIndex: -1, err: "Choose one of the ways to prove who you are."},
		)
		return l, 0, false
	}
	return l, i, true
}

// authFailed shows an authentication error on the open page with a fitting status.
func (h *Handler) authFailed(w http.ResponseWriter, r *http.Request, l share.Link, i int, err error) {
	switch {
	case share.IsCode(err, share.CodeGone), share.IsCode(err, share.CodeNotFound):
		h.fail(w, r, err)
	case share.IsCode(err, share.CodeBusy):
		// Not the recipient's mistake: other sign-ins were still being checked.
		w.Header().Set("Retry-After", "2")
		h.renderOpen(w, r, l, http.StatusTooManyRequests, openState{sent: -1, errIndex: i, err: say(err)})
	case share.IsCode(err, share.CodeTooMany):
		h.renderOpen(
			w,
			r,
			l,
			http.StatusTooManyRequests,
			openState{sent: -1, errIndex: i, err: say(err)},
		)
	case share.IsCode(err, share.CodeAuthFailed):
		h.renderOpen(w, r, l, http.StatusUnauthorized, openState{sent: -1, errIndex: i, err: say(err)})
	case share.IsCode(err, share.CodeProvider):
		h.renderOpen(w, r, l, http.StatusBadGateway, openState{sent: -1, errIndex: i, err: say(err)})
	default:
		h.fail(w, r, err)
	}
}

// signedIn starts the recipient's session and moves them off the token URL.
func (h *Handler) signedIn(w http.ResponseWriter, r *http.Request, secret string) {
	h.setSession(w, secret)
	redirect(w, r, "/p/")
}

// checkPassword handles POST /s/{token}/password.
func (h *Handler) checkPassword(w http.ResponseWriter, r *http.Request) {
	h.signInWith(w, r, "password", h.svc.CheckPassword)
}

// signInWith checks the form's field (a password or a code) with check, and signs the recipient in
// when it is right.
func (h *Handler) signInWith(
	w http.ResponseWriter,
	r *http.Request,
	field string,
	check func(ctx context.Context, l share.Link, authIndex int, secret, client string) (string, error),
) {
	l, i, ok := h.authForm(w, r)
	if !ok {
		return
	}
	secret, err := check(r.Context(), l, i, r.PostFormValue(field), proxyaddr.RemoteHost(r))
	if err != nil {
		h.authFailed(w, r, l, i, err)
		return
	}
	h.signedIn(w, r, secret)
}

// sendCode handles POST /s/{token}/code: email or text a one-time code.
func (h *Handler) sendCode(w http.ResponseWriter, r *http.Request) {
	l, i, ok := h.authForm(w, r)
	if !ok {
		return
	}
	d, err := h.svc.SendCode(r.Context(), l, i)
	if err != nil {
		h.authFailed(w, r, l, i, err)
		return
	}
	url := fmt.Sprintf("/s/%s?sent=%s", r.PathValue("token"), authKey(r.PathValue("token"), l.Authenticators[i]))
	if d.Outbox {
		url += "&outbox=1"
	}
	redirect(w, r, url+fmt.Sprintf("#auth-%d", i))
}

// verifyCode handles POST /s/{token}/verify.
func (h *Handler) verifyCode(w http.ResponseWriter, r *http.Request) {
	h.signInWith(w, r, "code", h.svc.VerifyCode)
}

// authKey names an authenticator of a link in its page's forms and in ?sent=: by what it is, not by its
// place in the list, so a page left open while staff edit the link's recipients cannot post for
// (or show the address of) whoever took that place. It is keyed with the link's token, so the page
// does not carry a plain hash of the address.
func authKey(token string, a share.Authenticator) string {
	sum := sha256.Sum256([]byte(token + "\x00" + a.Type + "\x00" + strings.ToLower(a.Context)))
	return hex.EncodeToString(sum[:8])
}

// authIndex is the place of the authenticator key names in l, or -1 when the link has none such (any
// more). A bare place ("0") is taken too, for scripted clients: it names one of the ways the page
// offers to anyone holding the link, as a key does.
func authIndex(token string, l share.Link, key string) int {
	if i, err := strconv.Atoi(key); err == nil && len(key) < 4 {
		if i >= 0 && i < len(l.Authenticators) {
			return i
		}
		return -1
	}
	for i, a := range l.Authenticators {
		if key != "" && authKey(token, a) == key {
			return i
		}
	}
	return -1
}
