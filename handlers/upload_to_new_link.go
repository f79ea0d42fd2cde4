package handlers

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/views/console"
)

// uploadToNewLink handles POST /links/new/upload: the whole New link form posted with new files. The
// files stream to the share API into the folder being browsed and are chosen; the form comes back with
// everything typed kept (a POST, like browsing, so nothing typed goes into an address). A problem is
// shown at the file field; the files stored before it stay stored and chosen.
func (c *Console) uploadToNewLink(ec *echo.Context) error {
	mr, err := ec.Request().MultipartReader()
	if err != nil {
		return echo.NewHTTPError(http.StatusBadRequest, "The form could not be read.")
	}
	s := staffOf(ec)
	up := upload{csrf: s.CSRF, folderField: "at", fields: url.Values{}}
	if err := c.receiveUpload(ec, mr, &up); err != nil {
		return err
	}
	// requireCSRF checked a token sent as a header; without one, the form's own must have been right.
	if !up.csrfOK && ec.Request().Header.Get("X-CSRF-Token") == "" {
		return echo.NewHTTPError(http.StatusForbidden, "This form has expired. Go back, reload the page and try again.")
	}
	form := parseLinkForm(up.fields, s.Name)
	form.Targets = dedupeStrings(append(form.Targets, up.savedIDs...))
	in, search := up.fields.Get("at"), strings.TrimSpace(up.fields.Get("search"))
	vm, err := c.newLinkVM(ec, console.NewLinkForm(form), in, search)
	if err != nil {
		return err
	}
	errs := fieldErrors{}
	switch {
	case up.problem != "":
		errs.add("new-up", up.problem)
	case len(up.saved) == 0:
		errs.add("new-up", "Choose one or more files to upload.")
	}
	vm.Errors = errs.inOrder(newLinkFields())
	if n := len(up.saved); n > 0 {
		vm.Uploaded = fmt.Sprintf("Uploaded and chosen: %s.", joinNames(up.saved))
	}
	// 200 even with a problem: the page is the answer either way, and htmx swaps in only a success.
	return c.render(ec, http.StatusOK, console.NewLink(vm))
}
