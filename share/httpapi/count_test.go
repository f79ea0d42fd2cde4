package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// insertLinks stores n links of the given type straight into the store (the API would take minutes
// to create enough links to pass share.CountBound).
func insertLinks(t *testing.T, e *sharetest.Env, target, linkType string, from, n int) {
	t.Helper()
	ctx := context.Background()
	b, err := e.Store.EnsureDefaultBucket(ctx, share.Bucket{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	links := make([]share.Link, n)
	for i := range links {
		id := share.NewID("psl_")
		links[i] = share.Link{ID: id, BucketID: b.ID, TokenHash: "hash-" + id, TokenSealed: []byte("x"), LinkType: linkType,
			Targets: []string{target}, MaxAccessCount: 1, CreatedAt: now.Add(time.Duration(from+i) * time.Second), ExpiresAt: now.Add(time.Hour),
			Authenticators: []share.Authenticator{{Type: share.AuthEmailOTP, Context: "a@example.com"}}, Title: fmt.Sprintf("Report %d", from+i)}
	}
	if err := e.Store.InsertLinks(ctx, links, nil); err != nil {
		t.Fatal(err)
	}
}

// TestListExtCount covers the ext_count extension of link/list and list: every mode, below and above
// share.CountBound, and the wire staying Pangea's when it is not asked for.
func TestListExtCount(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e, f := startSeeded(t, kind)
		const downloads, editors = share.CountBound + 1500, 700
		insertLinks(t, e, f.a.ID, share.LinkDownload, 0, downloads)
		insertLinks(t, e, f.a.ID, share.LinkEditor, downloads, editors)

		cases := []struct {
			name, body   string
			wantCount    int
			tolerance    int // for estimates: how far the count may be from wantCount
			wantKind     any // nil: ext_count_kind absent
			wantMore     any // nil: ext_count_more absent
			wantItems    int
			wantNextPage bool
		}{
			{"default is Pangea's exact count", `{"size": 5, "filter": {"link_type": "download"}}`, downloads, 0, nil, nil, 5, true},
			{"exact", `{"size": 5, "ext_count": "exact", "filter": {"link_type": "download"}}`, downloads, 0, "exact", nil, 5, true},
			{"bounded above the bound", `{"size": 5, "ext_count": "bounded", "filter": {"link_type": "download"}}`, share.CountBound, 0, "bounded", true, 5, true},
			{"bounded below the bound is exact", `{"size": 5, "ext_count": "bounded", "filter": {"link_type": "editor"}}`, editors, 0, "exact", nil, 5, true},
			{"bounded without a filter uses the counter", `{"size": 5, "ext_count": "bounded"}`, downloads + editors, 0, "exact", nil, 5, true},
			{"estimate above the bound", `{"size": 5, "ext_count": "estimate", "filter": {"link_type": "download"}}`, downloads, downloads / 4, "estimate", nil, 5, true},
			{"estimate below the bound is exact", `{"size": 5, "ext_count": "estimate", "filter": {"title__contains": ["Report 1"]}}`, countPrefix(downloads+editors, "1"), 0, "exact", nil, 5, true},
			{"none", `{"size": 5, "ext_count": "none", "filter": {"link_type": "download"}}`, 0, 0, "none", nil, 5, true},
			{"none on the last page", `{"size": 1000, "ext_count": "none", "filter": {"link_type": "editor"}}`, 0, 0, "none", nil, editors, false},
		}
		for _, c := range cases {
			r := postRaw(t, e, "/v1/share/link/list", c.body)
			if r.HTTP != 200 {
				t.Fatalf("%s: HTTP %d %s %v", c.name, r.HTTP, r.Summary, r.Result)
			}
			got := int(r.Result["count"].(float64))
			if got < c.wantCount-c.tolerance || got > c.wantCount+c.tolerance {
				t.Errorf("%s: count got %d, want %d ± %d", c.name, got, c.wantCount, c.tolerance)
			}
			if c.wantKind == "estimate" && got <= share.CountBound {
				t.Errorf("%s: an estimate is made only above the bound, got %d", c.name, got)
			}
			if k := r.Result["ext_count_kind"]; k != c.wantKind {
				t.Errorf("%s: ext_count_kind got %v, want %v", c.name, k, c.wantKind)
			}
			if m := r.Result["ext_count_more"]; m != c.wantMore {
				t.Errorf("%s: ext_count_more got %v, want %v", c.name, m, c.wantMore)
			}
			if items := len(r.Result["share_link_objects"].([]any)); items != c.wantItems {
				t.Errorf("%s: got %d links, want %d", c.name, items, c.wantItems)
			}
			if _, next := r.Result["last"]; next != c.wantNextPage {
				t.Errorf("%s: next page got %v, want %v", c.name, next, c.wantNextPage)
			}
		}

		// A count mode does not change the listing: paging on with the cursor works.
		r := postRaw(t, e, "/v1/share/link/list", `{"size": 2, "ext_count": "none", "filter": {"link_type": "editor"}}`)
		r = postRaw(t, e, "/v1/share/link/list", fmt.Sprintf(`{"size": 2, "ext_count": "bounded", "last": %q, "filter": {"link_type": "editor"}}`, r.Result["last"]))
		if r.HTTP != 200 || int(r.Result["count"].(float64)) != editors {
			t.Errorf("second page with another count mode: HTTP %d count %v, want 200 and %d", r.HTTP, r.Result["count"], editors)
		}

		// A substring listing reads its page and total in one query: every page carries the same exact
		// total, in every count mode, and paging through visits each match once.
		for _, mode := range []string{"", "exact", "bounded", "estimate"} {
			want := countPrefix(downloads+editors, "1")
			seen := map[string]bool{}
			last := ""
			for pages := 0; ; pages++ {
				body := fmt.Sprintf(`{"size": 700, "order_by": "title", "filter": {"title__contains": ["report 1"]}, "ext_count": %q, "last": %q}`, mode, last)
				body = strings.ReplaceAll(strings.ReplaceAll(body, `, "ext_count": ""`, ""), `, "last": ""`, "")
				r := postRaw(t, e, "/v1/share/link/list", body)
				if r.HTTP != 200 {
					t.Fatalf("mode %q page %d: HTTP %d %v", mode, pages, r.HTTP, r.Result)
				}
				if got := int(r.Result["count"].(float64)); got != want {
					t.Errorf("mode %q page %d: count got %d, want %d", mode, pages, got, want)
				}
				for _, l := range r.Result["share_link_objects"].([]any) {
					id := l.(map[string]any)["id"].(string)
					if seen[id] {
						t.Fatalf("mode %q: %s listed twice", mode, id)
					}
					seen[id] = true
				}
				next, ok := r.Result["last"].(string)
				if !ok {
					break
				}
				last = next
			}
			if len(seen) != want {
				t.Errorf("mode %q: paging visited %d links, want %d", mode, len(seen), want)
			}
		}

		// The object listing takes it too.
		for _, c := range []struct {
			mode     string
			want     int
			wantKind string
		}{{"exact", 2, "exact"}, {"bounded", 2, "exact"}, {"estimate", 2, "exact"}, {"none", 0, "none"}} {
			r := postRaw(t, e, "/v1/list", fmt.Sprintf(`{"ext_count": %q, "filter": {"folder": "/Docs"}}`, c.mode))
			if r.HTTP != 200 || int(r.Result["count"].(float64)) != c.want || r.Result["ext_count_kind"] != c.wantKind {
				t.Errorf("list ext_count %s: HTTP %d count %v kind %v, want 200, %d, %s", c.mode, r.HTTP, r.Result["count"], r.Result["ext_count_kind"], c.want, c.wantKind)
			}
		}

		// An unknown mode is the caller's error, named by its pointer.
		for _, path := range []string{"/v1/share/link/list", "/v1/list"} {
			r := postRaw(t, e, path, `{"ext_count": "roughly"}`)
			if r.HTTP != 400 || !r.hasError("NotEnumMember", "/ext_count") {
				t.Errorf("%s ext_count roughly: HTTP %d %v, want 400 NotEnumMember at /ext_count", path, r.HTTP, r.Result)
			}
		}
	})
}

// countPrefix is how many of the titles "Report 0" … "Report n-1" contain "Report "+digits.
func countPrefix(n int, digits string) int {
	c := 0
	for i := range n {
		if strings.Contains(fmt.Sprintf("Report %d", i), "Report "+digits) {
			c++
		}
	}
	return c
}
