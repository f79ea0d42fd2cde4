package store_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
	"github.com/sharedesk/sharedesk/share/store"
)

// On PostgreSQL the substring filters have a pg_trgm index, and the planner can answer ILIKE with it.
func TestTrigramIndex(t *testing.T) {
	db := sharetest.OpenStore(t, "postgres")
	if w := db.Warnings(); len(w) != 0 {
		t.Errorf("warnings got %q, want none", w)
	}
	// Enough varied rows, analysed, that the planner weighs the indexes by what they hold.
	b := defaultBucket(t, db)
	now := time.Now()
	links := make([]share.Link, 3000)
	for i := range links {
		links[i] = share.Link{ID: share.NewID("psl_"), BucketID: b.ID, TokenHash: share.NewID("h_"), TokenSealed: []byte("x"),
			LinkType: share.LinkDownload, Targets: []string{"pos_x"}, MaxAccessCount: 1, CreatedAt: now, ExpiresAt: now.Add(time.Hour),
			Authenticators: []share.Authenticator{}, Title: share.NewID("t "), Message: share.NewID("m "),
			RecipientEmail: share.NewID("r") + "@example.com", SenderEmail: share.NewID("s") + "@example.com"}
	}
	conn := plannerConn(t, db, links)
	for _, col := range []string{"title", "message", "recipient_email", "sender_email"} {
		plan := explain(t, conn, "SELECT id FROM links WHERE "+col+` ILIKE '%qzx7%' ESCAPE '\'`)
		// Only the trigram index can take ILIKE '%…%' as an index condition (a b-tree merely filters).
		if !strings.Contains(plan, "Index Cond: ("+col+" ~~*") {
			t.Errorf("%s ILIKE: the plan does not answer it from an index:\n%s", col, plan)
		}
	}
}

// A role that may not create pg_trgm still gets a working store, with a warning that names the
// problem and the fix; once the extension exists, the next start builds the index.
func TestTrigramFallback(t *testing.T) {
	sharetest.RequirePostgres(t)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, sharetest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	suffix := randomName()
	dbName, role := "sd_trgm_"+suffix, "sd_trgm_"+suffix
	for _, q := range []string{"CREATE DATABASE " + dbName, "CREATE ROLE " + role + " LOGIN"} {
		if _, err := admin.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() {
		_, _ = admin.Exec(context.Background(), "DROP DATABASE IF EXISTS "+dbName+" WITH (FORCE)")
		_, _ = admin.Exec(context.Background(), "DROP ROLE IF EXISTS "+role)
	})
	u, err := url.Parse(sharetest.PostgresURL())
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + dbName
	dbAdmin, err := pgx.Connect(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer dbAdmin.Close(ctx)
	// The role owns its schema (so migrations run) but has no CREATE on the database: it cannot
	// create an extension.
	if _, err := dbAdmin.Exec(ctx, "CREATE SCHEMA app AUTHORIZATION "+role); err != nil {
		t.Fatal(err)
	}
	u.User = url.User(role)
	q := u.Query()
	q.Set("search_path", "app")
	u.RawQuery = q.Encode()

	db, err := store.OpenPostgres(ctx, u.String())
	if err != nil {
		t.Fatalf("open without pg_trgm: %v", err)
	}
	w := db.Warnings()
	if len(w) != 1 || !strings.Contains(w[0], "pg_trgm") || !strings.Contains(w[0], "CREATE EXTENSION pg_trgm") {
		t.Errorf("warnings got %q, want one naming pg_trgm and the fix", w)
	}
	// Substring filters still work, without the index.
	b := defaultBucket(t, db)
	now := time.Now()
	if err := db.InsertLinks(ctx, []share.Link{{ID: share.NewID("psl_"), BucketID: b.ID, TokenHash: "h1", TokenSealed: []byte("x"),
		LinkType: share.LinkDownload, Targets: []string{"pos_x"}, MaxAccessCount: 1, CreatedAt: now, ExpiresAt: now.Add(time.Hour),
		Authenticators: []share.Authenticator{}, Title: "Globex 1234"}}, nil); err != nil {
		t.Fatal(err)
	}
	links, count, err := db.ListLinks(ctx, share.ListQuery{BucketID: b.ID, OrderBy: "created_at", Limit: 10,
		Conds: []share.Cond{{Field: "title", Op: share.OpContains, Values: []any{"bex 12"}}}})
	if err != nil || len(links) != 1 || count.N != 1 {
		t.Errorf("title__contains without the index: %d links, count %+v, %v; want 1, 1", len(links), count, err)
	}
	db.Close()

	// An administrator installs the extension: the next start builds the index and warns no more.
	if _, err := dbAdmin.Exec(ctx, "CREATE EXTENSION pg_trgm"); err != nil {
		t.Fatal(err)
	}
	db, err = store.OpenPostgres(ctx, u.String())
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if w := db.Warnings(); len(w) != 0 {
		t.Errorf("warnings after CREATE EXTENSION got %q, want none", w)
	}
	var n int
	if err := db.SQL().QueryRowContext(ctx, "SELECT COUNT(*) FROM pg_indexes WHERE indexname LIKE 'links_%_trgm'").Scan(&n); err != nil || n != 5 {
		t.Errorf("trigram indexes after CREATE EXTENSION: %d %v, want 5 built", n, err)
	}
}

func randomName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
