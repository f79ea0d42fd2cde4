package handlers

import (
	"cmp"
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views/console"
)

// newLinkForm handles GET /links/new. The query may choose targets and a folder to browse (Share on
// the Files page, an upload from this page): GET carries nothing typed.
func (c *Console) newLinkForm(ec *echo.Context) error {
	form := console.NewLinkForm{
		Batch:      newBatchKey(),
		Type:       "download",
		Expiry:     "7",
		MaxAccess:  "10",
		SendNow:    true,
		SenderName: staffOf(ec).Name,
		Targets:    dedupeStrings(ec.QueryParams()["target"]),
	}
	vm, err := c.newLinkVM(ec, form, ec.QueryParam("in"), ec.QueryParam("search"))
	if err != nil {
		return err
	}
	return c.render(ec, http.StatusOK, console.NewLink(vm))
}

// newLinkVM fills the New link page: the folder in (or the search results), the way down to it, and
// what is chosen so far, wherever it is.
func (c *Console) newLinkVM(ec *echo.Context, form console.NewLinkForm, in, search string) (console.NewLinkVM, error) {
	ctx := ec.Request().Context()
	first, last := dateBounds(c.limits())
	vm := console.NewLinkVM{Page: c.page(ec, "New link", "links"), Form: form, MaxDays: c.opt.MaxExpiryDays,
		MaxAccesses: c.opt.MaxAccess, Search: search, In: in, MinDate: first, MaxDate: last}
	// The way from the top, one lookup per level.
	for id, depth := in, 0; id != "" && depth < 64; depth++ {
		res, err := c.api.Get(ctx, api.GetRequest{ID: id})
		if err != nil {
			return vm, err
		}
		if res.Object.Type != "folder" {
			return vm, echo.NewHTTPError(http.StatusNotFound, "That is a file, not a folder.")
		}
		vm.Crumbs = append([]console.FolderCrumb{{ID: id, Name: res.Object.Name}}, vm.Crumbs...)
		id = res.Object.ParentID
	}
	vm.ChoicesIn = "the top folder"
	if len(vm.Crumbs) > 0 {
		vm.ChoicesIn = "folder " + vm.Crumbs[len(vm.Crumbs)-1].Name
	}
	vm.UploadTo = vm.ChoicesIn
	req := api.ListRequest{Filter: map[string]any{"parent_id": in}, OrderBy: "name", Size: 200}
	if search != "" {
		req.Filter = map[string]any{"name__contains": []string{search}}
		vm.ChoicesIn = "names containing “" + search + "”"
	}
	res, err := c.api.List(ctx, req)
	if err != nil {
		return vm, err
	}
	for _, o := range res.Objects {
		row := console.FileRow{ID: o.ID, Name: o.Name, Type: o.Type, Size: o.Size, Updated: o.UpdatedAt}
		if search != "" {
			row.Folder = o.Folder
		}
		vm.Choices = append(vm.Choices, row)
	}
	if vm.Selected, err = c.selectedObjects(ctx, form.Targets); err != nil {
		return vm, err
	}
	return vm, nil
}

// selectedObjects names the chosen targets, by name (the form posts them in page order, which moves
// as folders are opened: a list in a fixed order is easier to check); one deleted meanwhile is left
// out.
func (c *Console) selectedObjects(ctx context.Context, ids []string) ([]console.FileRow, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	res, err := c.api.List(ctx, api.ListRequest{Filter: map[string]any{"id__in": ids}, Size: len(ids)})
	if err != nil {
		return nil, err
	}
	byID := map[string]api.Object{}
	for _, o := range res.Objects {
		byID[o.ID] = o
	}
	var out []console.FileRow
	for _, id := range ids {
		if o, ok := byID[id]; ok {
			out = append(out, console.FileRow{ID: o.ID, Name: o.Name, Type: o.Type, Size: o.Size, Folder: o.Folder})
		}
	}
	slices.SortStableFunc(out, func(a, b console.FileRow) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)),
			strings.Compare(a.Folder, b.Folder))
	})
	return out, nil
}
