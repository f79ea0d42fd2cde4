package handlers

// The items of the Files page and of its actions (rename, move, delete): who may organize which, and
// how an item is shown.

import (
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

// fileRow is item o as a row of the file pages (Files, Move, Rename, Delete).
func fileRow(o api.Object) console.FileRow {
	return console.FileRow{ID: o.ID, Name: o.Name, Type: o.Type, Size: o.Size, Updated: o.UpdatedAt,
		Preview: o.Type == "file" && previewType(o.Name) != ""}
}
