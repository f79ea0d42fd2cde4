package handlers

import (
	"fmt"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
)

// moveForm is the Move page's form: the folder to move the item to.
type moveForm struct {
	To string // the folder's id ("" is the top)
}

func newMoveForm(ec *echo.Context) moveForm {
	return moveForm{To: ec.FormValue("to")}
}

// Validate says what the console can tell is wrong with moving item before asking the share service
// (whether the folder still exists, and is one, takes asking it).
func (f moveForm) Validate(item api.Object) fieldErrors {
	errs := fieldErrors{}
	if f.To == item.ParentID {
		errs.add("to", fmt.Sprintf("“%s” is in this folder already. Open the folder it should go to first.", item.Name))
	}
	return errs
}
