package handlers

import (
	"fmt"
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views/console"
)

// showRenameFile handles GET /files/:id/rename.
func (c *Console) showRenameFile(ec *echo.Context) error {
	o, err := c.organizeItem(ec)
	if err != nil {
		return err
	}
	return c.render(ec, http.StatusOK, console.RenameFile(c.renameVM(ec, o, renameForm{nameForm{Name: o.Name}}, nil)))
}

// renameVM is the Rename page of item o with form as typed and its problems.
func (c *Console) renameVM(ec *echo.Context, o api.Object, form renameForm, errs fieldErrors) console.RenameVM {
	if errs == nil {
		errs = fieldErrors{}
	}
	return console.RenameVM{Page: c.page(ec, "Rename", "files"), Item: fileRow(o), Back: console.FolderPage(o.ParentID),
		Name: form.Name, Errors: errs}
}

// renameFile handles POST /files/:id/rename. A name that is taken or not allowed comes back beside
// the field, as typed.
func (c *Console) renameFile(ec *echo.Context) error {
	o, err := c.organizeItem(ec)
	if err != nil {
		return err
	}
	form := renameForm{newNameForm(ec)}
	refuse := func(msg string) error {
		vm := c.renameVM(ec, o, form, fieldErrors{"name": msg})
		return c.render(ec, http.StatusBadRequest, console.RenameFile(vm))
	}
	if errs := form.Validate(); len(errs) > 0 {
		return refuse(errs["name"])
	}
	name := form.trimmed()
	if name == o.Name {
		return seeOther(ec, console.FolderPage(o.ParentID))
	}
	res, err := c.api.Update(ec.Request().Context(), api.UpdateRequest{ID: o.ID, Name: &name})
	var ae *api.Error
	switch {
	case asAPIError(err, &ae) && ae.Status == "SharePutObjectExists":
		c.audit(ec, "rename", o.ID, o.Name+" → "+name+": name taken", "failed")
		return refuse(fmt.Sprintf("There is already something called “%s” in this folder.", name))
	case asAPIError(err, &ae) && ae.Status == "ValidationError" && len(ae.Errors) > 0:
		c.audit(ec, "rename", o.ID, o.Name+" → "+name+": "+ae.Errors[0].Detail, "failed")
		return refuse("The name " + ae.Errors[0].Detail + ".")
	case err != nil:
		return err
	}
	c.audit(ec, "rename", o.ID, o.Name+" → "+res.Object.Name, "ok")
	c.flash(ec, fmt.Sprintf("Renamed “%s” to “%s”.", o.Name, res.Object.Name), false)
	return seeOther(ec, console.FolderPage(o.ParentID))
}
