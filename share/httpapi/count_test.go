package httpapi_test

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
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
		const linkList = "/v1/share/link/list"
		// counted is a listing whose count, ext_count_kind and ext_count_more (nil: absent) are these.
		counted := func(count int, kind, more any) map[string]any {
			return map[string]any{"/result/count": count, "/result/ext_count_kind": kind, "/result/ext_count_more": more}
		}
		secondPage := postRaw(t, e, linkList, `{"size": 2, "ext_count": "none", "filter": {"link_type": "editor"}}`).Result["last"]

		sharetest.Run(t, e, []sharetest.Scenario{{
			Name: "by default the count is Pangea's exact count", Path: linkList,
			Body:       `{"size": 5, "filter": {"link_type": "download"}}`,
			WantStatus: http.StatusOK, WantJSON: counted(downloads, nil, nil), After: page(5, true),
		}, {
			Name: "exact counts every match", Path: linkList,
			Body:       `{"size": 5, "ext_count": "exact", "filter": {"link_type": "download"}}`,
			WantStatus: http.StatusOK, WantJSON: counted(downloads, "exact", nil), After: page(5, true),
		}, {
			Name: "bounded stops counting at the bound and says there are more", Path: linkList,
			Body:       `{"size": 5, "ext_count": "bounded", "filter": {"link_type": "download"}}`,
			WantStatus: http.StatusOK, WantJSON: counted(share.CountBound, "bounded", true), After: page(5, true),
		}, {
			Name: "bounded below the bound is exact", Path: linkList,
			Body:       `{"size": 5, "ext_count": "bounded", "filter": {"link_type": "editor"}}`,
			WantStatus: http.StatusOK, WantJSON: counted(editors, "exact", nil), After: page(5, true),
		}, {
			Name: "bounded without a filter uses the counter", Path: linkList, Body: `{"size": 5, "ext_count": "bounded"}`,
			WantStatus: http.StatusOK, WantJSON: counted(downloads+editors, "exact", nil), After: page(5, true),
		}, {
			Name: "estimate above the bound is within a quarter, and above the bound", Path: linkList,
			Body:       `{"size": 5, "ext_count": "estimate", "filter": {"link_type": "download"}}`,
			WantStatus: http.StatusOK, WantJSON: map[string]any{"/result/ext_count_kind": "estimate", "/result/ext_count_more": nil},
			After: func(t *testing.T, e *sharetest.Env, res *http.Response, body string) {
				page(5, true)(t, e, res, body)
				got := decodeListing(t, body).Count
				if got < downloads-downloads/4 || got > downloads+downloads/4 || got <= share.CountBound {
					t.Errorf("count got %d, want %d ± %d and above the bound %d", got, downloads, downloads/4, share.CountBound)
				}
			},
		}, {
			Name: "estimate below the bound is exact", Path: linkList,
			Body:       `{"size": 5, "ext_count": "estimate", "filter": {"title__contains": ["Report 1"]}}`,
			WantStatus: http.StatusOK, WantJSON: counted(countPrefix(downloads+editors, "1"), "exact", nil), After: page(5, true),
		}, {
			Name: "none counts nothing", Path: linkList,
			Body:       `{"size": 5, "ext_count": "none", "filter": {"link_type": "download"}}`,
			WantStatus: http.StatusOK, WantJSON: counted(0, "none", nil), After: page(5, true),
		}, {
			Name: "none on the last page offers no next page", Path: linkList,
			Body:       `{"size": 1000, "ext_count": "none", "filter": {"link_type": "editor"}}`,
			WantStatus: http.StatusOK, WantJSON: counted(0, "none", nil), After: page(editors, false),
		}, {
			Name: "a count mode does not change the listing: the cursor of another mode pages on", Path: linkList,
			Body:       fmt.Sprintf(`{"size": 2, "ext_count": "bounded", "last": %q, "filter": {"link_type": "editor"}}`, secondPage),
			WantStatus: http.StatusOK, WantJSON: map[string]any{"/result/count": editors},
		}, {
			Name: "the object listing counts exactly", Path: "/v1/list", Body: `{"ext_count": "exact", "filter": {"folder": "/Docs"}}`,
			WantStatus: http.StatusOK, WantJSON: map[string]any{"/result/count": 2, "/result/ext_count_kind": "exact"},
		}, {
			Name: "the object listing below the bound is exact when bounded", Path: "/v1/list",
			Body:       `{"ext_count": "bounded", "filter": {"folder": "/Docs"}}`,
			WantStatus: http.StatusOK, WantJSON: map[string]any{"/result/count": 2, "/result/ext_count_kind": "exact"},
		}, {
			Name: "the object listing below the bound is exact when estimated", Path: "/v1/list",
			Body:       `{"ext_count": "estimate", "filter": {"folder": "/Docs"}}`,
			WantStatus: http.StatusOK, WantJSON: map[string]any{"/result/count": 2, "/result/ext_count_kind": "exact"},
		}, {
			Name: "the object listing counts nothing when asked for none", Path: "/v1/list",
			Body:       `{"ext_count": "none", "filter": {"folder": "/Docs"}}`,
			WantStatus: http.StatusOK, WantJSON: map[string]any{"/result/count": 0, "/result/ext_count_kind": "none"},
		}, {
			Name: "an unknown mode of the link listing is the caller's error", Path: linkList, Body: `{"ext_count": "roughly"}`,
			WantStatus: http.StatusBadRequest, WantErrors: []sharetest.FieldError{{Code: "NotEnumMember", Source: "/ext_count"}},
		}, {
			Name: "an unknown mode of the object listing is the caller's error", Path: "/v1/list", Body: `{"ext_count": "roughly"}`,
			WantStatus: http.StatusBadRequest, WantErrors: []sharetest.FieldError{{Code: "NotEnumMember", Source: "/ext_count"}},
		}})

		// A substring listing reads its page and total in one query: every page carries the same exact
		// total, in every count mode, and paging through visits each match once.
		for _, mode := range []string{"", "exact", "bounded", "estimate"} {
			t.Run("every page of a substring listing counts all, ext_count "+cmp.Or(mode, "not given"), func(t *testing.T) {
				wantEveryPageCounted(t, e, mode, countPrefix(downloads+editors, "1"))
			})
		}
	})
}

