package handlers

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/consoledb"
	"github.com/sharedesk/sharedesk/views/console"
)

// showCreated handles GET /links/created/:batch: the result of a New link form, as often as it is
// asked for (a reload or Back shows it again, nothing is created). Only the person who posted it sees
// it.
func (c *Console) showCreated(ec *echo.Context) error {
	b, err := c.db.LinkBatch(ec.Request().Context(), ec.Param("batch"))
	if errors.Is(err, consoledb.ErrNotFound) || (err == nil && b.Subject != staffOf(ec).Subject) {
		return echo.NewHTTPError(http.StatusNotFound,
			"There is no such result. Results of New link are kept for a week; the links are in the list.")
	}
	if err != nil {
		return err
	}
	vm := console.CreatedVM{Page: c.page(ec, "Links created", "links"), Pending: !b.Done,
		StartedAt: time.UnixMicro(b.CreatedAt).UTC()}
	if vm.Pending {
		vm.Title = "Creating links"
		return c.render(ec, http.StatusOK, console.Created(vm))
	}
	var res batchResult
	if err := json.Unmarshal([]byte(b.Result), &res); err != nil {
		return err
	}
	ids := make([]string, len(res.Links))
	for i, l := range res.Links {
		ids[i] = l.ID
	}
	found := map[string]api.ShareLink{}
	if len(ids) > 0 {
		list, err := c.api.LinkList(ec.Request().Context(),
			api.LinkListRequest{Filter: map[string]any{"id__in": ids}, Size: len(ids)})
		if err != nil {
			return err
		}
		for _, l := range list.ShareLinkObjects {
			found[l.ID] = l
		}
	}
	for _, bl := range res.Links {
		row := console.CreatedRow{ID: bl.ID, Recipient: bl.Recipient, Email: bl.Email, EmailDetail: bl.Detail}
		l, ok := found[bl.ID]
		if !ok {
			row.Revoked = true
			vm.Rows = append(vm.Rows, row)
			continue
		}
		row.Title, row.URL, row.ExpiresAt, row.MaxAccesses = l.Title, l.Link, l.ExpiresAt, l.MaxAccessCount
		row.OpensWith = strings.Join(authenticatorWords(l.Authenticators), "; ")
		vm.Rows = append(vm.Rows, row)
	}
	return c.render(ec, http.StatusOK, console.Created(vm))
}
