package handlers

import (
	"net/url"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/views/console"
)

func TestParseLinkFilter(t *testing.T) {
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name       string
		query      string
		wantFilter map[string]any
		wantErrs   map[string]string
		wantOrder  [3]string // order_by, order, size
		wantURL    string
	}{
		{"empty", "", map[string]any{}, map[string]string{}, [3]string{"created_at", "desc", "25"}, "/links"},
		{"title and person", "q=+board+&person=+KIM%40Partner+", map[string]any{"title__contains": []string{"board"}, "ext_person__contains": []string{"KIM@Partner"}},
			map[string]string{}, [3]string{"created_at", "desc", "25"}, "/links?person=KIM%40Partner&q=board"},
		{"an old recipient bookmark searches the person", "recipient=ann%40", map[string]any{"ext_person__contains": []string{"ann@"}},
			map[string]string{}, [3]string{"created_at", "desc", "25"}, "/links?person=ann%40"},
		{"person wins over an old recipient", "person=kim&recipient=ann", map[string]any{"ext_person__contains": []string{"kim"}},
			map[string]string{}, [3]string{"created_at", "desc", "25"}, "/links?person=kim"},
		{"activity", "activity=never_opened", map[string]any{"ext_activity": "never_opened"},
			map[string]string{}, [3]string{"created_at", "desc", "25"}, "/links?activity=never_opened"},
		{"unknown activity ignored", "activity=sometimes", map[string]any{}, map[string]string{}, [3]string{"created_at", "desc", "25"}, "/links"},
		{"active: not expired, not used up", "status=active", map[string]any{"expires_at__gt": now.Format(time.RFC3339), "ext_used_up": false},
			map[string]string{}, [3]string{"created_at", "desc", "25"}, "/links?status=active"},
		{"used up", "status=used_up", map[string]any{"expires_at__gt": now.Format(time.RFC3339), "ext_used_up": true},
			map[string]string{}, [3]string{"created_at", "desc", "25"}, "/links?status=used_up"},
		{"expired", "status=expired", map[string]any{"expires_at__lte": now.Format(time.RFC3339)}, map[string]string{}, [3]string{"created_at", "desc", "25"}, "/links?status=expired"},
		{"paging keeps its now", "status=active&last=abc&asof=1700000000", map[string]any{"expires_at__gt": "2023-11-14T22:13:20Z", "ext_used_up": false},
			map[string]string{},
			[3]string{"created_at", "desc", "25"}, "/links?asof=1700000000&last=abc&status=active"},
		{"unknown status and type ignored", "status=weird&type=stream", map[string]any{}, map[string]string{}, [3]string{"created_at", "desc", "25"}, "/links"},
		{"type and target", "type=upload&target=pos_x", map[string]any{"link_type": "upload", "target_id": "pos_x"}, map[string]string{}, [3]string{"created_at", "desc", "25"}, "/links?target=pos_x&type=upload"},
		{"date ranges", "created_from=2026-01-01&created_to=2026-02-01&expires_from=2026-03-01&expires_to=2026-04-01",
			map[string]any{"created_at__gte": "2026-01-01T00:00:00Z", "created_at__lt": "2026-02-01T00:00:00Z", "expires_at__gte": "2026-03-01T00:00:00Z", "expires_at__lt": "2026-04-01T00:00:00Z"},
			map[string]string{}, [3]string{"created_at", "desc", "25"}, "/links?created_from=2026-01-01&created_to=2026-02-01&expires_from=2026-03-01&expires_to=2026-04-01"},
		{"not expired, expiring before a date", "status=active&expires_to=2026-12-05",
			map[string]any{"expires_at__gt": now.Format(time.RFC3339), "expires_at__lt": "2026-12-05T00:00:00Z", "ext_used_up": false},
			map[string]string{},
			[3]string{"created_at", "desc", "25"}, "/links?expires_to=2026-12-05&status=active"},
		{"bad date reported, not applied", "created_from=31/01/2026", map[string]any{}, map[string]string{"created_from": "Use a date like 2026-03-31."}, [3]string{"created_at", "desc", "25"}, "/links?created_from=31%2F01%2F2026"},
		{"access range", "min_access=1&max_access=3", map[string]any{"access_count__gte": 1, "access_count__lte": 3}, map[string]string{}, [3]string{"created_at", "desc", "25"}, "/links?max_access=3&min_access=1"},
		{"bad number", "min_access=-2", map[string]any{}, map[string]string{"min_access": "Use a whole number."}, [3]string{"created_at", "desc", "25"}, "/links?min_access=-2"},
		{"tags", "tags=legal,+q3", map[string]any{"tags": []string{"legal", "q3"}}, map[string]string{}, [3]string{"created_at", "desc", "25"}, "/links?tags=legal%2C+q3"},
		{"sort and size", "sort=title&order=asc&size=50", map[string]any{}, map[string]string{}, [3]string{"title", "asc", "50"}, "/links?order=asc&size=50&sort=title"},
		{"unknown sort and size fall back", "sort=id;drop&size=7", map[string]any{}, map[string]string{}, [3]string{"created_at", "desc", "25"}, "/links"},
		{"cursor and back stack", "last=abc&prev=-&prev=xyz", map[string]any{}, map[string]string{}, [3]string{"created_at", "desc", "25"}, "/links?last=abc&prev=-&prev=xyz"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, _ := url.ParseQuery(tt.query)
			form := newLinkFilterForm(q)
			f, errs := console.LinkFilter(form), form.Validate()
			req := linkListRequest(f, errs, now)
			if !reflect.DeepEqual(req.Filter, tt.wantFilter) {
				t.Errorf("filter: got %#v, want %#v", req.Filter, tt.wantFilter)
			}
			if !reflect.DeepEqual(map[string]string(errs), tt.wantErrs) {
				t.Errorf("errors: got %v, want %v", errs, tt.wantErrs)
			}
			if got := [3]string{req.OrderBy, req.Order, strconv.Itoa(req.Size)}; got != tt.wantOrder {
				t.Errorf("order: got %v, want %v", got, tt.wantOrder)
			}
			if got := filterURL(f); got != tt.wantURL {
				t.Errorf("url: got %q, want %q", got, tt.wantURL)
			}
		})
	}
}
