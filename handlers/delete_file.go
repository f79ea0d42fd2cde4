package handlers

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views/console"
)

// confirmDelete handles GET /files/:id/delete (admins): what would go, before anything does. It is
// where a delete without JavaScript lands; with JavaScript the browser asks instead.
func (c *Console) confirmDelete(ec *echo.Context) error {
	ctx := ec.Request().Context()
	id := ec.Param("id")
	info, err := c.api.Get(ctx, api.GetRequest{ID: id})
	if err != nil {
		return err
	}
	vm := console.DeleteFileVM{Page: c.page(ec, "Delete", "files"), Item: fileRow(info.Object),
		Folder: ec.QueryParam("folder")}
	// What goes is the item and everything below it, and so does what the links to any of them share.
	gone := []string{id}
	if info.Object.Type == "folder" {
		inside, more, err := c.itemsBelow(ctx, id)
		if err != nil {
			return err
		}
		vm.Children, vm.ChildrenMore = len(inside), more
		gone = append(gone, inside...)
	}
	if vm.Links, vm.LinksMore, err = c.linksTo(ctx, gone); err != nil {
		return err
	}
	return c.render(ec, http.StatusOK, console.DeleteFileConfirm(vm))
}

// deleteScan bounds what the confirmation page looks through: beyond it the page says "more than".
const deleteScan = 5000

// itemsBelow lists the ids of everything inside folder, at any depth, up to deleteScan; more reports
// that there is more than that. It goes a level at a time, asking for the children of up to 100
// folders at once, so a wide tree costs a few requests rather than one per folder.
func (c *Console) itemsBelow(ctx context.Context, folder string) (ids []string, more bool, err error) {
	for level := []string{folder}; len(level) > 0; {
		var next []string
		for start := 0; start < len(level) && !more; start += 100 {
			err = c.eachChild(ctx, level[start:min(start+100, len(level))], func(o api.Object) bool {
				if len(ids) == deleteScan {
					more = true
					return false
				}
				ids = append(ids, o.ID)
				if o.Type == "folder" {
					next = append(next, o.ID)
				}
				return true
			})
			if err != nil {
				return nil, false, err
			}
		}
		if more {
			return ids, true, nil
		}
		level = next
	}
	return ids, false, nil
}

// eachChild calls fn with every item directly inside any of parents, page by page, until fn says stop.
func (c *Console) eachChild(ctx context.Context, parents []string, fn func(api.Object) bool) error {
	for last := ""; ; {
		res, err := c.api.List(ctx, api.ListRequest{Filter: map[string]any{"parent_id__in": parents}, Size: 500,
			Last: last, ExtCount: "none"})
		if err != nil {
			return err
		}
		for _, o := range res.Objects {
			if !fn(o) {
				return nil
			}
		}
		if last = res.Last; last == "" || len(res.Objects) == 0 {
			return nil
		}
	}
}

// linksTo counts the links that share any of targets, each once, up to deleteScan.
func (c *Console) linksTo(ctx context.Context, targets []string) (n int, more bool, err error) {
	seen := map[string]bool{}
	for start := 0; start < len(targets); start += 100 {
		chunk := targets[start:min(start+100, len(targets))]
		for last := ""; ; {
			res, err := c.api.LinkList(ctx, api.LinkListRequest{Filter: map[string]any{"target_id__in": chunk},
				Size: 500, Last: last, ExtCount: "none"})
			if err != nil {
				return 0, false, err
			}
			for _, l := range res.ShareLinkObjects {
				seen[l.ID] = true
			}
			if len(seen) >= deleteScan {
				return len(seen), true, nil
			}
			if last = res.Last; last == "" || len(res.ShareLinkObjects) == 0 {
				break
			}
		}
	}
	return len(seen), false, nil
}

// deleteFileForm is what the list and the confirmation page post to delete an item.
type deleteFileForm struct {
	Folder    string // the folder page to return to
	Confirmed bool   // asked and answered: by the confirmation page, or by the browser on the list
}

func newDeleteFileForm(ec *echo.Context) deleteFileForm {
	return deleteFileForm{Folder: ec.FormValue("folder"), Confirmed: confirmed(ec)}
}

// confirmURL is the confirmation page for deleting item id, returning to the same folder page.
func (f deleteFileForm) confirmURL(id string) string {
	target := "/files/" + id + "/delete"
	if f.Folder != "" {
		target += "?" + url.Values{"folder": {f.Folder}}.Encode()
	}
	return target
}

// deleteFile handles POST /files/:id/delete (admins): a file, or a folder with everything in it. Only
// a confirmed post deletes (the confirmation page's, or the list's after the browser asked); any
// other is sent to the confirmation page, so nothing goes without a question.
func (c *Console) deleteFile(ec *echo.Context) error {
	id, form := ec.Param("id"), newDeleteFileForm(ec)
	if !form.Confirmed {
		return seeOther(ec, form.confirmURL(id))
	}
	info, err := c.api.Get(ec.Request().Context(), api.GetRequest{ID: id})
	if err != nil {
		return err
	}
	res, err := c.api.Delete(ec.Request().Context(), api.DeleteRequest{ID: id, Force: true})
	if err != nil {
		c.audit(ec, "delete", id, info.Object.Name+": "+err.Error(), "failed")
		return err
	}
	c.audit(ec, "delete", id, fmt.Sprintf("%s (%d objects)", info.Object.Name, res.Count), "ok")
	c.flash(ec, fmt.Sprintf("Deleted %s.", info.Object.Name), false)
	return seeOther(ec, console.FolderPage(form.Folder))
}
