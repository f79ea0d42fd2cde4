package handlers

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/consoledb"
	"github.com/sharedesk/sharedesk/views/console"
)

func auditFilter(ec *echo.Context) (consoledb.AuditFilter, console.AuditVM) {
	vm := console.AuditVM{
		Actor:  ec.QueryParam("actor"),
		Action: ec.QueryParam("action"),
		From:   ec.QueryParam("from"),
		To:     ec.QueryParam("to"),
	}
	f := consoledb.AuditFilter{Actor: vm.Actor, Action: vm.Action, Target: ec.QueryParam("target"), Limit: 100}
	if t, err := time.Parse("2006-01-02", vm.From); err == nil {
		f.From = t
	}
	if t, err := time.Parse("2006-01-02", vm.To); err == nil {
		f.To = t.Add(24 * time.Hour)
	}
	f.Before, _ = strconv.ParseInt(ec.QueryParam("before"), 10, 64)
	return f, vm
}

// listAudit handles GET /audit, and ?format=csv for the export.
func (c *Console) listAudit(ec *echo.Context) error {
	f, vm := auditFilter(ec)
	if ec.QueryParam("format") == "csv" {
		return c.exportAudit(ec, f)
	}
	entries, err := c.db.Audit(ec.Request().Context(), f)
	if err != nil {
		return err
	}
	vm.Page = c.page(ec, "Audit log", "audit")
	if vm.Actors, err = c.db.Actors(ec.Request().Context()); err != nil {
		return err
	}
	for _, e := range entries {
		vm.Rows = append(
			vm.Rows,
			console.AuditRow{
				At:      e.At,
				Actor:   e.ActorEmail,
				Action:  e.Action,
				Target:  e.Target,
				Detail:  e.Detail,
				Outcome: e.Outcome,
			},
		)
	}
	q := ec.QueryParams()
	q.Del("before")
	q.Set("format", "csv")
	vm.CSVURL = "/audit?" + q.Encode()
	if len(entries) == f.Limit {
		q.Del("format")
		q.Set("before", strconv.FormatInt(entries[len(entries)-1].ID, 10))
		vm.NextURL = "/audit?" + q.Encode()
	}
	return c.render(ec, http.StatusOK, console.Audit(vm))
}
