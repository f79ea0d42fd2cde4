package handlers_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/consoledb"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// TestEditLinkInConsole: the Edit page changes expiry, openings and recipients without a new URL; a
// refusal comes back at its field with what was typed; the audit log records the change with the
// addresses, the link's history as an "edited" event.
func TestEditLinkInConsole(t *testing.T) {
	e := startConsole(t, "sqlite")
	_, _, links := seedLinks(t, e)
	ctx := context.Background()
	l := links[0]
	// Two openings so far.
	opened := sharetest.Must(e.share.Svc.OpenLink(ctx, strings.TrimPrefix(l.Link, e.share.URL+"/s/")))(t)
	for range 2 {
		sharetest.Must(e.share.Svc.StartSession(ctx, opened))(t)
	}
	hal := e.signIn(t, "hal@example.com")
	detail := hal.get("/links/" + l.ID)
	href, _ := detail.testid(t, "edit-link").Attr("href")
	if href != "/links/"+l.ID+"/edit" {
		t.Fatalf("Edit button: got %q", href)
	}
	form := hal.get(href)
	if got := form.text(t, "accesses"); !strings.Contains(got, "Opened 2 times so far") {
		t.Errorf("edit form: %q", got)
	}
	newDay := time.Now().UTC().AddDate(0, 0, 20).Format("2006-01-02")
	for _, tc := range []struct {
		name   string
		post   url.Values
		field  string
		want   string
		banner string
	}{
		{"limit below the openings", url.Values{"max_access": {"1"}}, "max_access", "It has been opened 2 times already: use 2 or more.", ""},
		{"date in the past", url.Values{"max_access": {"10"}, "expires_on": {"2001-01-01"}}, "expires_on", "Choose today or a later date.", ""},
		{"a bad phone", url.Values{"max_access": {"10"}, "add_phones": {"555-0100"}}, "add_phones", "not a mobile number in international form", ""},
		{"removing the only way in", url.Values{"max_access": {"10"}, "remove": {"email_otp:rcpta@example.com"}}, "remove",
			"A link needs at least one way to open it: add another recipient before removing the last.", ""},
		{"nothing changed", url.Values{"max_access": {"10"}}, "", "", "Nothing to save"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := hal.post(href, tc.post)
			if p.status != http.StatusBadRequest {
				t.Fatalf("got %d, want 400", p.status)
			}
			if tc.banner != "" {
				if got := p.text(t, "flash-error"); !strings.HasPrefix(got, tc.banner) {
					t.Errorf("message: got %q, want %q…", got, tc.banner)
				}
				return
			}
			if got := p.text(t, "field-error-"+tc.field); !strings.Contains(got, tc.want) {
				t.Errorf("field error: got %q, want %q", got, tc.want)
			}
			if _, ok := p.doc(t).Find("#" + tc.field).Attr("autofocus"); !ok {
				t.Errorf("%s has no autofocus", tc.field)
			}
			for k, v := range tc.post {
				if k == "csrf" {
					continue
				}
				sel := "#" + k
				if k == "remove" {
					if !p.doc(t).Find(`input[name="remove"][value="` + v[0] + `"]`).Is("[checked]") {
						t.Errorf("the removal tick was lost")
					}
					continue
				}
				el := p.doc(t).Find(sel)
				got := el.AttrOr("value", el.Text())
				if got != v[0] {
					t.Errorf("%s lost what was typed: got %q, want %q", k, got, v[0])
				}
			}
		})
	}
	p := hal.post(href, url.Values{"expires_on": {newDay}, "max_access": {"25"}, "add_emails": {"boss@partner.example"},
		"add_phones": {"+15555550123"}, "remove": {"email_otp:rcpta@example.com"}})
	if p.path != "/links/"+l.ID || p.status != http.StatusOK {
		t.Fatalf("save: got %d at %s", p.status, p.path)
	}
	if got, want := p.text(t, "flash"), "Saved: new expiry, can be opened 25 times, added boss@partner.example, added "+
		"+15555550123, removed rcpta@example.com. The link keeps its address; nobody was emailed."; got != want {
		t.Errorf("flash: got %q, want %q", got, want)
	}
	after := sharetest.Must(e.share.Client.LinkGet(ctx, api.LinkGetRequest{ID: l.ID}))(t).ShareLinkObject
	wantExp, _ := time.Parse("2006-01-02", newDay)
	wantExp = wantExp.Add(24*time.Hour - time.Second)
	if after.Link != l.Link || !after.ExpiresAt.Equal(wantExp) || after.MaxAccessCount != 25 ||
		p.text(t, "authenticators") != "email code to boss@partner.example; text code to +15555550123" {
		t.Errorf("after saving: URL same %v, expiry %v (want %v), limit %d, authenticators %q", after.Link == l.Link,
			after.ExpiresAt, wantExp, after.MaxAccessCount, p.text(t, "authenticators"))
	}
	audit, _ := e.db.Audit(ctx, consoledb.AuditFilter{Action: "edit"})
	if len(audit) != 2 || audit[1].Outcome != "failed" || audit[0].Outcome != "ok" || audit[0].ActorEmail != "hal@example.com" ||
		!strings.Contains(audit[0].Detail, "openings 10 → 25; added email code to boss@partner.example; added text code to +15555550123; removed email code to rcpta@example.com") {
		t.Errorf("audit: got %+v", audit)
	}
	var edited []api.LinkEvent
	for _, ev := range sharetest.Must(e.share.Client.LinkEvents(ctx, api.LinkEventsRequest{ID: l.ID}))(t).Events {
		if ev.Type == "edited" {
			edited = append(edited, ev)
		}
	}
	if len(edited) != 1 || edited[0].Actor != "hal@example.com" {
		t.Errorf("history: got %+v, want one edited event by hal@example.com", edited)
	}

	// One address in several letter cases, and one the link has already: one recipient added, and the
	// confirmation and the audit log say so once.
	p = hal.post(href, url.Values{"expires_on": {newDay}, "max_access": {"25"},
		"add_emails": {"Jo@Partner.example, jo@partner.example\nBOSS@partner.example"}})
	if got, want := p.text(t, "flash"), "Saved: added Jo@Partner.example. The link keeps its address; nobody was emailed."; got != want {
		t.Errorf("adding case variants: flash %q, want %q", got, want)
	}
	audit, _ = e.db.Audit(ctx, consoledb.AuditFilter{Action: "edit"})
	if got := audit[0].Detail; strings.Count(got, "added") != 1 || strings.Contains(strings.ToLower(got), "added email code to boss") {
		t.Errorf("adding case variants: audit %q, want one address added", got)
	}
}
