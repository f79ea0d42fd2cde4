package portal

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/sharedesk/sharedesk/share"
)

func TestSay(t *testing.T) {
	refused := func(r share.Reason, count int, at time.Time) error {
		return fmt.Errorf("wrapped: %w", &share.Error{Code: share.CodeAuthFailed, Message: string(r), Reason: r, Count: count, At: at})
	}
	expired := time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC)
	tests := []struct {
		name string
		err  error
		want string
	}{
		{"used up once", refused(share.ReasonUsedUp, 1, time.Time{}), "This link has already been opened the 1 time it allows."},
		{"used up", refused(share.ReasonUsedUp, 3, time.Time{}), "This link has already been opened the 3 times it allows."},
		{"expired", refused(share.ReasonExpired, 0, expired), "This link expired on Sun 1 Mar 2026, 09:30 UTC."},
		{"wrong code, one try left", refused(share.ReasonWrongCode, 1, time.Time{}), "That code is not right. 1 try left."},
		{"wrong code", refused(share.ReasonWrongCode, 2, time.Time{}), "That code is not right. 2 tries left."},
		{"revoked", refused(share.ReasonRevoked, 0, time.Time{}), "This link has been revoked by the sender."},
		{"no such link is said by the page", refused(share.ReasonNoSuchLink, 0, time.Time{}), ""},
		{"an error without a reason is not worded by share", &share.Error{Code: share.CodeObjectExists, Message: "Taken."}, ""},
		{"our own failure", errors.New("disk on fire"), ""},
	}
	for _, tt := range tests {
		if got := say(tt.err); got != tt.want {
			t.Errorf("%s: say = %q, want %q", tt.name, got, tt.want)
		}
	}
	// Every reason without facts has its own sentence, not the reason's name.
	for _, r := range []share.Reason{share.ReasonSessionEnded, share.ReasonChooseAuth, share.ReasonTooManyCodes,
		share.ReasonCodeNotSent, share.ReasonTooManyTries, share.ReasonNoCode, share.ReasonCodeUsed,
		share.ReasonCodeExpired, share.ReasonCodeDead, share.ReasonCodeTriesUsed, share.ReasonCodeBlocked,
		share.ReasonWrongPassword, share.ReasonUploadOnly, share.ReasonDownloadOnly, share.ReasonNoEditing} {
		if got := say(refused(r, 0, time.Time{})); got == "" || got == string(r) {
			t.Errorf("reason %q: say = %q, want a sentence", r, got)
		}
	}
}
