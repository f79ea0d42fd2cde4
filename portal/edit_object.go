package portal

import (
	"crypto/subtle"
	"fmt"
	"net/http"

	"github.com/sharedesk/sharedesk/share"
	pages "github.com/sharedesk/sharedesk/views/portal"
)

// editForm checks the form token of a rename or delete and finds the page to return to.
func (h *Handler) editForm(w http.ResponseWriter, r *http.Request, l share.Link, secret string) (string, bool) {
	if !l.CanEdit() {
		h.fail(w, r, share.Refuse(share.CodeNotAllowed, share.ReasonNoEditing))
		return "", false
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(csrfToken(secret))) != 1 {
		http.Error(w, "This form has expired. Go back, reload the page and try again.", http.StatusForbidden)
		return "", false
	}
	trail, err := h.svc.LinkTrail(r.Context(), l, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return "", false
	}
	if len(trail) < 2 {
		return "/p/", true
	}
	return "/p/f/" + trail[len(trail)-2].ID, true
}

// renameObject handles POST /p/rename/{id} (editor links).
func (h *Handler) renameObject(w http.ResponseWriter, r *http.Request, l share.Link, secret string) {
	back, ok := h.editForm(w, r, l, secret)
	if !ok {
		return
	}
	o, err := h.svc.Rename(r.Context(), l, r.PathValue("id"), r.PostFormValue("name"))
	if err != nil {
		h.editFailed(w, r, back, err)
		return
	}
	h.setFlash(w, flash{OK: []string{fmt.Sprintf("Renamed to %s.", share.Displayable(o.Name))}})
	redirect(w, r, back)
}

// deleteObject handles POST /p/delete/{id} (editor links).
func (h *Handler) deleteObject(w http.ResponseWriter, r *http.Request, l share.Link, secret string) {
	back, ok := h.editForm(w, r, l, secret)
	if !ok {
		return
	}
	o, err := h.svc.Remove(r.Context(), l, r.PathValue("id"))
	if err != nil {
		h.editFailed(w, r, back, err)
		return
	}
	h.setFlash(w, flash{OK: []string{fmt.Sprintf("Deleted %s.", share.Displayable(o.Name))}})
	redirect(w, r, back)
}

func (h *Handler) editFailed(w http.ResponseWriter, r *http.Request, back string, err error) {
	if share.IsCode(err, share.CodeNotFound) || say(err) == "" {
		h.fail(w, r, err)
		return
	}
	h.setFlash(w, flash{Err: say(err)})
	redirect(w, r, back)
}

// signOut handles POST /p/signout.
func (h *Handler) signOut(w http.ResponseWriter, r *http.Request, l share.Link, secret string) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if subtle.ConstantTimeCompare([]byte(r.PostFormValue("csrf")), []byte(csrfToken(secret))) != 1 {
		http.Error(w, "This form has expired. Go back, reload the page and try again.", http.StatusForbidden)
		return
	}
	if err := h.svc.EndSession(r.Context(), secret); err != nil {
		h.fail(w, r, err)
		return
	}
	h.clearSession(w)
	h.log.InfoContext(r.Context(), "recipient signed out", "link", l.ID)
	h.render(w, r, http.StatusOK, pages.Gone(pages.GoneVM{Heading: "You are signed out",
		Message: "To see the files again, open the link from your email (it counts as another opening)."}))
}
