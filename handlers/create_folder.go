package handlers

import (
	"fmt"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views/console"
)

// createFolder handles POST /files/folder. A problem is said at the form on the folder page it
// returns to, with the name as typed.
func (c *Console) createFolder(ec *echo.Context) error {
	form := newFolderForm(ec)
	if errs := form.Validate(); len(errs) > 0 {
		c.flashField(ec, "new-folder", form.Name, errs["new-folder"])
		return seeOther(ec, console.FolderPage(form.Parent))
	}
	res, err := c.api.FolderCreate(ec.Request().Context(),
		api.FolderCreateRequest{Name: form.Name, ParentID: form.Parent})
	var ae *api.Error
	if asAPIError(err, &ae) && ae.HTTPStatus < 500 {
		c.audit(ec, "new-folder", form.Parent, form.Name+": "+ae.Summary, "failed")
		c.flashField(ec, "new-folder", form.Name, folderRefusal(ae, form.Name))
		return seeOther(ec, console.FolderPage(form.Parent))
	}
	if err != nil {
		return err
	}
	c.audit(ec, "new-folder", res.Object.ID, res.Object.Folder+"/"+res.Object.Name, "ok")
	c.flash(ec, fmt.Sprintf("Created folder %s.", res.Object.Name), false)
	return seeOther(ec, console.FolderPage(form.Parent))
}

// folderRefusal words the share API's refusal of a new folder called name.
func folderRefusal(ae *api.Error, name string) string {
	switch {
	case ae.Status == "SharePutObjectExists":
		return fmt.Sprintf("There is already something called %q here.", name)
	case len(ae.Errors) > 0:
		return "The folder name " + ae.Errors[0].Detail + "."
	}
	return ae.Summary
}
