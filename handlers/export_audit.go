package handlers

import (
	"encoding/csv"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/consoledb"
)

// exportAudit streams the audit log as CSV: every entry of the view's filter (search, person, action,
// dates), not only the page on screen.
func (c *Console) exportAudit(ec *echo.Context, f consoledb.AuditFilter) error {
	f.Limit, f.Before, f.After = 100000, 0, 0
	entries, err := c.db.Audit(ec.Request().Context(), f)
	if err != nil {
		return err
	}
	w := csvAttachment(ec, "sharedesk-audit.csv")
	_ = w.Write([]string{"time", "person", "action", "target", "detail", "outcome", "client"})
	for _, e := range entries {
		_ = w.Write(
			[]string{
				e.At.Format(time.RFC3339),
				cell(e.ActorEmail),
				cell(e.Action),
				cell(e.Target),
				cell(e.Detail),
				cell(e.Outcome),
				cell(e.Client),
			},
		)
	}
	w.Flush()
	c.audit(ec, "export-audit", "", strconv.Itoa(len(entries))+" rows", "ok")
	return w.Error()
}

// cell defuses spreadsheet formulas: a cell starting with = + - @ would run in Excel.
func cell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// csvAttachment starts a CSV download named filename; the status goes out now, so what fails after
// this can only cut the file short.
func csvAttachment(ec *echo.Context, filename string) *csv.Writer {
	h := ec.Response().Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+filename+`"`)
	ec.Response().WriteHeader(http.StatusOK)
	return csv.NewWriter(ec.Response())
}
