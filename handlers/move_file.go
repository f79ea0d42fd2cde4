package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views"
	"github.com/sharedesk/sharedesk/views/console"
)

// moveFolders is how many folders of one level the move page lists.
const moveFolders = 200

// folderTrail is the path from the top to folder, for breadcrumbs: the folder's name and the crumbs,
// each linking to url(id); the last (the folder itself) is not a link.
func (c *Console) folderTrail(
	ec *echo.Context,
	folder string,
	url func(id string) string,
) (string, []views.Crumb, error) {
	name := "the top folder"
	var trail []views.Crumb
	for id, depth := folder, 0; id != "" && depth < 64; depth++ {
		res, err := c.api.Get(ec.Request().Context(), api.GetRequest{ID: id})
		if err != nil {
			return "", nil, err
		}
		if res.Object.Type != "folder" {
			return "", nil, echo.NewHTTPError(http.StatusNotFound, "That is a file, not a folder.")
		}
		if id == folder {
			name = res.Object.Name
		}
		trail = append([]views.Crumb{{Name: res.Object.Name, URL: url(id)}}, trail...)
		id = res.Object.ParentID
	}
	crumbs := append([]views.Crumb{{Name: "All files", URL: url("")}}, trail...)
	crumbs[len(crumbs)-1].URL = ""
	return name, crumbs, nil
}

// moveVM fills the move page for item, looking into folder in.
func (c *Console) moveVM(ec *echo.Context, item api.Object, in string) (console.MoveVM, error) {
	vm := console.MoveVM{Page: c.page(ec, "Move", "files"), Item: fileRow(item), Back: folderURL(item.ParentID), In: in}
	url := func(id string) string { return "/files/" + item.ID + "/move?in=" + id }
	var err error
	if vm.InName, vm.Crumbs, err = c.folderTrail(ec, in, url); err != nil {
		return vm, err
	}
	res, err := c.api.List(ec.Request().Context(), api.ListRequest{
		Filter: map[string]any{"parent_id": in, "type": "folder"}, OrderBy: "name", Size: moveFolders})
	if err != nil {
		return vm, err
	}
	for _, o := range res.Objects {
		vm.Folders = append(vm.Folders, fileRow(o))
	}
	vm.More = res.Last != ""
	return vm, nil
}

// moveForm handles GET /files/:id/move?in=FOLDER: the folders of FOLDER (at first, the one the item
// is in), to open one or to move the item there.
func (c *Console) moveForm(ec *echo.Context) error {
	o, err := c.organizeItem(ec)
	if err != nil {
		return err
	}
	in := o.ParentID
	if _, given := ec.QueryParams()["in"]; given {
		in = ec.QueryParam("in")
	}
	vm, err := c.moveVM(ec, o, in)
	if err != nil {
		return err
	}
	return c.render(ec, http.StatusOK, console.MoveFile(vm))
}

// moveFile handles POST /files/:id/move with the folder to move to. A refusal (a folder into itself,
// a name taken there) is said on the same page, still looking at that folder.
func (c *Console) moveFile(ec *echo.Context) error {
	o, err := c.organizeItem(ec)
	if err != nil {
		return err
	}
	to := ec.FormValue("to")
	shown := to // the folder the page looks into when it says what went wrong
	refuse := func(msg string) error {
		vm, err := c.moveVM(ec, o, shown)
		if err != nil {
			return err
		}
		vm.Problem = msg
		return c.render(ec, http.StatusBadRequest, console.MoveFile(vm))
	}
	// A destination that is gone or is a file (a stale page, an edited form) is said on the page,
	// which then looks into the folder the item is in.
	if to != "" {
		dest, err := c.api.Get(ec.Request().Context(), api.GetRequest{ID: to})
		var ae *api.Error
		switch {
		case asAPIError(err, &ae) && ae.HTTPStatus == http.StatusNotFound:
			shown = o.ParentID
			return refuse("The folder you chose no longer exists. Choose another.")
		case err != nil:
			return err
		case dest.Object.Type != "folder":
			shown = o.ParentID
			return refuse(fmt.Sprintf("“%s” is a file, not a folder. Choose a folder.", dest.Object.Name))
		}
	}
	if to == o.ParentID {
		return refuse(fmt.Sprintf("“%s” is in this folder already. Open the folder it should go to first.", o.Name))
	}
	res, err := c.api.Update(ec.Request().Context(), api.UpdateRequest{ID: o.ID, ParentID: &to})
	var ae *api.Error
	switch {
	case asAPIError(err, &ae) && ae.Status == "ShareLoopDetected":
		c.audit(ec, "move", o.ID, o.Name+": into itself", "failed")
		return refuse(fmt.Sprintf(
			"A folder cannot go inside itself: “%s” cannot be moved into one of its own folders.", o.Name))
	case asAPIError(err, &ae) && ae.Status == "SharePutObjectExists":
		c.audit(ec, "move", o.ID, o.Name+": name taken", "failed")
		return refuse(fmt.Sprintf(
			"There is already something called “%s” in that folder. Rename one of them first.", o.Name))
	case asAPIError(err, &ae) && ae.HTTPStatus < 500 && ae.Status != "NotFound":
		c.audit(ec, "move", o.ID, o.Name+": "+ae.Summary, "failed")
		return refuse("It could not be moved there: " + ae.Summary)
	case err != nil:
		return err
	}
	where := "the top folder"
	if res.Object.Folder != "" && res.Object.Folder != "/" {
		where = res.Object.Folder
	}
	c.audit(ec, "move", o.ID, o.Name+" → "+where, "ok")
	c.flash(ec, fmt.Sprintf("Moved “%s” to %s.", o.Name, where), false)
	return seeOther(ec, folderURL(to))
}
