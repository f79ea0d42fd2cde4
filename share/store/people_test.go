package store_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pressly/goose/v3"

	"github.com/sharedesk/sharedesk/dbutil"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
	"github.com/sharedesk/sharedesk/share/store"
)

func personLink(bucketID, recipient string, auths ...share.Authenticator) share.Link {
	id := share.NewID("psl_")
	now := time.Now()
	return share.Link{ID: id, BucketID: bucketID, TokenHash: "h-" + id, TokenSealed: []byte("x"), LinkType: share.LinkDownload,
		Targets: []string{"pos_x"}, MaxAccessCount: 1, CreatedAt: now, ExpiresAt: now.Add(time.Hour),
		Authenticators: auths, RecipientEmail: recipient}
}

// findPerson lists the ids of the links ext_person__contains term finds, and the count.
func findPerson(t *testing.T, db *store.DB, bucketID string, terms ...string) ([]string, int) {
	t.Helper()
	vals := make([]any, len(terms))
	for i, s := range terms {
		vals[i] = s
	}
	return listIDs(t, db, share.ListQuery{BucketID: bucketID, OrderBy: "created_at", Limit: 100,
		Conds: []share.Cond{{Field: "ext_person", Op: share.OpContains, Values: vals}}})
}

// listIDs lists the sorted ids of the links q finds, and the count.
func listIDs(t *testing.T, db *store.DB, q share.ListQuery) ([]string, int) {
	t.Helper()
	links, count, err := db.ListLinks(context.Background(), q)
	if err != nil {
		t.Fatalf("list %+v: %v", q.Conds, err)
	}
	var ids []string
	for _, l := range links {
		ids = append(ids, l.ID)
	}
	slices.Sort(ids)
	return ids, count.N
}

func people(t *testing.T, db *store.DB, id string) string {
	t.Helper()
	var p string
	q := "SELECT people FROM links WHERE id = ?"
	if db.Postgres() {
		q = "SELECT people FROM links WHERE id = $1"
	}
	if err := db.SQL().QueryRowContext(context.Background(), q, id).Scan(&p); err != nil {
		t.Fatal(err)
	}
	return p
}

