package handlers

import (
	"encoding/csv"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/auth"
	"github.com/sharedesk/sharedesk/consoledb"
	"github.com/sharedesk/sharedesk/views/console"
)

func auditFilter(ec *echo.Context) (consoledb.AuditFilter, console.AuditVM) {
	vm := console.AuditVM{Actor: ec.QueryParam("actor"), Action: ec.QueryParam("action"), From: ec.QueryParam("from"), To: ec.QueryParam("to")}
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
		vm.Rows = append(vm.Rows, console.AuditRow{At: e.At, Actor: e.ActorEmail, Action: e.Action, Target: e.Target, Detail: e.Detail, Outcome: e.Outcome})
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

// exportAudit streams the filtered audit log as CSV.
func (c *Console) exportAudit(ec *echo.Context, f consoledb.AuditFilter) error {
	f.Limit, f.Before = 100000, 0
	entries, err := c.db.Audit(ec.Request().Context(), f)
	if err != nil {
		return err
	}
	h := ec.Response().Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="sharedesk-audit.csv"`)
	ec.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(ec.Response())
	_ = w.Write([]string{"time", "person", "action", "target", "detail", "outcome", "client"})
	for _, e := range entries {
		_ = w.Write([]string{e.At.Format(time.RFC3339), cell(e.ActorEmail), cell(e.Action), cell(e.Target), cell(e.Detail), cell(e.Outcome), cell(e.Client)})
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

// listSessions handles GET /admin/sessions.
func (c *Console) listSessions(ec *echo.Context) error {
	now := c.opt.Now()
	rows, err := c.db.Sessions(ec.Request().Context(), now.Add(-auth.IdleTimeout).UnixMicro(), now.Add(-auth.AbsoluteTimeout).UnixMicro())
	if err != nil {
		return err
	}
	vm := console.SessionsVM{Page: c.page(ec, "Sessions", "sessions")}
	mine := ""
	if ck, err := ec.Cookie(c.auth.SessionCookie); err == nil {
		mine = auth.HashID(ck.Value)
	}
	for _, s := range rows {
		vm.Rows = append(vm.Rows, console.SessionRow{IDHash: s.IDHash, Name: s.Name, Email: s.Email, Role: s.Role, Client: s.Client, Agent: s.UserAgent,
			Created: time.UnixMicro(s.CreatedAt), LastSeen: time.UnixMicro(s.LastSeenAt), Current: s.IDHash == mine})
	}
	return c.render(ec, http.StatusOK, console.Sessions(vm))
}

// endSession handles POST /admin/sessions/:id/end.
func (c *Console) endSession(ec *echo.Context) error {
	id := ec.Param("id")
	if err := c.auth.Store().EndSessionByHash(ec.Request().Context(), id); err != nil {
		return err
	}
	c.audit(ec, "end-session", id[:min(12, len(id))], "", "ok")
	c.flash(ec, "The session has ended; that person must sign in again.", false)
	return seeOther(ec, "/admin/sessions")
}

var linkPattern = regexp.MustCompile(`https?://\S+/s/[a-z2-7]{32}`)

// listOutbox handles GET /outbox (demo): what the share server would have sent.
func (c *Console) listOutbox(ec *echo.Context) error {
	vm := console.OutboxVM{Page: c.page(ec, "Outbox", "outbox")}
	if c.opt.Outbox == nil {
		return c.render(ec, http.StatusOK, console.Outbox(vm))
	}
	msgs, err := c.opt.Outbox.Messages(ec.Request().Context(), 100)
	if err != nil {
		return err
	}
	for _, m := range msgs {
		vm.Messages = append(vm.Messages, console.OutboxMessage{Kind: m.Kind, To: m.To, Subject: m.Subject, Text: m.Text, At: m.CreatedAt,
			Link: linkPattern.FindString(m.Text)})
	}
	return c.render(ec, http.StatusOK, console.Outbox(vm))
}
