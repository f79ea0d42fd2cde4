package portal

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"

	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/httpapi"
	"github.com/sharedesk/sharedesk/views"
)

// uploadFiles handles POST /p/upload/{id}: several files into a reachable folder, each streamed to
// disk and checked against the size limit as it arrives. Whatever happens, the recipient lands back
// on the folder with a message saying what was saved and what was not.
func (h *Handler) uploadFiles(w http.ResponseWriter, r *http.Request, l share.Link, secret string) {
	folderID := r.PathValue("id")
	back := "/p/f/" + folderID
	if !l.CanUpload() {
		h.fail(w, r, share.Refuse(share.CodeNotAllowed, share.ReasonDownloadOnly))
		return
	}
	httpapi.BufferBody(r)
	mr, err := r.MultipartReader()
	if err != nil {
		h.setFlash(w, flash{Err: "Choose one or more files to upload."})
		redirect(w, r, back)
		return
	}
	f, err := h.saveFiles(r, mr, l, folderID, secret)
	switch {
	case errors.Is(err, errFormExpired):
		h.log.WarnContext(r.Context(), "portal upload without form token", "link", l.ID)
		http.Error(w, "This form has expired. Go back, reload the page and try again.", http.StatusForbidden)
		return
	case err != nil:
		h.fail(w, r, err)
		return
	}
	h.setFlash(w, f)
	if r.Header.Get("X-Portal-Upload") == "1" {
		// The page's script sent this: it navigates itself, so the flash is read by that page alone.
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{"location": back})
		return
	}
	redirect(w, r, back)
}

// errFormExpired is a file part that came without the page's form token before it.
var errFormExpired = errors.New("portal upload without form token")

// saveFiles saves the files of mr in turn, stopping at the first that is not saved, and returns what
// the recipient is told. An error refuses the whole request: the form token was missing, or the
// folder cannot take uploads.
func (h *Handler) saveFiles(
	r *http.Request,
	mr *multipart.Reader,
	l share.Link,
	folderID, secret string,
) (flash, error) {
	var f flash
	csrfOK, files := false, 0
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			f.Err = "The upload was interrupted. Files listed above were saved; try the rest again."
			break
		}
		switch part.FormName() {
		case "csrf":
			v, _ := io.ReadAll(io.LimitReader(part, 128))
			csrfOK = subtle.ConstantTimeCompare(v, []byte(csrfToken(secret))) == 1
			continue
		case "files":
		default:
			continue
		}
		if !csrfOK {
			return f, errFormExpired
		}
		if part.FileName() == "" {
			continue
		}
		if files++; files > 100 {
			f.Err = "At most 100 files can be uploaded at once; the rest were not saved."
			break
		}
		if err := h.saveFile(r, l, folderID, part, &f); err != nil {
			return f, err
		}
		if f.Err != "" {
			break
		}
	}
	if files == 0 && f.Err == "" {
		f.Err = "Choose one or more files to upload."
	}
	return f, nil
}

// saveFile stores one file part and adds to f what the recipient is told of it. An error is a
// refusal of the whole request (the folder or the right to upload is gone).
func (h *Handler) saveFile(r *http.Request, l share.Link, folderID string, part *multipart.Part, f *flash) error {
	o, err := h.svc.Upload(r.Context(), l, folderID, part.FileName(), part)
	shown := share.Displayable(baseName(part.FileName()))
	switch {
	case err == nil && !l.CanDownload():
		// An upload-only link must not learn which names are taken, so it is never told the
		// name the file was stored under.
		f.OK = append(f.OK, fmt.Sprintf("Saved %s.", shown))
	case err == nil && o.Name != baseName(part.FileName()):
		f.OK = append(
			f.OK,
			fmt.Sprintf(
				"Saved %s as %q, because a file with that name is already there.",
				shown,
				share.Displayable(o.Name),
			),
		)
	case err == nil:
		f.OK = append(f.OK, fmt.Sprintf("Saved %s.", share.Displayable(o.Name)))
	case share.IsCode(err, share.CodeTooLarge):
		f.Err = fmt.Sprintf(
			"%s is too large: files can be at most %s. It was not saved.",
			shown,
			views.Bytes(h.maxUpload),
		)
	case share.IsCode(err, share.CodeNotFound), share.IsCode(err, share.CodeNotAllowed):
		return err
	case say(err) != "":
		f.Err = fmt.Sprintf("%s was not saved: %s", shown, say(err))
	default:
		h.log.ErrorContext(r.Context(), "portal upload", "err", err)
		f.Err = fmt.Sprintf("%s was not saved because of a problem on our side. Please try again.", shown)
	}
	return nil
}

func baseName(name string) string {
	for i := len(name) - 1; i >= 0; i-- {
		if name[i] == '/' || name[i] == '\\' {
			return name[i+1:]
		}
	}
	return name
}
