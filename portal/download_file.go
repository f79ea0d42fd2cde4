package portal

import (
	"net/http"
	"strings"
	"time"

	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/httpapi"
)

// downloadFile handles GET /p/d/{id}: one file, streamed, with Range support.
func (h *Handler) downloadFile(w http.ResponseWriter, r *http.Request, l share.Link, _ string) {
	if !l.CanDownload() {
		h.fail(w, r, share.Refuse(share.CodeNotAllowed, share.ReasonUploadOnly))
		return
	}
	o, err := h.svc.LinkObject(r.Context(), l, r.PathValue("id"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if o.Type == share.TypeFolder {
		redirect(w, r, "/p/zip?id="+o.ID)
		return
	}
	disposition := httpapi.ContentDisposition("attachment", share.Displayable(o.Name))
	direct, err := h.svc.PresignDownload(r.Context(), o, disposition, time.Minute)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if direct != "" {
		// Straight from the object store: the URL is good for a minute, enough to start (and resume
		// with Range) the download; the recipient fetches the page again for a fresh one.
		h.log.InfoContext(r.Context(), "recipient download", "link", l.ID, "object", o.ID, "direct", true)
		w.Header().Set("Cache-Control", "no-store")
		http.Redirect(w, r, direct, http.StatusSeeOther)
		return
	}
	f, err := h.svc.OpenFile(r.Context(), o)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	defer f.Close()
	hd := w.Header()
	hd.Set("Content-Type", o.MimeType)
	hd.Set("Content-Disposition", disposition)
	hd.Set("Content-Security-Policy", httpapi.SandboxCSP) // never render a shared file as a page
	h.log.InfoContext(
		r.Context(),
		"recipient download",
		"link",
		l.ID,
		"object",
		o.ID,
		"range",
		r.Header.Get("Range") != "",
	)
	if !strings.HasPrefix(r.Header.Get("Range"), "bytes=") || strings.HasPrefix(r.Header.Get("Range"), "bytes=0-") {
		// A resumed download (a Range not from the start) is the same download, not another one.
		h.svc.FileDownloaded(r.Context(), l, o)
	}
	cw, served := httpapi.CountServed(h.svc, w)
	defer served()
	http.ServeContent(cw, r, "", o.UpdatedAt, f)
}

// downloadZip handles GET /p/zip?id=…&id=…: a folder or a selection as one streamed zip.
func (h *Handler) downloadZip(w http.ResponseWriter, r *http.Request, l share.Link, _ string) {
	ids := r.URL.Query()["id"]
	if len(ids) == 0 {
		h.setFlash(w, flash{Err: "Select at least one file or folder to download."})
		redirect(w, r, backTo(r))
		return
	}
	if len(ids) > 1000 {
		ids = ids[:1000]
	}
	a, err := h.svc.LinkArchive(r.Context(), l, ids)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	name := "shared files.zip"
	if len(a.Objects) == 1 {
		name = a.Objects[0].Name + ".zip"
	} else if l.Title != "" {
		name = l.Title + ".zip"
	}
	w.Header().Set("Content-Type", "application/zip")
	w.Header().Set("Content-Security-Policy", httpapi.SandboxCSP)
	w.Header().Set("Content-Disposition", httpapi.ContentDisposition("attachment", share.Displayable(name)))
	h.log.InfoContext(r.Context(), "recipient zip download", "link", l.ID, "objects", len(a.Objects))
	h.svc.ZipDownloaded(r.Context(), l, a.Objects)
	cw, served := httpapi.CountServed(h.svc, w)
	defer served()
	if err := a.WriteZip(cw); err != nil {
		h.log.ErrorContext(r.Context(), "zip broken off", "err", err)
		panic(http.ErrAbortHandler)
	}
}

// backTo is where to send the recipient after an empty selection: the folder the form was on, and
// only ever a portal page (the value comes from the query string).
func backTo(r *http.Request) string {
	b := r.URL.Query().Get("back")
	if id, ok := strings.CutPrefix(b, "/p/f/"); ok && id != "" && !strings.ContainsAny(id, "/\\:?#") {
		return b
	}
	return "/p/"
}
