package handlers

import (
	"net/http"
	"net/url"
	"strconv"

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

// auditURL is /audit with the view in the query, plus extra (a page, the CSV format).
func auditURL(f auditFilterForm, extra ...string) string {
	q := url.Values{}
	for k, v := range map[string]string{"q": f.Q, "actor": f.Actor, "action": f.Action, "target": f.Target,
		"from": f.From, "to": f.To} {
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

// auditNarrowed reports whether the query narrows the log (paging does not).
func auditNarrowed(f consoledb.AuditFilter) bool {
	return f.Q != "" || f.Actor != "" || f.Action != "" || f.Target != "" || !f.From.IsZero() || !f.To.IsZero()
}

// listAudit handles GET /audit (the page, or its results for htmx), and ?format=csv for the export of
// the same filter.
func (c *Console) listAudit(ec *echo.Context) error {
	form := newAuditFilterForm(ec.QueryParams())
	errs := form.Validate()
	f := form.filter(errs)
	if ec.QueryParam("format") == "csv" {
		return c.exportAudit(ec, f)
	}
	entries, err := c.db.Audit(ec.Request().Context(), f)
	if err != nil {
		return err
	}
	vm := console.AuditVM{Page: c.page(ec, "Audit log", "audit"), Q: form.Q, Actor: form.Actor,
		Action: form.Action, From: form.From, To: form.To, Actions: auditActions(), Errors: errs,
		Filtered: auditNarrowed(f)}
	if vm.Actors, err = c.db.Actors(ec.Request().Context()); err != nil {
		return err
	}
	for _, e := range entries {
		vm.Rows = append(vm.Rows, console.AuditRow{At: e.At, Actor: e.ActorEmail, Action: e.Action, Target: e.Target,
			Detail: e.Detail, Outcome: e.Outcome})
	}
	vm.CSVURL = auditURL(form, "format", "csv")
	if len(entries) > 0 {
		newest, oldest := entries[0].ID, entries[len(entries)-1].ID
		// Older entries follow when this page is full, or when it was reached from an older one.
		if len(entries) == f.Limit || f.After > 0 {
			vm.NextURL = auditURL(form, "before", strconv.FormatInt(oldest, 10))
		}
		if f.Before > 0 || (f.After > 0 && len(entries) == f.Limit) {
			vm.PrevURL = auditURL(form, "after", strconv.FormatInt(newest, 10))
		}
	}
	return c.renderWholeOrPart(ec, http.StatusOK, console.Audit(vm), console.AuditResults(vm))
}
