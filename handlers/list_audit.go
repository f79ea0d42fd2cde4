package handlers

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v5"

	"github.com/sharedesk/sharedesk/consoledb"
	"github.com/sharedesk/sharedesk/views/console"
)

// auditPage is how many entries one page of the audit log shows.
const auditPage = 100

// auditActions are the actions the audit log records, for the filter's choices.
func auditActions() []string {
	return []string{"sign-in", "sign-out", "create", "send", "edit", "revoke", "upload", "new-folder", "rename",
		"move", "download", "delete", "token-create", "token-revoke", "end-session", "export-audit", "export-history"}
}

// parseAuditFilter reads the audit view from the query string, as the Links view is read: bad values
// are reported per field and left out, so a typo narrows nothing by surprise.
func parseAuditFilter(q url.Values) (consoledb.AuditFilter, console.AuditVM) {
	vm := console.AuditVM{
		Q:      strings.TrimSpace(q.Get("q")),
		Actor:  q.Get("actor"),
		Action: q.Get("action"),
		From:   q.Get("from"),
		To:     q.Get("to"),
		Errors: map[string]string{},
	}
	if utf8.RuneCountInString(vm.Q) > 200 {
		vm.Errors["q"] = "Search for at most 200 characters."
	}
	if vm.Action != "" && !slices.Contains(auditActions(), vm.Action) {
		vm.Action = ""
	}
	f := consoledb.AuditFilter{Actor: vm.Actor, Action: vm.Action, Target: q.Get("target"), Limit: auditPage}
	if vm.Errors["q"] == "" {
		f.Q = vm.Q
	}
	for _, d := range []struct {
		name, val string
		into      *time.Time
		add       time.Duration
	}{{"from", vm.From, &f.From, 0}, {"to", vm.To, &f.To, 24 * time.Hour}} {
		if d.val == "" {
			continue
		}
		t, err := time.Parse("2006-01-02", d.val)
		if err != nil {
			vm.Errors[d.name] = "Use a date like 2026-03-31."
			continue
		}
		*d.into = t.Add(d.add)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		vm.Errors["to"] = "Use a day on or after the first day."
		f.To = time.Time{}
	}
	f.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	f.After, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	vm.Filtered = f.Q != "" || f.Actor != "" || f.Action != "" || f.Target != "" || !f.From.IsZero() || !f.To.IsZero()
	return f, vm
}

// auditURL is /audit with the view in the query, plus extra (a page, the CSV format).
func auditURL(f consoledb.AuditFilter, vm console.AuditVM, extra ...string) string {
	q := url.Values{}
	for k, v := range map[string]string{"q": vm.Q, "actor": f.Actor, "action": f.Action, "target": f.Target,
		"from": vm.From, "to": vm.To} {
		if v != "" {
			q.Set(k, v)
		}
	}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	if len(q) == 0 {
		return "/audit"
	}
	return "/audit?" + q.Encode()
}

// listAudit handles GET /audit (the page, or its results for htmx), and ?format=csv for the export of
// the same filter.
func (c *Console) listAudit(ec *echo.Context) error {
	f, vm := parseAuditFilter(ec.QueryParams())
	if ec.QueryParam("format") == "csv" {
		return c.exportAudit(ec, f)
	}
	entries, err := c.db.Audit(ec.Request().Context(), f)
	if err != nil {
		return err
	}
	vm.Page = c.page(ec, "Audit log", "audit")
	vm.Actions = auditActions()
	if vm.Actors, err = c.db.Actors(ec.Request().Context()); err != nil {
		return err
	}
	for _, e := range entries {
		vm.Rows = append(vm.Rows, console.AuditRow{At: e.At, Actor: e.ActorEmail, Action: e.Action, Target: e.Target,
			Detail: e.Detail, Outcome: e.Outcome})
	}
	vm.CSVURL = auditURL(f, vm, "format", "csv")
	if len(entries) > 0 {
		newest, oldest := entries[0].ID, entries[len(entries)-1].ID
		// Older entries follow when this page is full, or when it was reached from an older one.
		if len(entries) == f.Limit || f.After > 0 {
			vm.NextURL = auditURL(f, vm, "before", strconv.FormatInt(oldest, 10))
		}
		if f.Before > 0 || (f.After > 0 && len(entries) == f.Limit) {
			vm.PrevURL = auditURL(f, vm, "after", strconv.FormatInt(newest, 10))
		}
	}
	return c.renderWholeOrPart(ec, http.StatusOK, console.Audit(vm), console.AuditResults(vm))
}
