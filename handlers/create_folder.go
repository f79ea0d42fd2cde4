package handlers

import (
	"fmt"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
)

// createFolder handles POST /files/folder.
func (c *Console) createFolder(ec *echo.Context) error {
	folder, name := ec.FormValue("folder"), ec.FormValue("name")
	if strings.TrimSpace(name) == "" {
		c.flashField(ec, "new-folder", name, "Give the folder a name.")
		return seeOther(ec, folderURL(folder))
	}
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
		c.flashField(ec, "new-folder", name, msg)
		return seeOther(ec, folderURL(folder))
	}
	if err != nil {
		return err
	}
	c.audit(ec, "new-folder", res.Object.ID, res.Object.Folder+"/"+res.Object.Name, "ok")
	c.flash(ec, fmt.Sprintf("Created folder %s.", res.Object.Name), false)
	return seeOther(ec, folderURL(folder))
}
