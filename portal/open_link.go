package portal

import (
	"fmt"
	"net/http"

	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/views"
	pages "github.com/sharedesk/sharedesk/views/portal"
)

// openLink handles GET /s/{token}: what was shared, by whom, and how to prove who you are.
func (h *Handler) openLink(w http.ResponseWriter, r *http.Request) {
	l, err := h.svc.OpenLink(r.Context(), r.PathValue("token"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	state := openState{sent: -1, errIndex: -1}
	if sent := r.URL.Query().Get("sent"); sent != "" {
		// Back on the page after asking for a code. The code's recipient may have been removed since:
		// then no code form is shown.
		state.sent, state.outbox = authIndex(r.PathValue("token"), l, sent), r.URL.Query().Get("outbox") == "1"
	} else if err := h.svc.LinkOpened(r.Context(), l); err != nil {
		// Back on the page after asking for a code is the same visit; anything else is an opening.
		h.fail(w, r, err)
		return
	}
	h.renderOpen(w, r, l, http.StatusOK, state)
}

type openState struct {
	sent     int  // authenticator a code was just sent for, or -1
	outbox   bool // that code went to the outbox
	errIndex int  // authenticator the error belongs to, or -1 for the page
	err      string
}

func (h *Handler) renderOpen(w http.ResponseWriter, r *http.Request, l share.Link, status int, st openState) {
	if err := h.svc.Usable(l); err != nil {
		h.fail(w, r, err)
		return
	}
	token := r.PathValue("token")
	vm := pages.OpenVM{
		Token:     token,
		Title:     share.Displayable(l.Title),
		Message:   share.Displayable(l.Message),
		Sender:    share.Displayable(l.SenderName),
		ExpiresAt: l.ExpiresAt,
		OpensLeft: l.MaxAccessCount - l.AccessCount,
	}
	if vm.Sender == "" {
		vm.Sender = l.SenderEmail
	}
	targets, err := h.svc.LinkTargets(r.Context(), l)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	vm.Grants = grants(l, targets)
	if vm.Title == "" {
		vm.Title = vm.Grants
	}
	for i, a := range l.Authenticators {
		opt := pages.AuthOption{Index: i, Key: authKey(r.PathValue("token"), a), Type: a.Type, CodeSent: i == st.sent,
			Outbox: i == st.sent && st.outbox, Masked: a.Masked()}
		if i == st.errIndex {
			opt.Error = st.err
			if a.Type != share.AuthPassword {
				opt.CodeSent = true // keep the code form open so the recipient can try again
			}
		}
		vm.Auths = append(vm.Auths, opt)
	}
	if st.errIndex < 0 {
		vm.Error = st.err
	}
	h.render(w, r, status, pages.Open(vm))
}

// grants says in plain words what the link lets the recipient do.
func grants(l share.Link, targets []share.Object) string {
	files, folders := 0, 0
	for _, t := range targets {
		if t.Type == share.TypeFolder {
			folders++
		} else {
			files++
		}
	}
	what := ""
	switch {
	case len(targets) == 1 && folders == 1:
		what = "folder " + share.Displayable(targets[0].Name)
	case len(targets) == 1:
		what = share.Displayable(targets[0].Name)
	case folders == 0:
		what = fmt.Sprintf("%d files", files)
	case files == 0:
		what = fmt.Sprintf("%d folders", folders)
	default:
		what = fmt.Sprintf(
			"%d %s and %d %s",
			files,
			views.Plural(files, "file", "files"),
			folders,
			views.Plural(folders, "folder", "folders"),
		)
	}
	switch {
	case len(targets) == 0:
		return "The shared files are no longer available"
	case l.LinkType == share.LinkUpload:
		return "Upload to " + what
	case l.LinkType == share.LinkEditor:
		return "Edit " + what
	default:
		return "Download " + what
	}
}