// links.people is kept by the database on every write of a link's recipient or authenticators,
// whichever code writes them: an insert, send or an edit (UpdateLinkAccess), and a plain UPDATE of the
// authenticators, as an edit of the link will do. The trigram index follows, and a password's context
// never enters it.
func TestPeopleKeptByTheDatabase(t *testing.T) {
	forEachKind(t, func(t *testing.T, kind string, db *store.DB) {
		ctx := context.Background()
		b := defaultBucket(t, db)
		// A password authenticator keeps no context once hashed, but a stored row that had one
		// (an older format, a careless import) must still never be found by it.
		l := personLink(b.ID, "Kim@Partner.example",
			share.Authenticator{Type: share.AuthPassword, Context: "secret-word@partner", Hash: "argon2id$…"},
			share.Authenticator{Type: share.AuthEmailOTP, Context: "Jordan@Customer.example"},
			share.Authenticator{Type: share.AuthSMSOTP, Context: "+15551234567"})
		other := personLink(b.ID, "")
		same := personLink(b.ID, "Ann@Same.example", share.Authenticator{Type: share.AuthEmailOTP, Context: "ann@same.EXAMPLE"})
		if err := db.InsertLinks(ctx, []share.Link{l, other, same}, nil); err != nil {
			t.Fatal(err)
		}
		if got, want := people(t, db, same.ID), "ann@same.example"; got != want {
			t.Errorf("people of a link sent to the address of its email code: got %q, want %q (once)", got, want)
		}
		if got, want := people(t, db, l.ID), "kim@partner.example\njordan@customer.example\n+15551234567"; got != want {
			t.Errorf("people after insert: got %q, want %q", got, want)
		}
		if got := people(t, db, other.ID); got != "" {
			t.Errorf("people of a link for nobody: got %q, want empty", got)
		}
		checks := func(step string, want map[string]bool) {
			t.Helper()
			for term, found := range want {
				ids, n := findPerson(t, db, b.ID, term)
				if got := slices.Contains(ids, l.ID); got != found || n != len(ids) {
					t.Errorf("%s: %q found it %v (count %d of %d listed), want %v", step, term, got, n, len(ids), found)
				}
			}
		}
		checks("after insert", map[string]bool{"KIM@partner": true, "jordan@CUST": true, "555123": true,
			"secret-word": false, "ki": true, "+1": true})

		// send sets the recipient: the old one is gone from the index, the new one is in it.
		if _, err := db.UpdateLinkAccess(ctx, b.ID, []string{l.ID}, func(cur share.Link) (share.AccessChange, error) {
			cur.RecipientEmail, cur.SenderEmail = "boss@partner.example", "sam@example.com"
			return share.AccessChange{Link: cur}, nil
		}); err != nil {
			t.Fatal(err)
		}
		checks("after send", map[string]bool{"boss@part": true, "kim@partner": false, "jordan@": true})

		// An edit of the authenticators by a plain UPDATE, as an edit endpoint would write them.
		auths, _ := json.Marshal([]share.Authenticator{{Type: share.AuthSMSOTP, Context: "+447700900123"}})
		q := "UPDATE links SET authenticators = ? WHERE id = ?"
		if kind == "postgres" {
			q = "UPDATE links SET authenticators = $1 WHERE id = $2"
		}
		if _, err := db.SQL().ExecContext(ctx, q, string(auths), l.ID); err != nil {
			t.Fatal(err)
		}
		if got, want := people(t, db, l.ID), "boss@partner.example\n+447700900123"; got != want {
			t.Errorf("people after an edit: got %q, want %q", got, want)
		}
		checks("after an edit", map[string]bool{"7700900": true, "jordan@": false, "555123": false, "boss@": true})

		if _, err := db.DeleteLinks(ctx, b.ID, []string{l.ID}, nil, share.Revocation{At: time.Now(), By: "test"}); err != nil {
			t.Fatal(err)
		}
		if ids, n := findPerson(t, db, b.ID, "boss@"); len(ids) != 0 || n != 0 {
			t.Errorf("after delete: found %v (count %d), want nothing", ids, n)
		}
		if kind == "sqlite" {
			// The index agrees with its content table, row for row.
			if _, err := db.SQL().ExecContext(ctx, "INSERT INTO links_people_fts (links_people_fts, rank) VALUES ('integrity-check', 1)"); err != nil {
				t.Errorf("trigram index out of step with links.people: %v", err)
			}
		}
	})
}

// findActivity lists the ids of the links ext_activity finds, and the count.
func findActivity(t *testing.T, db *store.DB, bucketID, activity string) ([]string, int) {
	t.Helper()
	return listIDs(t, db, share.ListQuery{BucketID: bucketID, OrderBy: "created_at", Desc: true,
		Limit: 100, Conds: []share.Cond{{Field: "ext_activity", Op: share.OpEq, Values: []any{activity}}}})
}

