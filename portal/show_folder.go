package portal

import (
	"net/http"

	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/views"
	pages "github.com/sharedesk/sharedesk/views/portal"
)

func (h *Handler) filesVM(w http.ResponseWriter, r *http.Request, l share.Link, secret string) pages.FilesVM {
	vm := pages.FilesVM{
		Title:       share.Displayable(l.Title),
		Sender:      share.Displayable(l.SenderName),
		LinkType:    l.LinkType,
		CanDownload: l.CanDownload(),
		CanUpload:   l.CanUpload(),
		CanEdit:     l.CanEdit(),
		MaxUpload:   h.maxUpload,
		CSRF:        csrfToken(secret),
		ExpiresAt:   l.ExpiresAt,
	}
	if vm.Title == "" {
		vm.Title = "Shared with you"
	}
	if vm.Sender == "" {
		vm.Sender = l.SenderEmail
	}
	f := h.takeFlash(w, r)
	vm.Flash, vm.Error = f.OK, f.Err
	return vm
}

func item(o share.Object, editable bool) pages.Item {
	return pages.Item{
		ID:       o.ID,
		Name:     share.Displayable(o.Name),
		IsFolder: o.Type == share.TypeFolder,
		Size:     o.Size,
		Modified: o.UpdatedAt,
		Editable: editable,
	}
}

// showHome handles GET /p/: the shared items. A single shared folder opens straight away.
func (h *Handler) showHome(w http.ResponseWriter, r *http.Request, l share.Link, secret string) {
	targets, err := h.svc.LinkTargets(r.Context(), l)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(targets) == 1 && targets[0].Type == share.TypeFolder {
		h.showFolderOf(w, r, l, secret, targets[0].ID)
		return
	}
	vm := h.filesVM(w, r, l, secret)
	for _, t := range targets {
		vm.Items = append(vm.Items, item(t, false))
	}
	if len(targets) == 0 {
		vm.Error = "The shared files have been removed by the sender."
	}
	h.render(w, r, http.StatusOK, pages.Files(vm))
}

// showFolder handles GET /p/f/{id}.
func (h *Handler) showFolder(w http.ResponseWriter, r *http.Request, l share.Link, secret string) {
	h.showFolderOf(w, r, l, secret, r.PathValue("id"))
}

func (h *Handler) showFolderOf(w http.ResponseWriter, r *http.Request, l share.Link, secret, id string) {
	trail, err := h.svc.LinkTrail(r.Context(), l, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	folder := trail[len(trail)-1]
	if folder.Type != share.TypeFolder {
		redirect(w, r, "/p/d/"+folder.ID)
		return
	}
	vm := h.filesVM(w, r, l, secret)
	vm.FolderID = folder.ID
	if len(l.Targets) > 1 {
		vm.Crumbs = append(vm.Crumbs, views.Crumb{Name: "All shared items", URL: "/p/"})
	}
	for i, o := range trail {
		c := views.Crumb{Name: share.Displayable(o.Name)}
		if i < len(trail)-1 {
			c.URL = "/p/f/" + o.ID
		}
		vm.Crumbs = append(vm.Crumbs, c)
	}
	if l.CanDownload() {
		_, kids, err := h.svc.LinkChildren(r.Context(), l, folder.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, k := range kids {
			vm.Items = append(vm.Items, item(k, l.CanEdit()))
		}
	}
	if l.CanUpload() {
		vm.UploadTo, vm.UploadName = folder.ID, share.Displayable(folder.Name)
	}
	h.render(w, r, http.StatusOK, pages.Files(vm))
}
