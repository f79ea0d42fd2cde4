package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// listIDs lists every link the filter finds, following the pages, and checks that each page carries
// the same count.
// wantListed checks that filter lists exactly the links of ls at the indexes want, counted right,
// whether one page holds them all or each is a page of its own.
func wantListed(t *testing.T, e *sharetest.Env, filter map[string]any, ls []api.ShareLink, idx []int) {
	t.Helper()
	var want []string
	for _, i := range idx {
		want = append(want, ls[i].ID)
	}
	slices.Sort(want)
	for _, size := range []int{1, 100} {
		got, count := listIDs(t, e, filter, size)
		if !slices.Equal(got, want) || count != len(want) {
			t.Errorf("size %d: got %v (count %d), want %v", size, got, count, want)
		}
	}
}

func listIDs(t *testing.T, e *sharetest.Env, filter map[string]any, size int) ([]string, int) {
	t.Helper()
	var ids []string
	count, last := -1, ""
	for page := 0; ; page++ {
		res, err := e.Client.LinkList(context.Background(), api.LinkListRequest{Filter: filter, Size: size, Last: last, Order: "desc"})
		if err != nil {
			t.Fatalf("%v page %d: %v", filter, page, err)
		}
		if count >= 0 && res.Count != count {
			t.Errorf("%v: count %d on page %d, %d on the first", filter, res.Count, page, count)
		}
		count = res.Count
		for _, l := range res.ShareLinkObjects {
			if slices.Contains(ids, l.ID) {
				t.Fatalf("%v: link %s on two pages", filter, l.ID)
			}
			ids = append(ids, l.ID)
		}
		if res.Last == "" {
			break
		}
		if page > 20 {
			t.Fatalf("%v: paging does not end", filter)
		}
		last = res.Last
	}
	slices.Sort(ids)
	return ids, count
}

// ext_person__contains finds a link by any part of any address or phone it is for, in any case: the
// address it was sent to, and its email-code and SMS-code authenticators, whether or not it was ever
// sent; never by a password. Phone numbers are found however they are typed.
func TestPersonFilter(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e, f := startSeeded(t, kind)
		ctx := context.Background()
		mk := func(title string, auths ...api.Authenticator) api.ShareLink {
			return sharetest.Must(e.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{
				Targets: []string{f.a.ID}, Title: title, Authenticators: auths}}}))(t).ShareLinkObjects[0]
		}
		pw := func(p string) api.Authenticator { return api.Authenticator{AuthType: "password", AuthContext: p} }
		em := func(a string) api.Authenticator { return api.Authenticator{AuthType: "email_otp", AuthContext: a} }
		sms := func(n string) api.Authenticator { return api.Authenticator{AuthType: "sms_otp", AuthContext: n} }
		ls := []api.ShareLink{
			mk("sent to kim, password", pw("hunter2-correct-horse")),                               // 0: recipient set by send below
			mk("jordan's email code, never sent", em("Jordan.Doe@Customer.example")),               // 1
			mk("text code only", sms("+15551234567")),                                              // 2
			mk("password that looks like kim", pw("kim@partner.example")),                          // 3: never found by it
			mk("kim's email code and a UK phone", em("KIM@Partner.Example"), sms("+447700900123")), // 4
			mk("someone else", em("other@example.com")),                                            // 5
		}
		sharetest.Must(e.Client.LinkSend(ctx, api.LinkSendRequest{Links: []api.LinkSendItem{{ID: ls[0].ID, Email: "kim@partner.example"}},
			SenderEmail: "sam@example.com"}))(t)
		tests := []struct {
			name  string
			terms any
			want  []int
		}{
			{"a partial address in another case, sent-to and email code", "KIM@Partner", []int{0, 4}},
			{"an email code of a link never sent", "jordan", []int{1}},
			{"any part: the domain", "customer.EXA", []int{1}},
			{"a phone as stored", "+15551234567", []int{2}},
			{"a phone with dashes", "555-123-4567", []int{2}},
			{"a phone with spaces, brackets and country code", "+1 (555) 123 4567", []int{2}},
			{"a phone's digits without the plus", "15551234567", []int{2}},
			{"part of a phone", "0900 123", []int{4}},
			{"a password never matches", "hunter2", nil},
			{"a password that looks like an address never matches", "kim@partner.example", []int{0, 4}},
			{"two characters (no trigram)", "KI", []int{0, 4}},
			{"two digits (no trigram)", "55", []int{2}},
			{"one character of a phone with a plus", "+4", []int{4}},
			{"every substring must match", []string{"kim", "+44"}, []int{4}},
			{"nothing", "nobody@nowhere", nil},
			{"wildcards are literal", "k%m", nil},
			{"FTS syntax is literal", `"kim" OR jordan*`, nil},
			{"surrounding spaces are ignored", "  jordan  ", []int{1}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var want []string
				for _, i := range tt.want {
					want = append(want, ls[i].ID)
				}
				slices.Sort(want)
				got, count := listIDs(t, e, map[string]any{"ext_person__contains": tt.terms}, 100)
				if !slices.Equal(got, want) || count != len(want) {
					t.Errorf("got %d links %v (count %d), want %d %v", len(got), got, count, len(want), want)
				}
			})
		}
		t.Run("with other filters and paging", func(t *testing.T) {
			got, count := listIDs(t, e, map[string]any{"ext_person__contains": "example"}, 2)
			want := ids(ls, func(i int, _ api.ShareLink) bool { return i != 2 && i != 3 })
			if !slices.Equal(got, want) || count != len(want) {
				t.Errorf("paged by 2: got %v (count %d), want %v", got, count, want)
			}
			got, count = listIDs(t, e, map[string]any{"ext_person__contains": "kim", "title__contains": "UK phone"}, 1)
			if !slices.Equal(got, []string{ls[4].ID}) || count != 1 {
				t.Errorf("with title__contains: got %v (count %d), want only %s", got, count, ls[4].ID)
			}
		})
		t.Run("a cursor is bound to the person searched for", func(t *testing.T) {
			res := sharetest.Must(e.Client.LinkList(ctx, api.LinkListRequest{Size: 1, Filter: map[string]any{"ext_person__contains": "kim"}}))(t)
			_, err := e.Client.LinkList(ctx, api.LinkListRequest{Size: 1, Last: res.Last, Filter: map[string]any{"ext_person__contains": "jordan"}})
			if !api.IsStatus(err, "ValidationError") {
				t.Errorf("cursor reused for another person: got %v, want ValidationError", err)
			}
		})
		t.Run("sending to someone else makes the link theirs", func(t *testing.T) {
			sharetest.Must(e.Client.LinkSend(ctx, api.LinkSendRequest{Links: []api.LinkSendItem{{ID: ls[0].ID, Email: "boss@partner.example"}},
				SenderEmail: "sam@example.com"}))(t)
			if got, _ := listIDs(t, e, map[string]any{"ext_person__contains": "boss@"}, 10); !slices.Equal(got, []string{ls[0].ID}) {
				t.Errorf("new recipient: got %v, want %s", got, ls[0].ID)
			}
			if got, _ := listIDs(t, e, map[string]any{"ext_person__contains": "kim@partner"}, 10); !slices.Equal(got, []string{ls[4].ID}) {
				t.Errorf("old recipient: got %v, want only the link with kim's email code", got)
			}
		})

		sharetest.Run(t, e, []sharetest.Scenario{{
			Name: "ext_person without __contains is refused", Path: "/v1/share/link/list", Body: `{"filter":{"ext_person":"kim"}}`,
			WantStatus: http.StatusBadRequest, WantContent: []string{`"UnexpectedProperty"`, `"/filter/ext_person"`},
		}, {
			Name: "an empty person is refused", Path: "/v1/share/link/list", Body: `{"filter":{"ext_person__contains":["  "]}}`,
			WantStatus: http.StatusBadRequest, WantContent: []string{`"InvalidString"`, `"/filter/ext_person__contains/0"`},
		}, {
			Name: "ext_person cannot order a listing", Path: "/v1/share/link/list", Body: `{"order_by":"ext_person"}`,
			WantStatus: http.StatusBadRequest, WantContent: []string{`"/order_by"`},
		}})
	})
}

