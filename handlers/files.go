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
	"github.com/sharedesk/sharedesk/views/console"
)

func folderURL(id string) string {
	if id == "" {
		return "/files"
	}
	return "/files?folder=" + url.QueryEscape(id)
}

// listFiles handles GET /files: one folder, its contents, and the links of a selected item.
func (c *Console) listFiles(ec *echo.Context) error {
	ctx := ec.Request().Context()
	folder := ec.QueryParam("folder")
	vm := console.FilesVM{Page: c.page(ec, "Files", "files"), FolderID: folder, FolderName: "the top folder", Selected: ec.QueryParam("selected")}
	// The path from the top, one lookup per level.
	var trail []views.Crumb
	for id, depth := folder, 0; id != "" && depth < 64; depth++ {
		res, err := c.api.Get(ctx, api.GetRequest{ID: id})
		if err != nil {
			return err
		}
		if res.Object.Type != "folder" {
			return echo.NewHTTPError(http.StatusNotFound, "That is a file, not a folder.")
		}
		if id == folder {
			vm.FolderName = res.Object.Name
		}
		trail = append([]views.Crumb{{Name: res.Object.Name, URL: folderURL(id)}}, trail...)
		id = res.Object.ParentID
	}
	vm.Crumbs = append([]views.Crumb{{Name: "All files", URL: "/files"}}, trail...)
	vm.Crumbs[len(vm.Crumbs)-1].URL = ""
	res, err := c.api.List(ctx, api.ListRequest{Filter: map[string]any{"parent_id": folder}, OrderBy: "name", Size: 100, Last: ec.QueryParam("last")})
	if err != nil {
		return err
	}
	vm.Count = res.Count
	for _, o := range res.Objects {
		vm.Rows = append(vm.Rows, console.FileRow{ID: o.ID, Name: o.Name, Type: o.Type, Size: o.Size, Updated: o.UpdatedAt})
	}
	if res.Last != "" {
		vm.NextURL = console.WithParam(folderURL(folder), "last", res.Last)
	}
	if vm.Selected != "" {
		links, err := c.api.LinkList(ctx, api.LinkListRequest{Filter: map[string]any{"target_id": vm.Selected}, OrderBy: "created_at", Order: "desc", Size: 50})
		if err != nil {
			return err
		}
		if vm.Links, err = c.linkRows(ec, links.ShareLinkObjects); err != nil {
			return err
		}
	}
	return c.render(ec, http.StatusOK, console.Files(vm))
}

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

// createFolder handles POST /files/folder.
func (c *Console) createFolder(ec *echo.Context) error {
	folder, name := ec.FormValue("folder"), ec.FormValue("name")
	res, err := c.api.FolderCreate(ec.Request().Context(), api.FolderCreateRequest{Name: name, ParentID: folder})
	var ae *api.Error
	if asAPIError(err, &ae) && ae.HTTPStatus < 500 {
		c.audit(ec, "new-folder", folder, name+": "+ae.Summary, "failed")
		msg := ae.Summary
		if ae.Status == "SharePutObjectExists" {
			msg = fmt.Sprintf("There is already something called %q here.", name)
		} else if len(ae.Errors) > 0 {
			msg = "The folder name " + ae.Errors[0].Detail + "."
		}
		c.flash(ec, msg, true)
		return seeOther(ec, folderURL(folder))
	}
	if err != nil {
		return err
	}
	c.audit(ec, "new-folder", res.Object.ID, res.Object.Folder+"/"+res.Object.Name, "ok")
	c.flash(ec, fmt.Sprintf("Created folder %s.", res.Object.Name), false)
	return seeOther(ec, folderURL(folder))
}

// deleteFile handles POST /files/:id/delete (admins): a file, or a folder with everything in it.
func (c *Console) deleteFile(ec *echo.Context) error {
	id, folder := ec.Param("id"), ec.FormValue("folder")
	info, err := c.api.Get(ec.Request().Context(), api.GetRequest{ID: id})
	if err != nil {
		return err
	}
	res, err := c.api.Delete(ec.Request().Context(), api.DeleteRequest{ID: id, Force: true})
	if err != nil {
		c.audit(ec, "delete", id, info.Object.Name+": "+err.Error(), "failed")
		return err
	}
	c.audit(ec, "delete", id, fmt.Sprintf("%s (%d objects)", info.Object.Name, res.Count), "ok")
	c.flash(ec, fmt.Sprintf("Deleted %s.", info.Object.Name), false)
	return seeOther(ec, folderURL(folder))
}
