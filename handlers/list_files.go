package handlers

import (
	"net/http"
	"net/url"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views"
	"github.com/sharedesk/sharedesk/views/console"
)

func folderURL(id string) string {
	if id == "" {
		return "/files"
	}
	return "/files?folder=" + url.QueryEscape(id)
}

// listFiles handles GET /files: one folder, its contents, and the links of a selected item.
func (c *Console) listFiles(ec *echo.Context) error {
	ctx := ec.Request().Context()
	folder := ec.QueryParam("folder")
	vm := console.FilesVM{
		Page:       c.page(ec, "Files", "files"),
		FolderID:   folder,
		FolderName: "the top folder",
		Selected:   ec.QueryParam("selected"),
	}
	// The path from the top, one lookup per level.
	var trail []views.Crumb
	for id, depth := folder, 0; id != "" && depth < 64; depth++ {
		res, err := c.api.Get(ctx, api.GetRequest{ID: id})
		if err != nil {
			return err
		}
		if res.Object.Type != "folder" {
			return echo.NewHTTPError(http.StatusNotFound, "That is a file, not a folder.")
		}
		if id == folder {
			vm.FolderName = res.Object.Name
		}
		trail = append([]views.Crumb{{Name: res.Object.Name, URL: folderURL(id)}}, trail...)
		id = res.Object.ParentID
	}
	vm.Crumbs = append([]views.Crumb{{Name: "All files", URL: "/files"}}, trail...)
	vm.Crumbs[len(vm.Crumbs)-1].URL = ""
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
	for _, o := range res.Objects {
		vm.Rows = append(
			vm.Rows,
			console.FileRow{ID: o.ID, Name: o.Name, Type: o.Type, Size: o.Size, Updated: o.UpdatedAt},
		)
	}
	if res.Last != "" {
		vm.NextURL = console.WithParam(folderURL(folder), "last", res.Last)
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