// visit opens a link's page as a recipient would (recorded as "opened"); with a password it also
// signs in and downloads the file (recorded as "file_downloaded").
func visit(t *testing.T, e *sharetest.Env, l api.ShareLink, password, fileID string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	get := func(u string) {
		t.Helper()
		resp, err := c.Get(u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", u, resp.StatusCode)
		}
	}
	get(l.Link)
	if password == "" {
		return
	}
	resp, err := c.PostForm(l.Link+"/password", url.Values{"auth": {"0"}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.HasPrefix(resp.Request.URL.Path, "/p/") {
		t.Fatalf("sign-in ended at %s (%d)", resp.Request.URL, resp.StatusCode)
	}
	get(e.URL + "/p/d/" + fileID)
}

// ext_activity lists links by what their recipients did, read from the links' history: opened, never
// opened, downloaded.
func TestActivityFilter(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e, f := startSeeded(t, kind)
		ctx := context.Background()
		var ls []api.ShareLink
		for i := range 4 {
			ls = append(ls, sharetest.Must(e.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{
				Targets: []string{f.a.ID}, Title: fmt.Sprintf("link %d", i),
				Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "correct horse"},
					{AuthType: "email_otp", AuthContext: fmt.Sprintf("r%d@example.com", i)}}}}}))(t).ShareLinkObjects[0])
		}
		visit(t, e, ls[0], "", "")                  // opened only
		visit(t, e, ls[1], "correct horse", f.a.ID) // opened and downloaded
		visit(t, e, ls[1], "", "")                  // opened again: still one link
		if _, err := e.Client.LinkDelete(ctx, api.LinkDeleteRequest{IDs: []string{ls[3].ID}}); err != nil {
			t.Fatal(err) // its history stays, but a revoked link is listed by no filter
		}
		tests := []struct {
			filter map[string]any
			want   []int
		}{
			{map[string]any{"ext_activity": "opened"}, []int{0, 1}},
			{map[string]any{"ext_activity": "never_opened"}, []int{2}},
			{map[string]any{"ext_activity": "downloaded"}, []int{1}},
			{map[string]any{"ext_activity": "opened", "ext_person__contains": "r0@"}, []int{0}},
			{map[string]any{"ext_activity": "never_opened", "ext_person__contains": "r0@"}, nil},
		}
		for _, tt := range tests {
			t.Run(fmt.Sprint(tt.filter), func(t *testing.T) { wantListed(t, e, tt.filter, ls, tt.want) })
		}
		sharetest.Run(t, e, []sharetest.Scenario{{
			Name: "an unknown activity is refused", Path: "/v1/share/link/list", Body: `{"filter":{"ext_activity":"sometimes"}}`,
			WantStatus: http.StatusBadRequest, WantContent: []string{`"NotEnumMember"`, `"/filter/ext_activity"`},
		}, {
			Name: "ext_activity takes one value", Path: "/v1/share/link/list", Body: `{"filter":{"ext_activity__in":["opened"]}}`,
			WantStatus: http.StatusBadRequest, WantContent: []string{`"UnexpectedProperty"`},
		}})
	})
}