// What recipients did reaches links.opened and links.downloaded from the events themselves, whoever
// records them: once per link, whatever follows, and never for events of other kinds.
func TestActivityKeptByTheDatabase(t *testing.T) {
	forEachKind(t, func(t *testing.T, kind string, db *store.DB) {
		ctx := context.Background()
		b := defaultBucket(t, db)
		opened, downloaded, zipped, untouched := personLink(b.ID, ""), personLink(b.ID, ""), personLink(b.ID, ""), personLink(b.ID, "")
		if err := db.InsertLinks(ctx, []share.Link{opened, downloaded, zipped, untouched}, nil); err != nil {
			t.Fatal(err)
		}
		ev := func(l share.Link, typ string) share.Event {
			return share.Event{ID: share.NewID("evt_"), LinkID: l.ID, BucketID: b.ID, Type: typ, At: time.Now(), Actor: "recipient"}
		}
		if err := db.RecordEvents(ctx, []share.Event{
			ev(opened, share.EventOpened), ev(opened, share.EventOpened), ev(opened, share.EventSignedIn),
			ev(downloaded, share.EventOpened), ev(downloaded, share.EventDownloaded), ev(zipped, share.EventZipDownloaded),
			ev(untouched, share.EventCreated), ev(untouched, share.EventSent), ev(untouched, share.EventFailedAttempt),
			{ID: share.NewID("evt_"), LinkID: "psl_gone", BucketID: b.ID, Type: share.EventOpened, At: time.Now()},
		}); err != nil {
			t.Fatal(err)
		}
		sorted := func(ls ...share.Link) []string {
			var ids []string
			for _, l := range ls {
				ids = append(ids, l.ID)
			}
			slices.Sort(ids)
			return ids
		}
		for _, c := range []struct {
			activity string
			want     []string
		}{
			{share.ActivityOpened, sorted(opened, downloaded)},
			{share.ActivityNeverOpened, sorted(zipped, untouched)},
			{share.ActivityDownloaded, sorted(downloaded, zipped)},
		} {
			if got, n := findActivity(t, db, b.ID, c.activity); !slices.Equal(got, c.want) || n != len(c.want) {
				t.Errorf("%s: got %v (count %d), want %v", c.activity, got, n, c.want)
			}
		}
	})
}

