package handlers

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/sharedesk/sharedesk/consoledb"
)

// auditFilterForm is the audit view as the query string holds it, read as the Links view is: bad
// values are reported per field and left out, so a typo narrows nothing by surprise.
type auditFilterForm struct {
	Q, Actor, Action, Target string
	From, To                 string // yyyy-mm-dd: the first and the last day, both included
	Before, After            int64  // the page: entries older than Before, or newer than After
}

// newAuditFilterForm reads the view from the query string. An action the log does not record is
// dropped, as the page offers none.
func newAuditFilterForm(q url.Values) auditFilterForm {
	f := auditFilterForm{
		Q:      strings.TrimSpace(q.Get("q")),
		Actor:  q.Get("actor"),
		Action: q.Get("action"),
		Target: q.Get("target"),
		From:   q.Get("from"),
		To:     q.Get("to"),
	}
	if f.Action != "" && !slices.Contains(auditActions(), f.Action) {
		f.Action = ""
	}
	f.Before, _ = strconv.ParseInt(q.Get("before"), 10, 64)
	f.After, _ = strconv.ParseInt(q.Get("after"), 10, 64)
	return f
}

// Validate says what cannot be searched for: a search too long, a day that cannot be read, a last day
// before the first.
func (f auditFilterForm) Validate() fieldErrors {
	errs := fieldErrors{}
	if utf8.RuneCountInString(f.Q) > 200 {
		errs.add("q", "Search for at most 200 characters.")
	}
	from, fromErr := auditDay(f.From)
	if fromErr != nil {
		errs.add("from", "Use a date like 2026-03-31.")
	}
	end, toErr := auditDayEnd(f.To)
	if toErr != nil {
		errs.add("to", "Use a date like 2026-03-31.")
	}
	if !from.IsZero() && !end.IsZero() && !from.Before(end) {
		errs.add("to", "Use a day on or after the first day.")
	}
	return errs
}

// filter is the audit log query of the view; a field with an error (errs) narrows nothing.
func (f auditFilterForm) filter(errs fieldErrors) consoledb.AuditFilter {
	af := consoledb.AuditFilter{Actor: f.Actor, Action: f.Action, Target: f.Target, Before: f.Before,
		After: f.After, Limit: auditPage}
	if errs["q"] == "" {
		af.Q = f.Q
	}
	if errs["from"] == "" {
		af.From, _ = auditDay(f.From)
	}
	if errs["to"] == "" {
		af.To, _ = auditDayEnd(f.To)
	}
	return af
}

// auditDay is the start of day (yyyy-mm-dd); zero when none is given.
func auditDay(day string) (time.Time, error) {
	if day == "" {
		return time.Time{}, nil
	}
	return time.Parse("2006-01-02", day)
}

// auditDayEnd is the end of day (yyyy-mm-dd), the start of the next: the last day is included.
func auditDayEnd(day string) (time.Time, error) {
	if day == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		return time.Time{}, err
	}
	return t.Add(24 * time.Hour), nil
}