// listing is the part of a link or object listing the count tests read.
type listing struct {
	Count   int               `json:"count"`
	Objects []json.RawMessage `json:"share_link_objects"`
	Last    *json.RawMessage  `json:"last"` // nil when there is no next page
}

func decodeListing(t *testing.T, body string) listing {
	t.Helper()
	var env struct{ Result listing }
	if err := json.Unmarshal([]byte(body), &env); err != nil {
		t.Fatalf("not a listing: %v: %.300s", err, body)
	}
	return env.Result
}

// page checks a link listing holds items links and offers a next page or not.
func page(items int, next bool) func(*testing.T, *sharetest.Env, *http.Response, string) {
	return func(t *testing.T, _ *sharetest.Env, _ *http.Response, body string) {
		l := decodeListing(t, body)
		if len(l.Objects) != items {
			t.Errorf("got %d links, want %d", len(l.Objects), items)
		}
		if (l.Last != nil) != next {
			t.Errorf("next page got %v, want %v", l.Last != nil, next)
		}
	}
}

// wantEveryPageCounted pages through the links whose title contains "report 1", ordered by title, with
// count mode mode ("" for none asked), and checks each page says want and each match comes once.
func wantEveryPageCounted(t *testing.T, e *sharetest.Env, mode string, want int) {
	t.Helper()
	seen := map[string]bool{}
	last := ""
	for pages := 0; ; pages++ {
		body := fmt.Sprintf(`{"size": 700, "order_by": "title", "filter": {"title__contains": ["report 1"]}, "ext_count": %q, "last": %q}`, mode, last)
		body = strings.ReplaceAll(strings.ReplaceAll(body, `, "ext_count": ""`, ""), `, "last": ""`, "")
		r := postRaw(t, e, "/v1/share/link/list", body)
		if r.HTTP != 200 {
			t.Fatalf("page %d: HTTP %d %v", pages, r.HTTP, r.Result)
		}
		if got := int(r.Result["count"].(float64)); got != want {
			t.Errorf("page %d: count got %d, want %d", pages, got, want)
		}
		for _, l := range r.Result["share_link_objects"].([]any) {
			id := l.(map[string]any)["id"].(string)
			if seen[id] {
				t.Fatalf("%s listed twice", id)
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
		t.Errorf("paging visited %d links, want %d", len(seen), want)
	}
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
