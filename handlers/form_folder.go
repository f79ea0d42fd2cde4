package handlers

import (
	"strings"

	"github.com/labstack/echo/v5"
)

// folderForm is the New folder form of a folder page.
type folderForm struct {
	Parent string // the folder it goes in ("" is the top)
	Name   string // as typed: the share API is given it so, and the page shows it back so
}

func newFolderForm(ec *echo.Context) folderForm {
	return folderForm{Parent: ec.FormValue("folder"), Name: ec.FormValue("name")}
}

// Validate says what the console can tell is wrong before asking the share service; the errors are
// keyed by the field's id on the folder page ("new-folder"), where the next page shows them.
func (f folderForm) Validate() fieldErrors {
	errs := fieldErrors{}
	if strings.TrimSpace(f.Name) == "" {
		errs.add("new-folder", "Give the folder a name.")
	}
	return errs
}
