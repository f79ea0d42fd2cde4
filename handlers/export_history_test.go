package handlers_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/consoledb"
	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/share/sharetest"
)

// The history exports as CSV: every event, oldest first, fields escaped, spreadsheet formulas defused;
// helpdesk and admins for any link, sharers for their own, viewers not at all; each export is audited.
func TestHistoryCSV(t *testing.T) {
	e := startConsole(t, "sqlite")
	ctx := context.Background()
	_, file, links := seedLinks(t, e)
	l := links[0]
	hostile := []share.Event{
		{Type: "file_downloaded", Actor: "recipient", Client: "203.0.113.7", ObjectName: "=HYPERLINK(\"http://evil.example\")"},
		{Type: "file_uploaded", Actor: "recipient", ObjectName: "+cmd|' /C calc'!A0"},
		{Type: "renamed", Actor: "recipient", ObjectName: "@SUM(A1)", Detail: "was -2+3"},
		{Type: "sent", Actor: "sam@example.com", Method: "email", Detail: "a \"quoted\", comma\nnewline@example.com"},
		{Type: "sent", Actor: "sam@example.com", Method: "email", Detail: "-2+3@example.com"},
	}
	for i := range hostile {
		hostile[i].ID, hostile[i].LinkID, hostile[i].BucketID = share.NewID("evt_"), l.ID, l.BucketID
		hostile[i].At = time.Now().Add(time.Duration(i) * time.Second)
	}
	if err := e.share.Store.RecordEvents(ctx, hostile); err != nil {
		t.Fatal(err)
	}
	sharetest.Must(e.share.Client.LinkDelete(ctx, api.LinkDeleteRequest{IDs: []string{l.ID}}))(t) // revoked links export too

	hal := e.signIn(t, "hal@example.com")
	page := hal.get("/links/" + l.ID)
	csvURL := page.testid(t, "history-csv").AttrOr("href", "")
	if csvURL != "/links/"+l.ID+"/history.csv" {
		t.Fatalf("export link: got %q", csvURL)
	}
	p := hal.get(csvURL)
	if p.status != http.StatusOK || !strings.HasPrefix(p.header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(p.header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("export: got %d %q %q", p.status, p.header.Get("Content-Type"), p.header.Get("Content-Disposition"))
	}
	rows, err := csv.NewReader(strings.NewReader(p.body)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, p.body)
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	var types []string
	for _, r := range rows[1:] {
		types = append(types, r[col["event"]])
	}
	if want := []string{"created", "file_downloaded", "file_uploaded", "renamed", "sent", "sent", "revoked"}; !slices.Equal(types, want) {
		t.Errorf("rows: got %v, want %v (every event, oldest first)", types, want)
	}
	for _, c := range []struct {
		row       int
		col, want string
	}{
		{2, "file", "'=HYPERLINK(\"http://evil.example\")"},
		{2, "description", "Downloaded =HYPERLINK(\"http://evil.example\")"},
		{2, "client_address", "203.0.113.7"},
		{2, "by", "recipient"},
		{3, "file", "'+cmd|' /C calc'!A0"},
		{4, "file", "'@SUM(A1)"},
		{4, "detail", "was -2+3"},
		{5, "detail", "a \"quoted\", comma\nnewline@example.com"},
		{6, "detail", "'-2+3@example.com"},
		{6, "description", "Link emailed to -2+3@example.com"},
		{7, "by", "test"},
	} {
		if got := rows[c.row][col[c.col]]; got != c.want {
			t.Errorf("row %d %s: got %q, want %q", c.row, c.col, got, c.want)
		}
	}
	// The page shows recipients' network addresses to the same people the export is for: not to viewers.
	if got := page.doc(t).Find(`[data-testid="event-client"]`).Length(); got == 0 {
		t.Errorf("helpdesk: no client address on the timeline, want the recipient's")
	}
	val := e.signIn(t, "val@example.com").get("/links/" + l.ID)
	if got := val.doc(t).Find(`[data-testid="event-client"]`).Length(); got != 0 || strings.Contains(val.body, "203.0.113.7") {
		t.Errorf("viewer: got %d client addresses on the timeline, want none", got)
	}

	entries, _ := e.db.Audit(ctx, consoledb.AuditFilter{Action: "export-history", Limit: 10})
	if len(entries) != 1 || entries[0].Target != l.ID || entries[0].ActorEmail != "hal@example.com" {
		t.Errorf("audit: got %+v, want one export-history of %s by hal", entries, l.ID)
	}

	// Who may export: any link for helpdesk and admins, own links for sharers, never viewers.
	sam := e.signIn(t, "sam@example.com")
	sam.get("/links/new")
	made := sam.post("/links/new", url.Values{"target": {file.ID}, "type": {"download"}, "expiry": {"7"}, "max_access": {"5"},
		"recipients": {"own@example.com"}, "title": {"Sam's own"}})
	if made.status != http.StatusOK {
		t.Fatalf("sam's link: got %d", made.status)
	}
	own := sharetest.Must(e.share.Client.LinkList(ctx, api.LinkListRequest{Filter: map[string]any{"title": "Sam's own"}}))(t).ShareLinkObjects[0]
	for _, c := range []struct {
		who, link string
		want      int
	}{
		{"ada", links[1].ID, http.StatusOK},
		{"hal", own.ID, http.StatusOK},
		{"sam", own.ID, http.StatusOK},
		{"sam", links[1].ID, http.StatusForbidden},
		{"val", links[1].ID, http.StatusForbidden},
		{"hal", "psl_doesnotexistdoesnotexistdoesnot", http.StatusNotFound},
	} {
		s := e.signIn(t, c.who+"@example.com")
		if p := s.get("/links/" + c.link + "/history.csv"); p.status != c.want {
			t.Errorf("%s exporting %s: got %d, want %d", c.who, c.link, p.status, c.want)
		}
	}
}

// TestCreatedEventNamesItsCreator: a link made in the console without emailing anyone still says who
// made it, on its timeline and in the export.
func TestCreatedEventNamesItsCreator(t *testing.T) {
	e := startConsole(t, "sqlite")
	_, file, _ := seedLinks(t, e)
	sam := e.signIn(t, "sam@example.com")
	batch := batchOf(t, sam.get("/links/new"))
	p := sam.post("/links/new", url.Values{"batch": {batch}, "target": {file.ID}, "type": {"download"}, "expiry": {"7"},
		"max_access": {"3"}, "password": {"a long enough password"}, "title": {"No email"}})
	if !strings.HasPrefix(p.path, "/links/created/") {
		t.Fatalf("create: %d at %s", p.status, p.path)
	}
	id := p.doc(t).Find(`a[href^="/links/psl_"]`).First().AttrOr("href", "")
	if id == "" {
		t.Fatalf("no link on the result page:\n%.800s", p.body)
	}
	page := sam.get(id)
	if got := page.texts(t, "event-who"); len(got) == 0 || !strings.HasPrefix(got[len(got)-1], "sam@example.com") {
		t.Errorf("who created it, on the timeline: got %q, want sam@example.com", got)
	}
	csv := sam.get(id + "/history.csv")
	if !strings.Contains(csv.body, "Link created,sam@example.com") {
		t.Errorf("who created it, in the export:\n%s", csv.body)
	}
}
