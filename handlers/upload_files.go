package handlers

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/auth"
	"github.com/sharedesk/sharedesk/views"
)

// uploadFiles handles POST /files/upload: each file streams straight through to the share API.
func (c *Console) uploadFiles(ec *echo.Context) error {
	mr, err := ec.Request().MultipartReader()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "Choose one or more files to upload.")
	}
	up := upload{csrf: staffOf(ec).CSRF}
	if err := c.receiveUpload(ec, mr, &up); err != nil {
		return err
	}
	c.reportUpload(ec, up)
	next := up.nextURL()
	if ec.Request().Header.Get("X-Upload-Progress") == "1" {
		ec.Response().Header().Set("Content-Type", "application/json")
		return json.NewEncoder(ec.Response()).Encode(map[string]string{"location": next})
	}
	return seeOther(ec, next)
}

// upload is what one multipart upload has said and done so far.
type upload struct {
	csrf            string // the session's form token the post must carry before any file
	csrfOK          bool
	folder, back    string
	saved, savedIDs []string
	problem         string // why the upload stopped early, for the person
}

// receiveUpload reads the parts in order, storing each file as it arrives. The form token comes first
// in the form, so a file before a valid token is refused rather than buffered.
func (c *Console) receiveUpload(ec *echo.Context, mr *multipart.Reader, up *upload) error {
	for up.problem == "" {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			up.problem = "The upload was interrupted; files listed as saved are stored."
			return nil
		}
		switch part.FormName() {
		case "csrf":
			v, _ := io.ReadAll(io.LimitReader(part, 256))
			up.csrfOK = subtle.ConstantTimeCompare(v, []byte(up.csrf)) == 1
		case "folder":
			v, _ := io.ReadAll(io.LimitReader(part, 256))
			up.folder = string(v)
		case "return":
			v, _ := io.ReadAll(io.LimitReader(part, 4096))
			up.back = string(v)
		case "files":
			if !up.csrfOK {
				return echo.NewHTTPError(
					http.StatusForbidden,
					"This form has expired. Go back, reload the page and try again.",
				)
			}
			if err := c.putFile(ec, part, up); err != nil {
				return err
			}
		}
	}
	return nil
}

// putFile streams one file to the share API. A refusal the person can act on stops the upload with a
// problem to show; anything else is an error.
func (c *Console) putFile(ec *echo.Context, part *multipart.Part, up *upload) error {
	name := part.FileName()
	if name == "" {
		return nil
	}
	o, err := c.api.Put(ec.Request().Context(), api.PutRequest{ParentID: up.folder, Name: name}, name, part)
	if err == nil {
		up.saved = append(up.saved, o.Object.Name)
		up.savedIDs = append(up.savedIDs, o.Object.ID)
		c.audit(ec, "upload", o.Object.ID, o.Object.Name+" in "+o.Object.Folder, "ok")
		return nil
	}
	c.audit(ec, "upload", up.folder, name+": "+err.Error(), "failed")
	var ae *api.Error
	switch {
	case asAPIError(err, &ae) && ae.Status == "SharePutObjectExists":
		up.problem = fmt.Sprintf("%s was not saved: a file with that name is already in this folder.", name)
	case asAPIError(err, &ae):
		up.problem = fmt.Sprintf("%s was not saved: %s", name, ae.Summary)
	default:
		return err
	}
	return nil
}

// reportUpload says what was saved and what stopped the upload, on the next page.
func (c *Console) reportUpload(ec *echo.Context, up upload) {
	if n := len(up.saved); n > 0 {
		c.flash(ec, fmt.Sprintf("Uploaded %d %s: %s.", n, views.Plural(n, "file", "files"), joinNames(up.saved)), false)
	}
	// The problem is shown at the file field of the form it came from.
	field := "up-files"
	if up.toNewLink() {
		field = "new-up"
	}
	if up.problem != "" {
		c.flashField(ec, field, "", up.problem)
	} else if len(up.saved) == 0 {
		c.flashField(ec, field, "", "Choose one or more files to upload.")
	}
}

// toNewLink reports whether the upload came from the New link page (and returns there).
func (up upload) toNewLink() bool {
	back, ok := auth.SafeReturnPath(up.back)
	return ok && (back == "/links/new" || strings.HasPrefix(back, "/links/new?"))
}

// nextURL is the folder uploaded to or, when the upload came from the New link page, back there with
// the new files chosen.
func (up upload) nextURL() string {
	if !up.toNewLink() {
		return folderURL(up.folder)
	}
	next, _ := auth.SafeReturnPath(up.back)
	for _, id := range up.savedIDs {
		sep := "&"
		if !strings.Contains(next, "?") {
			sep = "?"
		}
		next += sep + "target=" + url.QueryEscape(id)
	}
	return next
}

func joinNames(names []string) string {
	if len(names) > 5 {
		return fmt.Sprintf("%s and %d more", joinNames(names[:5]), len(names)-5)
	}
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}
