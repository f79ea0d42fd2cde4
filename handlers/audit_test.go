package handlers_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/consoledb"
)

// TestAuditSearch: the audit log is searched and filtered like the Links view: a GET form whose
// address holds the view, applied in place for htmx, paged both ways, exported with the same filter;
// a bad date is said beside its field and narrows nothing.
func TestAuditSearch(t *testing.T) {
	e := startConsole(t, "sqlite")
	ctx := context.Background()
	day := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	record := func(at time.Time, who, action, target, detail string) {
		t.Helper()
		if err := e.db.Record(ctx, consoledb.Entry{At: at, ActorEmail: who, Action: action, Target: target, Detail: detail, Outcome: "ok"}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 150 {
		record(day.Add(time.Duration(i)*time.Minute), "sam@example.com", "upload", fmt.Sprintf("pos_%03d", i), fmt.Sprintf("Invoice %03d.pdf in /Suppliers", i))
	}
	record(day.AddDate(0, 0, 1), "hal@example.com", "revoke", "psl_kim", `"Contract" to KIM@partner.example`)
	record(day.AddDate(0, 0, 2), "ada@example.com", "token-create", "ptk_x", "nightly export (sha256:abc)")
	ada := e.signIn(t, "ada@example.com")

	tests := []struct {
		name, query string
		wantCount   string
		wantActions []string // of the first rows
	}{
		{"search any case, in details", "q=kim%40PARTNER", "1 entry.", []string{"revoke"}},
		{"search a person", "q=hal%40", "1 entry.", []string{"revoke"}},
		{"search a target", "q=pos_14", "10 entries.", nil},
		{"action", "action=token-create", "1 entry.", []string{"token-create"}},
		{"person and dates", "actor=sam%40example.com&from=2026-03-10&to=2026-03-10", "Showing 100 entries, newest first.", []string{"upload"}},
		{"nothing", "q=no+such+thing", "0 entries.", nil},
		{"percent is literal", "q=%25", "0 entries.", nil},
	}
	for _, tt := range tests {
		p := ada.get("/audit?" + tt.query)
		if got := p.text(t, "audit-count"); got != tt.wantCount {
			t.Errorf("%s: count %q, want %q", tt.name, got, tt.wantCount)
		}
		got := p.texts(t, "audit-action")
		if len(tt.wantActions) > 0 && (len(got) < len(tt.wantActions) || got[0] != tt.wantActions[0]) {
			t.Errorf("%s: actions %q, want %q first", tt.name, got, tt.wantActions)
		}
	}
	if p := ada.get("/audit?q=no+such+thing"); !strings.Contains(p.doc(t).Find("#audit-results").Text(), "No entries match these filters") {
		t.Error("an empty search does not say that nothing matches")
	}

	// Paging: 150 uploads, 100 a page; older, then newer again, with the filter kept.
	first := ada.get("/audit?action=upload")
	older, _ := first.testid(t, "audit-older").Attr("href")
	if !strings.Contains(older, "action=upload") || !strings.Contains(older, "before=") {
		t.Fatalf("older page link %q, want the filter and a cursor", older)
	}
	second := ada.get(older)
	if n := len(second.texts(t, "audit-row")); n != 50 || second.testid(t, "audit-older").Length() != 0 {
		t.Errorf("second page: %d rows (older link: %d), want the last 50 and no older page", n, second.testid(t, "audit-older").Length())
	}
	newer, _ := second.testid(t, "audit-newer").Attr("href")
	back := ada.get(newer)
	if got, want := back.texts(t, "audit-detail"), first.texts(t, "audit-detail"); strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("newer from the second page: got %d rows starting %q, want the first page again", len(got), got[:min(1, len(got))])
	}

	// htmx asks for the results only, and they carry the export of the same view.
	req, _ := http.NewRequest(http.MethodGet, e.url+"/audit?q=invoice+14", nil)
	req.Header.Set("HX-Request", "true")
	part := ada.do(req)
	csvURL, _ := part.testid(t, "audit-csv").Attr("href")
	if strings.Contains(part.body, "<form") || !strings.Contains(csvURL, "q=invoice+14") || !strings.Contains(part.header.Get("Vary"), "HX-Request") {
		t.Errorf("htmx results: whole page or export %q without the filter", csvURL)
	}
	export := ada.get(csvURL)
	rows, err := csv.NewReader(strings.NewReader(export.body)).ReadAll()
	if err != nil || len(rows) != 1+10 {
		t.Fatalf("export of the search: %d rows (%v), want a header and the 10 entries", len(rows), err)
	}
	for _, r := range rows[1:] {
		if !strings.HasPrefix(r[4], "Invoice 14") {
			t.Errorf("exported %q, which the search does not match", r[4])
		}
	}

	// A bad date is reported beside its field, kept as typed, and narrows nothing.
	bad := ada.get("/audit?from=10%2F03%2F2026&action=revoke")
	if got := bad.doc(t).Find("#from-err").Text(); got == "" || bad.text(t, "audit-count") != "1 entry." {
		t.Errorf("bad date: error %q, count %q", got, bad.text(t, "audit-count"))
	}
	if v, _ := bad.doc(t).Find("#from").Attr("value"); v != "10/03/2026" {
		t.Errorf("bad date: field holds %q, want what was typed", v)
	}
	if inv, _ := bad.doc(t).Find("#from").Attr("aria-invalid"); inv != "true" {
		t.Error("bad date: the field is not marked invalid")
	}
	if got := ada.get("/audit?from=2026-03-12&to=2026-03-10").doc(t).Find("#to-err").Text(); got == "" {
		t.Error("a range that ends before it starts is not reported")
	}
}
