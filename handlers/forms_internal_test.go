package handlers

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/api"
)

// Each form's Validate as a table: what is typed, and the problems the page shows (none: the form goes
// on to the share API).

// validateCase is one row of such a table.
type validateCase[F any] struct {
	name string
	form F
	want fieldErrors
}

func checkValidate[F any](t *testing.T, tests []validateCase[F], validate func(F) fieldErrors) {
	t.Helper()
	for _, tt := range tests {
		if got := validate(tt.form); !maps.Equal(got, tt.want) {
			t.Errorf("%s: Validate() = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestFolderFormValidate(t *testing.T) {
	checkValidate(t, []validateCase[folderForm]{
		{"a name", folderForm{Name: "Reports"}, fieldErrors{}},
		{"a name in a folder", folderForm{Parent: "pos_1", Name: "2026"}, fieldErrors{}},
		{"no name", folderForm{Parent: "pos_1"}, fieldErrors{"new-folder": "Give the folder a name."}},
		{"only spaces", folderForm{Name: "  \t"}, fieldErrors{"new-folder": "Give the folder a name."}},
	}, folderForm.Validate)
}

func TestRenameFormValidate(t *testing.T) {
	checkValidate(t, []validateCase[string]{
		{"a name", "report.pdf", fieldErrors{}},
		{"a name with spaces around", " report.pdf ", fieldErrors{}},
		{"no name", "", fieldErrors{"name": "Give it a name."}},
		{"only spaces", "   ", fieldErrors{"name": "Give it a name."}},
	}, func(name string) fieldErrors { return renameForm{nameForm{Name: name}}.Validate() })
}

// moveAttempt is a Move form posted for an item.
type moveAttempt struct {
	form moveForm
	item api.Object
}

func TestMoveFormValidate(t *testing.T) {
	inFolder := api.Object{ID: "pos_2", Name: "plan.txt", ParentID: "pos_1"}
	atTop := api.Object{ID: "pos_3", Name: "notes.txt"}
	checkValidate(t, []validateCase[moveAttempt]{
		{"to another folder", moveAttempt{moveForm{To: "pos_9"}, inFolder}, fieldErrors{}},
		{"to the top", moveAttempt{moveForm{To: ""}, inFolder}, fieldErrors{}},
		{"to the folder it is in", moveAttempt{moveForm{To: "pos_1"}, inFolder},
			fieldErrors{"to": "“plan.txt” is in this folder already. Open the folder it should go to first."}},
		{"to the top it is at", moveAttempt{moveForm{To: ""}, atTop},
			fieldErrors{"to": "“notes.txt” is in this folder already. Open the folder it should go to first."}},
	}, func(m moveAttempt) fieldErrors { return m.form.Validate(m.item) })
}

func TestRevokeLinksFormValidate(t *testing.T) {
	ids := func(n int) []string { return strings.Fields(strings.Repeat("shl_x ", n)) }
	checkValidate(t, []validateCase[revokeLinksForm]{
		{"one link", revokeLinksForm{IDs: ids(1)}, fieldErrors{}},
		{"100 links", revokeLinksForm{IDs: ids(100)}, fieldErrors{}},
		{"none", revokeLinksForm{Back: "/links"}, fieldErrors{"id": "Select at least one link to revoke."}},
		{"101 links", revokeLinksForm{IDs: ids(101)}, fieldErrors{"id": "Revoke at most 100 links at a time."}},
	}, revokeLinksForm.Validate)
}

func TestSendLinkFormValidate(t *testing.T) {
	addresses := func(n int) string { return strings.Repeat("a@example.com\n", n) }
	checkValidate(t, []validateCase[sendLinkForm]{
		{"one address", sendLinkForm{To: "a@example.com"}, fieldErrors{}},
		// Whether each is an address is the share API's to say (and the page's, from its answer).
		{"not an address", sendLinkForm{To: "someone"}, fieldErrors{}},
		{"100 addresses", sendLinkForm{To: addresses(100)}, fieldErrors{}},
		{"nothing", sendLinkForm{}, fieldErrors{"send-to": "Enter at least one email address."}},
		{"only separators", sendLinkForm{To: " , ;\n"}, fieldErrors{"send-to": "Enter at least one email address."}},
		{"101 addresses", sendLinkForm{To: addresses(101)},
			fieldErrors{"send-to": "Send to at most 100 addresses at a time."}},
	}, sendLinkForm.Validate)
}

func TestTokenFormValidate(t *testing.T) {
	checkValidate(t, []validateCase[string]{
		{"a name", "nightly backup", fieldErrors{}},
		{"100 characters", strings.Repeat("é", 100), fieldErrors{}},
		{"no name", "  ", fieldErrors{"name": "Give the token a name: who or what will use it."}},
		{"101 characters", strings.Repeat("é", 101), fieldErrors{"name": "Use at most 100 characters."}},
		{"a control character", "ci\x07bot", fieldErrors{"name": "Use letters, digits, spaces and punctuation only."}},
		{"a token id's prefix", "ptk_backup", fieldErrors{"name": "Names may not start with ptk_, which token ids use."}},
	}, func(name string) fieldErrors { return tokenForm{nameForm{Name: name}}.Validate() })
}

func TestEditLinkFormValidate(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	lim := linkLimits{Now: now, MaxExpiryDays: 90, MaxAccess: 1000}
	opened3 := api.ShareLink{ID: "shl_1", AccessCount: 3, MaxAccessCount: 5}
	checkValidate(t, []validateCase[editLinkForm]{
		{"openings only", editLinkForm{MaxAccess: "5"}, fieldErrors{}},
		{"a new date", editLinkForm{MaxAccess: "5", ExpiresOn: "2026-03-20"}, fieldErrors{}},
		{"an address and a number added", editLinkForm{MaxAccess: "5", AddEmails: "b@example.com",
			AddPhones: "+1 555 123 4567"}, fieldErrors{}},
		{"the same address twice, in two cases", editLinkForm{MaxAccess: "5",
			AddEmails: strings.Repeat("B@example.com,b@example.com,", 6)}, fieldErrors{}},
		{"an unreadable date", editLinkForm{MaxAccess: "5", ExpiresOn: "20/03/2026"},
			fieldErrors{"expires_on": "Give the date as year-month-day, like 2026-03-08."}},
		{"a past date", editLinkForm{MaxAccess: "5", ExpiresOn: "2026-02-27"},
			fieldErrors{"expires_on": "Choose today or a later date."}},
		{"no openings", editLinkForm{MaxAccess: "0"}, fieldErrors{"max_access": "Use a whole number from 1 to 1000."}},
		{"openings above the limit", editLinkForm{MaxAccess: "1001"},
			fieldErrors{"max_access": "Use a whole number from 1 to 1000."}},
		{"fewer openings than used", editLinkForm{MaxAccess: "2"},
			fieldErrors{"max_access": "It has been opened 3 times already: use 3 or more."}},
		{"not an address", editLinkForm{MaxAccess: "5", AddEmails: "Ann <a@example.com>"},
			fieldErrors{"add_emails": `"Ann <a@example.com>" is not an email address such as name@example.com.`}},
		{"not a number in international form", editLinkForm{MaxAccess: "5", AddPhones: "0555 1234"},
			fieldErrors{"add_phones": `"05551234" is not a mobile number in international form, such as +15551234567.`}},
		{"11 recipients added", editLinkForm{MaxAccess: "5", AddEmails: "a@example.com", AddPhones: phonesN(10)},
			fieldErrors{"add_emails": "Add at most 10 recipients at once."}},
		{"10 recipients added", editLinkForm{MaxAccess: "5", AddPhones: phonesN(10)}, fieldErrors{}},
	}, func(f editLinkForm) fieldErrors {
		_, errs := f.Validate(opened3, lim)
		return errs
	})
}

// phonesN is n different mobile numbers, comma-separated.
func phonesN(n int) string {
	var out []string
	for i := range n {
		out = append(out, "+1555123456"+string(rune('0'+i)))
	}
	return strings.Join(out, ",")
}

// TestEditLinkFormRequest: a valid form asks link/update for what it says, each recipient once.
func TestEditLinkFormRequest(t *testing.T) {
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	l := api.ShareLink{ID: "shl_1", AccessCount: 3, MaxAccessCount: 5}
	form := editLinkForm{ExpiresOn: "2026-03-20", MaxAccess: "7", AddEmails: "B@example.com, b@example.com",
		AddPhones: "+1 555 123 4567", Remove: []string{"email_otp:a@example.com"}}
	req, errs := form.Validate(l, linkLimits{Now: now, MaxExpiryDays: 90, MaxAccess: 1000})
	if len(errs) != 0 {
		t.Fatalf("errors %v, want none", errs)
	}
	wantExp := time.Date(2026, 3, 20, 23, 59, 59, 0, time.UTC)
	if req.ID != "shl_1" || req.ExpiresAt == nil || !req.ExpiresAt.Equal(wantExp) ||
		req.MaxAccessCount == nil || *req.MaxAccessCount != 7 {
		t.Errorf("request = %+v, want shl_1 until %v, 7 openings", req, wantExp)
	}
	wantAdd := []api.Authenticator{{AuthType: "email_otp", AuthContext: "B@example.com"},
		{AuthType: "sms_otp", AuthContext: "+15551234567"}}
	wantRemove := []api.Authenticator{{AuthType: "email_otp", AuthContext: "a@example.com"}}
	if !slices.Equal(req.AddAuthenticators, wantAdd) || !slices.Equal(req.RemoveAuthenticators, wantRemove) {
		t.Errorf("added %v, removed %v; want added %v, removed %v", req.AddAuthenticators,
			req.RemoveAuthenticators, wantAdd, wantRemove)
	}
	if changesNothing(req, l) {
		t.Errorf("changesNothing = true for %+v", req)
	}
	same := 5
	if !changesNothing(api.LinkUpdateRequest{ID: "shl_1", MaxAccessCount: &same}, l) {
		t.Errorf("changesNothing = false for the link's own openings")
	}
}
