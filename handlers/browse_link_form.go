package handlers

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/views/console"
)

// browseLinkForm handles POST /links/new/browse: the New link form posted to open a folder, go up,
// search, or take an item off the selection. It creates nothing; it shows the form again with
// everything typed and ticked kept (a POST, so nothing typed, a password least of all, goes into an
// address). htmx asks for the chooser alone.
func (c *Console) browseLinkForm(ec *echo.Context) error {
	fv, err := ec.FormValues()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	form := parseLinkForm(fv, staffOf(ec).Name)
	if drop := fv.Get("unselect"); drop != "" {
		kept := form.Targets[:0]
		for _, t := range form.Targets {
			if t != drop {
				kept = append(kept, t)
			}
		}
		form.Targets = kept
	}
	// Open (a folder, or "/" for the top) browses there and ends a search; anything else stays where
	// the form was.
	in, search := fv.Get("at"), strings.TrimSpace(fv.Get("search"))
	if open, ok := fv["open"]; ok && len(open) > 0 {
		in, search = strings.TrimPrefix(open[0], "/"), ""
	}
	if fv.Get("op") == "folders" {
		search = ""
	}
	vm, err := c.newLinkVM(ec, console.NewLinkForm(form), in, search)
	if err != nil {
		return err
	}
	return c.renderWholeOrPart(ec, http.StatusOK, console.NewLink(vm), console.Chooser(vm))
}
