package handlers_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// The Links page asks the share server for an estimated count, so a broad filter over many links says
// "About …" instead of walking every match; selective filters still get the exact number.
func TestLinksPageCountKinds(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		e := startConsole(t, kind)
		_, file, _ := seedLinks(t, e) // 2 download links, 1 upload link
		ctx := context.Background()
		b, err := e.share.Store.EnsureDefaultBucket(ctx, share.Bucket{})
		if err != nil {
			t.Fatal(err)
		}
		now := time.Now().UTC()
		const extra = share.CountBound + 2000
		links := make([]share.Link, extra)
		for i := range links {
			id := share.NewID("psl_")
			links[i] = share.Link{ID: id, BucketID: b.ID, TokenHash: "hash-" + id, TokenSealed: []byte("x"), LinkType: share.LinkDownload,
				Targets: []string{file.ID}, MaxAccessCount: 1, CreatedAt: now.Add(-time.Duration(i) * time.Second), ExpiresAt: now.Add(time.Hour),
				Authenticators: []share.Authenticator{{Type: share.AuthEmailOTP, Context: "a@example.com"}}, Title: "Bulk"}
		}
		if err := e.share.Store.InsertLinks(ctx, links, nil); err != nil {
			t.Fatal(err)
		}
		ada := e.signIn(t, "ada@example.com")
		cases := []struct{ path, want string }{
			{"/links", `12,003 links match`},                         // no filter: the exact counter
			{"/links?type=upload", `1 link matches`},                 // selective: exact
			{"/links?type=download", `About 1[0-4],000 links match`}, // broad: a sample's estimate, two digits
			{"/links?q=board", `1 link matches`},
		}
		for _, c := range cases {
			p := ada.get(c.path)
			if p.status != http.StatusOK || !regexp.MustCompile(c.want).MatchString(p.body) {
				i := strings.Index(p.body, "match")
				t.Errorf("%s: got %d %q, want %q", c.path, p.status, p.body[max(0, i-60):max(0, i)+10], c.want)
			}
		}
	})
}