// Migration 00010 fills people for the links that exist when it runs, and indexes them.
func TestPeopleBackfill(t *testing.T) {
	sharetest.ForEachKind(t, func(t *testing.T, kind string) {
		ctx := context.Background()
		var db *sql.DB
		var err error
		if kind == "sqlite" {
			db, err = dbutil.OpenSQLite(t.TempDir() + "/old.db")
		} else {
			sharetest.RequirePostgres(t)
			db, err = dbutil.OpenPostgres(ctx, sharetest.PostgresSchemaURL(t))
		}
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		dialect := goose.DialectSQLite3
		if kind == "postgres" {
			dialect = goose.DialectPostgres
		}
		p, err := goose.NewProvider(dialect, db, os.DirFS("migrations/"+kind), goose.WithTableName("goose_db_version"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := p.UpTo(ctx, 9); err != nil {
			t.Fatal(err)
		}
		ph := func(q string) string { return dbutil.Rebind(kind == "postgres", q) }
		if _, err := db.ExecContext(ctx, ph("INSERT INTO buckets (id, name, is_default, created_at) VALUES ('pro_b', 'default', 1, 0)")); err != nil {
			t.Fatal(err)
		}
		auths := `[{"auth_type":"email_otp","auth_context":"Ann@Old.example"},{"auth_type":"password","hash":"x"}]`
		for i, rcpt := range []string{"", "Sent@Old.example"} {
			_, err := db.ExecContext(ctx, ph(`INSERT INTO links (id, bucket_id, token_hash, token_sealed, link_type, targets,
				max_access_count, created_at, expires_at, authenticators, recipient_email) VALUES (?, 'pro_b', ?, ?, 'download', '[]', 1, ?, ?, ?, ?)`),
				"psl_old"+string(rune('a'+i)), "h"+string(rune('a'+i)), []byte("x"), i, time.Now().Add(time.Hour).UnixMicro(), auths, rcpt)
			if err != nil {
				t.Fatal(err)
			}
		}
		for i, typ := range []string{"opened", "zip_downloaded", "signed_in"} {
			_, err := db.ExecContext(ctx, ph(`INSERT INTO link_events (id, link_id, bucket_id, type, at) VALUES (?, ?, 'pro_b', ?, 0)`),
				"evt_"+string(rune('a'+i)), []string{"psl_olda", "psl_oldb", "psl_oldb"}[i], typ)
			if err != nil {
				t.Fatal(err)
			}
		}
		if _, err := p.UpTo(ctx, 10); err != nil {
			t.Fatal(err)
		}
		var flags []string
		frows, err := db.QueryContext(ctx, "SELECT opened, downloaded FROM links ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		for frows.Next() {
			var o, d int
			_ = frows.Scan(&o, &d)
			flags = append(flags, fmt.Sprint(o, d))
		}
		frows.Close()
		if want := []string{"1 0", "0 1"}; !slices.Equal(flags, want) {
			t.Errorf("opened, downloaded after the migration: got %q, want %q", flags, want)
		}
		var got []string
		rows, err := db.QueryContext(ctx, "SELECT people FROM links ORDER BY id")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			_ = rows.Scan(&s)
			got = append(got, s)
		}
		rows.Close()
		if want := []string{"ann@old.example", "sent@old.example\nann@old.example"}; !slices.Equal(got, want) {
			t.Errorf("people after the migration: got %q, want %q", got, want)
		}
		if kind == "sqlite" {
			var n int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM links_people_fts WHERE links_people_fts MATCH '"ANN@old"'`).Scan(&n); err != nil || n != 2 {
				t.Errorf("backfilled trigram index: %d matches (%v), want 2", n, err)
			}
		}
	})
}

// On PostgreSQL the person search is answered from the pg_trgm index on people, every form of a
// phone-like term included.
func TestPeopleTrigramIndex(t *testing.T) {
	db := sharetest.OpenStore(t, "postgres")
	b := defaultBucket(t, db)
	links := make([]share.Link, 2000)
	for i := range links {
		links[i] = personLink(b.ID, share.NewID("r")+"@example.com",
			share.Authenticator{Type: share.AuthSMSOTP, Context: "+1555" + share.NewID("")[:7]})
	}
	conn := plannerConn(t, db, links)
	plan := explain(t, conn, `SELECT id FROM links WHERE people ILIKE '%555-01%' ESCAPE '\' OR people ILIKE '%55501%' ESCAPE '\'`)
	if !strings.Contains(plan, "links_people_trgm") || strings.Contains(plan, "Seq Scan") {
		t.Errorf("person search is not answered from the trigram index:\n%s", plan)
	}
}

// The Activity filter reads an index range, not the events of every link: newest first, a page of
// never-opened links comes from links_opened and downloaded ones from the partial links_downloaded.
func TestActivityIndexes(t *testing.T) {
	forEachKind(t, func(t *testing.T, kind string, db *store.DB) {
		ctx := context.Background()
		conn, err := db.SQL().Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		explain := "EXPLAIN QUERY PLAN "
		if kind == "postgres" {
			explain = "EXPLAIN "
			if _, err := conn.ExecContext(ctx, "SET enable_seqscan = off"); err != nil {
				t.Fatal(err)
			}
		}
		for cond, index := range map[string]string{"opened = 0": "links_opened", "opened = 1": "links_opened", "downloaded = 1": "links_downloaded"} {
			rows, err := conn.QueryContext(ctx, explain+"SELECT id FROM links WHERE bucket_id = 'pro_x' AND "+cond+" ORDER BY created_at DESC, id DESC LIMIT 51")
			if err != nil {
				t.Fatal(err)
			}
			var plan strings.Builder
			for rows.Next() {
				cols, _ := rows.Columns()
				vals := make([]any, len(cols))
				for i := range vals {
					vals[i] = new(any)
				}
				_ = rows.Scan(vals...)
				for _, v := range vals {
					fmt.Fprint(&plan, *(v.(*any)), " ")
				}
				plan.WriteString("\n")
			}
			rows.Close()
			if !strings.Contains(plan.String(), index) || strings.Contains(plan.String(), "TEMP B-TREE") || strings.Contains(plan.String(), "Sort") {
				t.Errorf("%s: the plan does not read %s in order:\n%s", cond, index, plan.String())
			}
		}
	})
}
