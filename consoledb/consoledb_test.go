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

// forEachDB runs test on an empty console database of each kind.
func forEachDB(t *testing.T, test func(t *testing.T, db *consoledb.DB)) {
	t.Helper()
	sharetest.ForEachKind(t, func(t *testing.T, kind string) { test(t, open(t, kind)) })
}

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
	forEachDB(t, func(t *testing.T, db *consoledb.DB) {
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

// TestAuditSearchAndPaging: the search matches any part of the person, action, target, details or
// client in any case, takes % and _ literally, and pages both ways; Made names what a person uploaded
// or created. On both databases.
func TestAuditSearchAndPaging(t *testing.T) {
	forEachDB(t, func(t *testing.T, db *consoledb.DB) {
		ctx := context.Background()
		rec := func(sub, who, action, target, detail, outcome string) {
			t.Helper()
			if err := db.Record(ctx, consoledb.Entry{ActorSub: sub, ActorEmail: who, Action: action, Target: target,
				Detail: detail, Outcome: outcome, Client: "203.0.113.9"}); err != nil {
				t.Fatal(err)
			}
		}
		rec("u-sam", "sam@example.com", "upload", "pos_a", "Report 50%.pdf in /", "ok")
		rec("u-sam", "sam@example.com", "upload", "pos_b", "b.txt: too large", "failed")
		rec("u-sam", "sam@example.com", "new-folder", "pos_c", "/Plans", "ok")
		rec("u-hal", "hal@example.com", "revoke", "psl_x", `"Q3" to KIM@Partner.example`, "ok")
		rec("u-ada", "ada@example.com", "upload", "pos_d", "d.txt in /", "ok")
		search := func(q string) []string {
			t.Helper()
			rows, err := db.Audit(ctx, consoledb.AuditFilter{Q: q})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range rows {
				out = append(out, r.Target)
			}
			return out
		}
		for _, c := range []struct{ q, want string }{
			{"kim@partner", "psl_x"},
			{"HAL@", "psl_x"},
			{"50%", "pos_a"},
			{"pos_", "pos_d pos_c pos_b pos_a"},
			{"p_s", ""},
			{"203.0.113", "pos_d psl_x pos_c pos_b pos_a"},
			{"new-fol", "pos_c"},
		} {
			if got := strings.Join(search(c.q), " "); got != c.want {
				t.Errorf("search %q: got %q, want %q", c.q, got, c.want)
			}
		}
		all, err := db.Audit(ctx, consoledb.AuditFilter{})
		if err != nil {
			t.Fatal(err)
		}
		older, err := db.Audit(ctx, consoledb.AuditFilter{Before: all[1].ID, Limit: 2})
		if err != nil || len(older) != 2 || older[0].ID != all[2].ID {
			t.Errorf("older than the second: %v, %v", older, err)
		}
		newer, err := db.Audit(ctx, consoledb.AuditFilter{After: all[3].ID, Limit: 2})
		if err != nil || len(newer) != 2 || newer[0].ID != all[1].ID || newer[1].ID != all[2].ID {
			t.Errorf("newer than the fourth: got %v, %v; want the second and third, newest first", newer, err)
		}
		made, err := db.Made(ctx, "u-sam", []string{"pos_a", "pos_b", "pos_c", "pos_d", "psl_x"})
		if err != nil || len(made) != 2 || !made["pos_a"] || !made["pos_c"] {
			t.Errorf("made by sam: %v, %v; want pos_a and pos_c (not the failed upload, not ada's)", made, err)
		}
	})
}
