package handlers

import (
	"strings"

	"github.com/labstack/echo/v5"
)

// renameForm is the Rename page's form.
type renameForm struct {
	Name string // as typed, so the page can show it back
}

func newRenameForm(ec *echo.Context) renameForm {
	return renameForm{Name: ec.FormValue("name")}
}

// NewName is the name asked for, without the spaces around it.
func (f renameForm) NewName() string { return strings.TrimSpace(f.Name) }

// Validate says what the console can tell is wrong before asking the share service.
func (f renameForm) Validate() fieldErrors {
	errs := fieldErrors{}
	if f.NewName() == "" {
		errs.add("name", "Give it a name.")
	}
	return errs
}
