package handlers

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views/console"
)

// confirmDelete handles GET /files/:id/delete (admins): what would go, before anything does. It is
// where a delete without JavaScript lands; with JavaScript the browser asks instead.
func (c *Console) confirmDelete(ec *echo.Context) error {
	ctx := ec.Request().Context()
	id := ec.Param("id")
	info, err := c.api.Get(ctx, api.GetRequest{ID: id})
	if err != nil {
		return err
	}
	vm := console.DeleteFileVM{Page: c.page(ec, "Delete", "files"), Item: fileRow(info.Object),
		Folder: ec.QueryParam("folder")}
	if info.Object.Type == "folder" {
		inside, err := c.api.List(ctx, api.ListRequest{Filter: map[string]any{"parent_id": id}, Size: 1,
			ExtCount: "bounded"})
		if err != nil {
			return err
		}
		vm.Children = inside.Count
	}
	links, err := c.api.LinkList(ctx, api.LinkListRequest{Filter: map[string]any{"target_id": id}, Size: 1,
		ExtCount: "bounded"})
	if err != nil {
		return err
	}
	vm.Links = links.Count
	return c.render(ec, http.StatusOK, console.DeleteFileConfirm(vm))
}

// deleteFile handles POST /files/:id/delete (admins): a file, or a folder with everything in it. Only
// a confirmed post deletes (the confirmation page's, or the list's after the browser asked); any
// other is sent to the confirmation page, so nothing goes without a question.
func (c *Console) deleteFile(ec *echo.Context) error {
	id, folder := ec.Param("id"), ec.FormValue("folder")
	if ec.FormValue("confirmed") != "yes" {
		q := url.Values{}
		if folder != "" {
			q.Set("folder", folder)
		}
		target := "/files/" + id + "/delete"
		if len(q) > 0 {
			target += "?" + q.Encode()
		}
		return seeOther(ec, target)
	}
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
