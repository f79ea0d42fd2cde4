package handlers

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestLinkFormValidate(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	lim := linkLimits{Now: now, MaxExpiryDays: 90, MaxAccess: 1000}
	valid := url.Values{"target": {"pos_1"}, "type": {"download"}, "expiry": {"7"}, "max_access": {"10"},
		"recipients": {"a@example.com"}}
	with := func(k, v string) url.Values {
		fv := url.Values{}
		for key, vs := range valid {
			fv[key] = vs
		}
		if v == "" {
			fv.Del(k)
		} else {
			fv.Set(k, v)
		}
		return fv
	}
	tests := []struct {
		name      string
		form      url.Values
		wantField string // "" means valid
		wantIn    string // part of the message
	}{
		{"valid", valid, "", ""},
		{"no target", with("target", ""), "targets", "at least one"},
		{"unknown type", with("type", "owner"), "type", "what the recipient may do"},
		{"custom without a date", with("expiry", "custom"), "expires_at", "Pick a date, or choose 1, 7 or 30 days"},
		{"date past", with("expiry", "custom"), "expires_at", "Choose today or a later date"},
		{"date unreadable", with("expires_at", "31/03/2026"), "expires_at", "year-month-day, like 2026-03-08"},
		{"date past the maximum", with("expires_at", "2026-05-31"), "expires_at", "at most 90 days here: choose 2026-05-29 or earlier"},
		{"unknown preset", with("expiry", "forever"), "expiry", "how long the link works"},
		{"access zero", with("max_access", "0"), "max_access", "1 to 1000"},
		{"access a fraction", with("max_access", "2.5"), "max_access", "whole number from 1 to 1000"},
		{"access above limit", with("max_access", "1001"), "max_access", "1 to 1000"},
		{"bad address", with("recipients", "Ann <a@example.com>"), "recipients", "is not an email address"},
		{"too many recipients", with("recipients", strings.Repeat("x,", 51)), "recipients", "At most 50"},
		{"no way to prove identity", with("recipients", ""), "auth", "at least one way"},
	}
	tests[4].form.Set("expires_at", "2026-02-27")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errs := parseLinkForm(tt.form, "Sam").Validate(lim)
			if tt.wantField == "" {
				if len(errs) != 0 {
					t.Fatalf("errors %v, want none", errs)
				}
				return
			}
			if got := errs[tt.wantField]; !strings.Contains(got, tt.wantIn) {
				t.Errorf("errors[%q] = %q, want it to contain %q (all: %v)", tt.wantField, got, tt.wantIn, errs)
			}
		})
	}
}

func TestLinkFormOrder(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	fv := url.Values{"target": {"pos_1"}, "type": {"editor"}, "expiry": {"custom"}, "expires_at": {"2026-03-10"},
		"max_access": {"3"}, "recipients": {"a@example.com, b@example.com"}}
	order, errs := parseLinkForm(fv, "Sam").Validate(linkLimits{Now: now, MaxExpiryDays: 90, MaxAccess: 1000})
	if len(errs) != 0 {
		t.Fatalf("errors %v", errs)
	}
	wantExp := time.Date(2026, 3, 10, 23, 59, 59, 0, time.UTC)
	if !order.ExpiresAt.Equal(wantExp) || order.MaxAccess != 3 || len(order.Recipients) != 2 {
		t.Errorf("order = %+v, want expiry %v, 3 accesses, 2 recipients", order, wantExp)
	}
}

// TestLinkFormExpiry: a date, when given, wins over the preset (the issue: a chosen date silently lost
// to "7 days"), and means the end of that day in the viewer's zone (reported by the page's script, UTC
// without it); a preset counts from now.
func TestLinkFormExpiry(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	lim := linkLimits{Now: now, MaxExpiryDays: 90, MaxAccess: 1000}
	tests := []struct {
		name             string
		preset, date, tz string
		want             time.Time
	}{
		{"preset", "7", "", "", now.Add(7 * 24 * time.Hour)},
		{"date wins over the preset", "7", "2026-03-20", "", time.Date(2026, 3, 20, 23, 59, 59, 0, time.UTC)},
		{"date with the custom choice", "custom", "2026-03-20", "", time.Date(2026, 3, 20, 23, 59, 59, 0, time.UTC)},
		{"date in Berlin (UTC+1)", "custom", "2026-03-20", "60", time.Date(2026, 3, 20, 22, 59, 59, 0, time.UTC)},
		{"date in New York (UTC-4)", "1", "2026-03-20", "-240", time.Date(2026, 3, 21, 3, 59, 59, 0, time.UTC)},
		{"today", "custom", "2026-03-01", "", time.Date(2026, 3, 1, 23, 59, 59, 0, time.UTC)},
		{"the last day allowed", "custom", "2026-05-29", "", time.Date(2026, 5, 29, 23, 59, 59, 0, time.UTC)},
		{"a nonsense zone counts as UTC", "custom", "2026-03-20", "99999", time.Date(2026, 3, 20, 23, 59, 59, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fv := url.Values{"target": {"pos_1"}, "type": {"download"}, "expiry": {tt.preset}, "expires_at": {tt.date},
				"tz_offset": {tt.tz}, "max_access": {"10"}, "recipients": {"a@example.com"}}
			order, errs := parseLinkForm(fv, "Sam").Validate(lim)
			if len(errs) != 0 {
				t.Fatalf("errors %v, want none", errs)
			}
			if !order.ExpiresAt.Equal(tt.want) {
				t.Errorf("expiry: got %v, want %v", order.ExpiresAt, tt.want)
			}
		})
	}
}
