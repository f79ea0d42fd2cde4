package portal

import (
	"database/sql/driver"
	"errors"
	"strings"
	"syscall"
	"testing"

	"github.com/sharedesk/sharedesk/share"
)

// TestSayFileRefusals: what a recipient is told when the share service refuses something done with
// the files, or cannot store it. The sentences are the portal's; the share service only gives reasons.
func TestSayFileRefusals(t *testing.T) {
	named := func(r share.Reason, name string) error {
		return &share.Error{Code: share.CodeValidation, Message: string(r), Reason: r, Name: name}
	}
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"not part of the share", named(share.ReasonNotInShare, ""), "That file or folder is not part of this share."},
		{"bad file name", named(share.ReasonBadFileName, "a/b"), "The file name must not contain a slash."},
		{"bad new name", named(share.ReasonBadNewName, ".."), "The new name must not be . or ..."},
		{"name taken", named(share.ReasonNameTaken, "a.txt"), `An object named "a.txt" already exists in this folder.`},
		{"no free name", named(share.ReasonNoFreeName, "a.txt"), `Too many files are called "a.txt" here.`},
		{"shared item", named(share.ReasonSharedItem, "Inbox"),
			`"Inbox" is what was shared with you; it cannot be renamed or deleted from here.`},
		{"parent gone", named(share.ReasonParentMissing, ""), "The supplied parent ID does not exist."},
		{"deleted meanwhile", named(share.ReasonGone, ""),
			"That file or folder is no longer there: someone may have just deleted it. Refresh the page to see what is."},
		{"changed meanwhile", named(share.ReasonChanged, ""),
			"The object changed while it was being updated. Refresh your data and try again."},
		{"upload cut short", named(share.ReasonTransferFailed, ""), "The upload did not complete; try again."},
		{"too many tries", named(share.ReasonTooManyTries, ""), "Too many wrong attempts. Wait 15 minutes and try again."},
	}
	for _, tt := range tests {
		if got := say(tt.err); got != tt.want {
			t.Errorf("%s: say = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestSayServerTrouble: a database that is down and a full disk are worded by the portal, from the
// reason share.Classify gives them.
func TestSayServerTrouble(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"database down", share.Classify(driver.ErrBadConn),
			"The service cannot reach its database right now. Try again in a few seconds."},
		{"disk full", share.Classify(syscall.ENOSPC),
			"The server has no room to store this. Try again later, or ask its administrator to free space."},
	}
	for _, tt := range tests {
		var e *share.Error
		if !errors.As(tt.err, &e) || strings.TrimSpace(e.Message) == "" {
			t.Fatalf("%s: Classify gave %v, want a *share.Error with the API's summary", tt.name, tt.err)
		}
		if got := say(tt.err); got != tt.want {
			t.Errorf("%s: say = %q, want %q", tt.name, got, tt.want)
		}
	}
}
