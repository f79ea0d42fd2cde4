package handlers

import (
	"fmt"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/auth"
	"github.com/sharedesk/sharedesk/views/console"
)

// organizable reports which of the items ids this person may rename and move: admins any, sharers
// what they uploaded or created (per the audit log, as for the links they created), others none.
func (c *Console) organizable(ec *echo.Context, ids []string) (map[string]bool, error) {
	s := staffOf(ec)
	switch {
	case s.Can(auth.DeleteFile):
		all := map[string]bool{}
		for _, id := range ids {
			all[id] = true
		}
		return all, nil
	case s.Can(auth.Create):
		return c.db.Made(ec.Request().Context(), s.Subject, ids)
	}
	return map[string]bool{}, nil
}

// organizeItem loads the item of the request and checks that this person may rename or move it.
func (c *Console) organizeItem(ec *echo.Context) (api.Object, error) {
	id := ec.Param("id")
	info, err := c.api.Get(ec.Request().Context(), api.GetRequest{ID: id})
	if err != nil {
		return api.Object{}, err
	}
	ok, err := c.organizable(ec, []string{id})
	if err != nil {
		return api.Object{}, err
	}
	if !ok[id] {
		logDetail(ec, slog.String("refused", "not the uploader of "+id))
		return api.Object{}, echo.NewHTTPError(http.StatusForbidden,
			"You can rename and move only what you uploaded or created. Ask an administrator for the rest.")
	}
	return info.Object, nil
}

func fileRow(o api.Object) console.FileRow {
	return console.FileRow{ID: o.ID, Name: o.Name, Type: o.Type, Size: o.Size, Updated: o.UpdatedAt,
		Preview: o.Type == "file" && previewType(o.Name) != ""}
}

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
	return console.RenameVM{Page: c.page(ec, "Rename", "files"), Item: fileRow(o), Back: folderURL(o.ParentID),
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
		return seeOther(ec, folderURL(o.ParentID))
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
	return seeOther(ec, folderURL(o.ParentID))
}
