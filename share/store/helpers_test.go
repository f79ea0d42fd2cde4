package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
	"github.com/sharedesk/sharedesk/share/store"
)

// forEachKind runs test, in parallel, on an empty store of every kind.
func forEachKind(t *testing.T, test func(t *testing.T, kind string, db *store.DB)) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		test(t, kind, sharetest.OpenStore(t, kind))
	})
}

// defaultBucket makes db's default bucket.
func defaultBucket(t *testing.T, db *store.DB) share.Bucket {
	t.Helper()
	b, err := db.EnsureDefaultBucket(context.Background(),
		share.Bucket{ID: share.NewID("pro_"), Name: "default", CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// plannerConn stores links in a PostgreSQL db and returns a connection whose plans show which indexes
// can answer a query. VACUUM moves new rows out of the GIN pending list (which the planner prices as a
// scan). A table this small is cheaper to scan; with scans priced out the planner shows what it can use.
func plannerConn(t *testing.T, db *store.DB, links []share.Link) *sql.Conn {
	t.Helper()
	ctx := context.Background()
	if err := db.InsertLinks(ctx, links, nil); err != nil {
		t.Fatal(err)
	}
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	for _, q := range []string{"VACUUM ANALYZE links", "SET enable_seqscan = off"} {
		if _, err := conn.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	return conn
}

// explain returns PostgreSQL's plan for query, a line a row.
func explain(t *testing.T, conn *sql.Conn, query string) string {
	t.Helper()
	rows, err := conn.QueryContext(context.Background(), "EXPLAIN "+query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan strings.Builder
	for rows.Next() {
		var line string
		_ = rows.Scan(&line)
		plan.WriteString(line + "\n")
	}
	return plan.String()
}
