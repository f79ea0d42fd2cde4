package handlers

import (
	"net/http"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views/console"
)

// listFiles handles GET /files: one folder, its contents, and the links of a selected item.
func (c *Console) listFiles(ec *echo.Context) error {
	ctx := ec.Request().Context()
	folder := ec.QueryParam("folder")
	vm := console.FilesVM{
		Page:     c.page(ec, "Files", "files"),
		FolderID: folder,
		Selected: ec.QueryParam("selected"),
	}
	// The path from the top, one lookup per level.
	var err error
	if vm.FolderName, vm.Crumbs, err = c.folderTrail(ec, folder, console.FolderPage); err != nil {
		return err
	}
	res, err := c.api.List(
		ctx,
		api.ListRequest{
			Filter:  map[string]any{"parent_id": folder},
			OrderBy: "name",
			Size:    100,
			Last:    ec.QueryParam("last"),
		},
	)
	if err != nil {
		return err
	}
	vm.Count = res.Count
	if vm.Rows, err = c.fileRows(ec, res.Objects); err != nil {
		return err
	}
	if res.Last != "" {
		vm.NextURL = console.WithParam(console.FolderPage(folder), "last", res.Last)
	}
	if vm.Selected != "" {
		links, err := c.api.LinkList(
			ctx,
			api.LinkListRequest{
				Filter:  map[string]any{"target_id": vm.Selected},
				OrderBy: "created_at",
				Order:   "desc",
				Size:    50,
			},
		)
		if err != nil {
			return err
		}
		if vm.Links, err = c.linkRows(ec, links.ShareLinkObjects); err != nil {
			return err
		}
	}
	return c.render(ec, http.StatusOK, console.Files(vm))
}

// fileRows are the rows of a folder's items, each saying whether this person may rename and move it.
func (c *Console) fileRows(ec *echo.Context, objects []api.Object) ([]console.FileRow, error) {
	ids := make([]string, len(objects))
	for i, o := range objects {
		ids[i] = o.ID
	}
	mine, err := c.organizable(ec, ids)
	if err != nil {
		return nil, err
	}
	var rows []console.FileRow
	for _, o := range objects {
		row := fileRow(o)
		row.CanOrganize = mine[o.ID]
		rows = append(rows, row)
	}
	return rows, nil
}
