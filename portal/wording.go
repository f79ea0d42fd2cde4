package portal

import (
	"errors"
	"fmt"
	"time"

	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/views"
)

// say is what a recipient is told about err: the sentence for the reason the share service gave,
// or "" for an error without one (ours, not theirs) and for a reason the pages word themselves.
// The share service keeps no sentences for recipients, so nothing here falls back to its Message.
func say(err error) string {
	var e *share.Error
	if !errors.As(err, &e) {
		return ""
	}
	if s := withFacts(e); s != "" {
		return s
	}
	return refusal(e.Reason)
}

// withFacts words the reasons that carry facts (a count, a time, a name).
func withFacts(e *share.Error) string {
	switch e.Reason {
	case share.ReasonUsedUp:
		return fmt.Sprintf("This link has already been opened the %d %s it allows.",
			e.Count, views.Plural(e.Count, "time", "times"))
	case share.ReasonExpired:
		return "This link expired on " + views.When(e.At) + "."
	case share.ReasonWrongCode:
		return fmt.Sprintf("That code is not right. %d %s left.", e.Count, views.Plural(e.Count, "try", "tries"))
	case share.ReasonBadFileName:
		return "The file name " + share.ValidName(e.Name) + "."
	case share.ReasonBadNewName:
		return "The new name " + share.ValidName(e.Name) + "."
	case share.ReasonNameTaken:
		return fmt.Sprintf("An object named %q already exists in this folder.", e.Name)
	case share.ReasonNoFreeName:
		return fmt.Sprintf("Too many files are called %q here.", e.Name)
	case share.ReasonSharedItem:
		return fmt.Sprintf("%q is what was shared with you; it cannot be renamed or deleted from here.", e.Name)
	}
	return ""
}

// refusal is the sentence for a reason without facts: opening or signing in to a link, what was done
// with its files, and trouble on the server's side the recipient can wait out.
func refusal(r share.Reason) string {
	switch r {
	case share.ReasonRevoked:
		return "This link has been revoked by the sender."
	case share.ReasonSessionEnded:
		return "Your session has ended. Open the link from your email again."
	case share.ReasonChooseAuth:
		return "Choose one of the ways to prove who you are."
	case share.ReasonTooManyCodes:
		return fmt.Sprintf("%d codes have been sent for this link in the last hour, the most allowed. "+
			"Try again later.", share.OTPPerLinkPerHour)
	case share.ReasonCodeNotSent:
		return "The code could not be sent just now. Try again in a minute."
	case share.ReasonTooManyTries:
		return fmt.Sprintf("Too many wrong attempts. Wait %s and try again.", minutes(share.FailureWindow))
	case share.ReasonBusy:
		return "Several people are signing in to this link right now. Try again in a moment."
	case share.ReasonNoCode:
		return "Ask for a code first."
	case share.ReasonCodeUsed:
		return "That code has been used. Ask for a new one."
	case share.ReasonCodeExpired:
		return "That code has expired. Ask for a new one."
	case share.ReasonCodeDead:
		return "That code can no longer be used. Ask for a new one."
	case share.ReasonCodeTriesUsed:
		return "Too many wrong tries for that code. Ask for a new one."
	case share.ReasonCodeBlocked:
		return "That code is not right, and it has now been blocked. Ask for a new one."
	case share.ReasonWrongPassword:
		return "That password is not right."
	case share.ReasonUploadOnly:
		return "This link lets you upload files, not download them."
	case share.ReasonDownloadOnly:
		return "This link lets you download files, not upload them."
	case share.ReasonNoEditing:
		return "This link does not let you rename or delete files."
	case share.ReasonNotInShare:
		return "That file or folder is not part of this share."
	case share.ReasonParentMissing:
		return "The supplied parent ID does not exist."
	case share.ReasonGone:
		return "That file or folder is no longer there: someone may have just deleted it. " +
			"Refresh the page to see what is."
	case share.ReasonChanged:
		return "The object changed while it was being updated. Refresh your data and try again."
	case share.ReasonTransferFailed:
		return "The upload did not complete; try again."
	case share.ReasonUnavailable:
		return "The service cannot reach its database right now. Try again in a few seconds."
	case share.ReasonStorageFull:
		return "The server has no room to store this. Try again later, or ask its administrator to free space."
	}
	return ""
}

// minutes says a whole number of minutes: "15 minutes".
func minutes(d time.Duration) string {
	m := int(d / time.Minute)
	return views.Quantity(m, "minute", "minutes")
}
