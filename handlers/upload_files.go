package handlers

import (
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
	r := ec.Request()
	mr, err := r.MultipartReader()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "Choose one or more files to upload.")
	}
	s := staffOf(ec)
	folder, back, csrfOK := "", "", false
	var saved, savedIDs []string
	var problem string
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			problem = "The upload was interrupted; files listed as saved are stored."
			break
		}
		switch part.FormName() {
		case "csrf":
			v, _ := io.ReadAll(io.LimitReader(part, 256))
			csrfOK = subtle.ConstantTimeCompare(v, []byte(s.CSRF)) == 1
		case "folder":
			v, _ := io.ReadAll(io.LimitReader(part, 256))
			folder = string(v)
		case "return":
			v, _ := io.ReadAll(io.LimitReader(part, 4096))
			back = string(v)
		case "files":
			if !csrfOK {
				return echo.NewHTTPError(http.StatusForbidden, "This form has expired. Go back, reload the page and try again.")
			}
			if part.FileName() == "" {
				continue
			}
			o, err := c.api.Put(r.Context(), api.PutRequest{ParentID: folder, Name: part.FileName()}, part.FileName(), part)
			if err != nil {
				c.audit(ec, "upload", folder, part.FileName()+": "+err.Error(), "failed")
				var ae *api.Error
				if asAPIError(err, &ae) && ae.Status == "SharePutObjectExists" {
					problem = fmt.Sprintf("%s was not saved: a file with that name is already in this folder.", part.FileName())
				} else if asAPIError(err, &ae) {
					problem = fmt.Sprintf("%s was not saved: %s", part.FileName(), ae.Summary)
				} else {
					return err
				}
			} else {
				saved = append(saved, o.Object.Name)
				savedIDs = append(savedIDs, o.Object.ID)
				c.audit(ec, "upload", o.Object.ID, o.Object.Name+" in "+o.Object.Folder, "ok")
			}
		}
		if problem != "" {
			break
		}
	}
	if len(saved) > 0 {
		c.flash(ec, fmt.Sprintf("Uploaded %d %s: %s.", len(saved), views.Plural(len(saved), "file", "files"), joinNames(saved)), false)
	}
	if problem != "" {
		c.flash(ec, problem, true)
	} else if len(saved) == 0 {
		c.flash(ec, "Choose one or more files to upload.", true)
	}
	next := folderURL(folder)
	if back, ok := auth.SafeReturnPath(back); ok && (back == "/links/new" || strings.HasPrefix(back, "/links/new?")) {
		// Uploaded from the New link page: back there, with the new files chosen.
		next = back
		for _, id := range savedIDs {
			sep := "&"
			if !strings.Contains(next, "?") {
				sep = "?"
			}
			next += sep + "target=" + url.QueryEscape(id)
		}
	}
	if r.Header.Get("X-Upload-Progress") == "1" {
		ec.Response().Header().Set("Content-Type", "application/json")
		return json.NewEncoder(ec.Response()).Encode(map[string]string{"location": next})
	}
	return seeOther(ec, next)
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
