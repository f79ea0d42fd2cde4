package handlers

import (
	"cmp"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views"
	"github.com/sharedesk/sharedesk/views/console"
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
	next := console.FolderPage(up.folder)
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
	folderField     string // the field naming the folder files go to ("folder" unless set)
	folder          string
	fields          url.Values // the form's other fields, when the files come with a larger form
	textRead        int64      // bytes of fields other than files read so far
	saved, savedIDs []string
	problem         string // why the upload stopped early, for the person
}

// receiveUpload reads the parts in order, storing each file as it arrives. The form token comes first
// in the form, so a file before a valid token is refused rather than buffered. After a problem no
// more files are stored; a larger form's fields after them are still read, so nothing typed is lost.
func (c *Console) receiveUpload(ec *echo.Context, mr *multipart.Reader, up *upload) error {
	folderField := cmp.Or(up.folderField, "folder")
	for up.problem == "" || up.fields != nil {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			up.problem = cmp.Or(up.problem, "The upload was interrupted; files listed as saved are stored.")
			return nil
		}
		switch name := part.FormName(); {
		case name == "files" && !up.csrfOK:
			return echo.NewHTTPError(
				http.StatusForbidden,
				"This form has expired. Go back, reload the page and try again.",
			)
		case name == "files" && up.problem != "":
			if _, err := io.Copy(io.Discard, part); err != nil {
				return nil
			}
		case name == "files":
			if err := c.putFile(ec, part, up); err != nil {
				return err
			}
		default:
			v, err := up.readField(part)
			if err != nil {
				return err
			}
			switch name {
			case "csrf":
				up.csrfOK = subtle.ConstantTimeCompare([]byte(v), []byte(up.csrf)) == 1
			case folderField:
				up.folder = v
			}
			if up.fields != nil && name != "csrf" {
				up.fields.Add(name, v)
			}
		}
	}
	return nil
}

// readField reads a field other than a file, within maxFormBody for all of them together (the same
// bound as any other form).
func (up *upload) readField(part *multipart.Part) (string, error) {
	v, err := io.ReadAll(io.LimitReader(part, maxFormBody-up.textRead+1))
	up.textRead += int64(len(v))
	if up.textRead > maxFormBody {
		return "", echo.NewHTTPError(http.StatusRequestEntityTooLarge, "This form is too large.")
	}
	if err != nil {
		return "", echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	return string(v), nil
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
		c.flash(ec, "Uploaded "+views.Quantity(n, "file", "files")+": "+joinNames(up.saved)+".", false)
	}
	// The problem is shown at the file field of the form.
	if up.problem != "" {
		c.flashField(ec, "up-files", "", up.problem)
	} else if len(up.saved) == 0 {
		c.flashField(ec, "up-files", "", "Choose one or more files to upload.")
	}
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
