package consoledb_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/sharedesk/sharedesk/consoledb"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

func open(t *testing.T, kind string) *consoledb.DB {
	t.Helper()
	dsn := ""
	if kind == "postgres" {
		dsn = sharetest.PostgresSchemaURL(t)
	}
	db, err := consoledb.Open(context.Background(), filepath.Join(t.TempDir(), "console.db"), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// TestAuditFieldsClipped: an audit row never holds more than its limits, whatever a caller passes
// in, and what is kept is valid UTF-8 (PostgreSQL refuses anything else).
func TestAuditFieldsClipped(t *testing.T) {
	huge := strings.Repeat("é", 500<<10) // 1 MB of two-byte characters
	for _, kind := range sharetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			db := open(t, kind)
			ctx := context.Background()
			if err := db.Record(ctx, consoledb.Entry{ActorSub: huge, ActorEmail: huge, Action: "sign-in", Target: huge, Detail: "x" + huge,
				Outcome: "denied", Client: huge}); err != nil {
				t.Fatal(err)
			}
			rows, err := db.Audit(ctx, consoledb.AuditFilter{})
			if err != nil || len(rows) != 1 {
				t.Fatalf("audit: %d rows, %v", len(rows), err)
			}
			r := rows[0]
			for name, got := range map[string]struct {
				v   string
				max int
			}{"actor_sub": {r.ActorSub, 320}, "actor_email": {r.ActorEmail, 320}, "target": {r.Target, 320}, "client": {r.Client, 320}, "detail": {r.Detail, 1024}} {
				if len(got.v) > got.max || len(got.v) < got.max/2 || !utf8.ValidString(got.v) {
					t.Errorf("%s: %d bytes (valid UTF-8: %v), want at most %d and a readable prefix", name, len(got.v), utf8.ValidString(got.v), got.max)
				}
			}
		})
	}
}
