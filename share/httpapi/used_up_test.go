package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// ext_used_up tells links opened as often as they may be (recipients can no longer sign in) from the
// others: Pangea's filters compare a field with a value, never access_count with max_access_count.
func TestUsedUpFilter(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e, f := startSeeded(t, kind)
		ctx := context.Background()
		var ls []api.ShareLink
		for i, limit := range []int{1, 2, 1} {
			ls = append(ls, sharetest.Must(e.Client.LinkCreate(ctx, api.LinkCreateRequest{Links: []api.LinkCreateItem{{
				Targets: []string{f.a.ID}, Title: fmt.Sprintf("link %d", i), MaxAccessCount: &limit,
				Authenticators: []api.Authenticator{{AuthType: "password", AuthContext: "correct horse"}}}}}))(t).ShareLinkObjects[0])
		}
		visit(t, e, ls[0], "correct horse", f.a.ID) // 1 of 1: used up
		visit(t, e, ls[1], "correct horse", f.a.ID) // 1 of 2: can still be opened
		tests := []struct {
			filter map[string]any
			want   []int
		}{
			{map[string]any{"ext_used_up": true}, []int{0}},
			{map[string]any{"ext_used_up": false}, []int{1, 2}},
			{map[string]any{"ext_used_up": false, "access_count__gte": 1}, []int{1}},
		}
		for _, tt := range tests {
			t.Run(fmt.Sprint(tt.filter), func(t *testing.T) { wantListed(t, e, tt.filter, ls, tt.want) })
		}
		sharetest.Run(t, e, []sharetest.Scenario{{
			Name: "not a boolean", Path: "/v1/share/link/list", Body: `{"filter":{"ext_used_up":"yes"}}`,
			WantStatus: http.StatusBadRequest, WantContent: []string{`"BadFormat"`, `"/filter/ext_used_up"`},
		}})
	})
}
