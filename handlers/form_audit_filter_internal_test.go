package handlers

import (
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/consoledb"
)

// The audit view's filter: what each query asks the log for, and what it says is wrong. A field in
// error narrows nothing.
func TestAuditFilterForm(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	tests := []struct {
		name     string
		query    string
		want     consoledb.AuditFilter
		wantErrs map[string]string
	}{
		{"nothing", "", consoledb.AuditFilter{Limit: auditPage}, map[string]string{}},
		{"search trimmed, person, action, item", "q=+invoice+&actor=ada%40example.com&action=upload&target=pos_1",
			consoledb.AuditFilter{Q: "invoice", Actor: "ada@example.com", Action: "upload", Target: "pos_1",
				Limit: auditPage}, map[string]string{}},
		{"an action the log does not record is dropped", "action=launch",
			consoledb.AuditFilter{Limit: auditPage}, map[string]string{}},
		{"the last day is included", "from=2026-03-10&to=2026-03-12",
			consoledb.AuditFilter{From: day("2026-03-10"), To: day("2026-03-13"), Limit: auditPage},
			map[string]string{}},
		{"one day", "from=2026-03-10&to=2026-03-10",
			consoledb.AuditFilter{From: day("2026-03-10"), To: day("2026-03-11"), Limit: auditPage},
			map[string]string{}},
		{"a day that cannot be read", "from=10%2F03%2F2026&action=revoke",
			consoledb.AuditFilter{Action: "revoke", Limit: auditPage},
			map[string]string{"from": "Use a date like 2026-03-31."}},
		{"the last day before the first", "from=2026-03-12&to=2026-03-10",
			consoledb.AuditFilter{From: day("2026-03-12"), Limit: auditPage},
			map[string]string{"to": "Use a day on or after the first day."}},
		{"a search too long", "q=" + strings.Repeat("a", 201),
			consoledb.AuditFilter{Limit: auditPage}, map[string]string{"q": "Search for at most 200 characters."}},
		{"the page", "before=42&after=7", consoledb.AuditFilter{Before: 42, After: 7, Limit: auditPage},
			map[string]string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, _ := url.ParseQuery(tt.query)
			form := newAuditFilterForm(q)
			errs := form.Validate()
			if !reflect.DeepEqual(map[string]string(errs), tt.wantErrs) {
				t.Errorf("errors: got %v, want %v", errs, tt.wantErrs)
			}
			if got := form.filter(errs); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("filter: got %+v, want %+v", got, tt.want)
			}
		})
	}
}
