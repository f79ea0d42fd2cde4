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
	vm := console.MoveVM{Page: c.page(ec, "Move", "files"), Item: fileRow(item),
		Back: console.FolderPage(item.ParentID), In: in}
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

// showMoveFile handles GET /files/:id/move?in=FOLDER: the folders of FOLDER (at first, the one the item
// is in), to open one or to move the item there.
func (c *Console) showMoveFile(ec *echo.Context) error {
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
	form := newMoveForm(ec)
	refuse := func(shown, msg string) error {
		vm, err := c.moveVM(ec, o, shown)
		if err != nil {
			return err
		}
		vm.Problem = msg
		return c.render(ec, http.StatusBadRequest, console.MoveFile(vm))
	}
	if errs := form.Validate(o); len(errs) > 0 {
		return refuse(form.To, errs["to"])
	}
	// A destination that is gone or is a file (a stale page, an edited form) is said on the page,
	// which then looks into the folder the item is in.
	if msg, err := c.notAFolder(ec, form.To); err != nil || msg != "" {
		if err != nil {
			return err
		}
		return refuse(o.ParentID, msg)
	}
	res, err := c.api.Update(ec.Request().Context(), api.UpdateRequest{ID: o.ID, ParentID: &form.To})
	var ae *api.Error
	if asAPIError(err, &ae) && refusedMove(ae) {
		c.audit(ec, "move", o.ID, o.Name+": "+moveFailure(ae), "failed")
		return refuse(form.To, moveRefusal(ae, o.Name))
	}
	if err != nil {
		return err
	}
	where := "the top folder"
	if res.Object.Folder != "" && res.Object.Folder != "/" {
		where = res.Object.Folder
	}
	c.audit(ec, "move", o.ID, o.Name+" → "+where, "ok")
	c.flash(ec, fmt.Sprintf("Moved “%s” to %s.", o.Name, where), false)
	return seeOther(ec, console.FolderPage(form.To))
}

// notAFolder says why folder id cannot take anything: it is gone, or it is a file; "" when it can (the
// top folder always can).
func (c *Console) notAFolder(ec *echo.Context, id string) (string, error) {
	if id == "" {
		return "", nil
	}
	dest, err := c.api.Get(ec.Request().Context(), api.GetRequest{ID: id})
	var ae *api.Error
	switch {
	case asAPIError(err, &ae) && ae.HTTPStatus == http.StatusNotFound:
		return "The folder you chose no longer exists. Choose another.", nil
	case err != nil:
		return "", err
	case dest.Object.Type != "folder":
		return fmt.Sprintf("“%s” is a file, not a folder. Choose a folder.", dest.Object.Name), nil
	}
	return "", nil
}

// refusedMove reports whether the share API refused a move for a reason the page can say; anything else
// is an error page.
func refusedMove(ae *api.Error) bool {
	return ae.Status == "ShareLoopDetected" || ae.Status == "SharePutObjectExists" ||
		(ae.HTTPStatus < 500 && ae.Status != "NotFound")
}

// moveFailure is the audit log's word for the share API's refusal of a move.
func moveFailure(ae *api.Error) string {
	switch ae.Status {
	case "ShareLoopDetected":
		return "into itself"
	case "SharePutObjectExists":
		return "name taken"
	}
	return ae.Summary
}

// moveRefusal words the share API's refusal to move the item called name.
func moveRefusal(ae *api.Error, name string) string {
	switch ae.Status {
	case "ShareLoopDetected":
		return fmt.Sprintf("A folder cannot go inside itself: “%s” cannot be moved into one of its own folders.", name)
	case "SharePutObjectExists":
		return fmt.Sprintf("There is already something called “%s” in that folder. Rename one of them first.", name)
	}
	return "It could not be moved there: " + ae.Summary
}
