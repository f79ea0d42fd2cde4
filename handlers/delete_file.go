package handlers

import (
	"fmt"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
)

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
