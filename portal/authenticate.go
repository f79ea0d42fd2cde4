package portal

import (
	"fmt"
	"net/http"
	"strconv"

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
	i, err := strconv.Atoi(r.PostFormValue("auth"))
	if err != nil || i < 0 || i >= len(l.Authenticators) {
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
	l, i, ok := h.authForm(w, r)
	if !ok {
		return
	}
	secret, err := h.svc.CheckPassword(r.Context(), l, i, r.PostFormValue("password"), clientAddr(r))
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
	url := fmt.Sprintf("/s/%s?sent=%d", r.PathValue("token"), i)
	if d.Outbox {
		url += "&outbox=1"
	}
	redirect(w, r, url+fmt.Sprintf("#auth-%d", i))
}

// verifyCode handles POST /s/{token}/verify.
func (h *Handler) verifyCode(w http.ResponseWriter, r *http.Request) {
	l, i, ok := h.authForm(w, r)
	if !ok {
		return
	}
	secret, err := h.svc.VerifyCode(r.Context(), l, i, r.PostFormValue("code"), clientAddr(r))
	if err != nil {
		h.authFailed(w, r, l, i, err)
		return
	}
	h.signedIn(w, r, secret)
}
