package portal

import (
	"errors"
	"fmt"

	"github.com/sharedesk/sharedesk/share"
	"github.com/sharedesk/sharedesk/views"
)

// say is what a recipient is told about err: the sentence for a refusal the share service gave a
// reason for, the service's own message for other errors it explains, and "" for anything else
// (which is ours, not theirs).
func say(err error) string {
	var e *share.Error
	if !errors.As(err, &e) {
		return ""
	}
	switch e.Reason {
	case "":
		return e.Message
	case share.ReasonNoSuchLink:
		return "" // the pages say this in their own words
	case share.ReasonUsedUp:
		return fmt.Sprintf("This link has already been opened the %d %s it allows.",
			e.Count, views.Plural(e.Count, "time", "times"))
	case share.ReasonExpired:
		return "This link expired on " + e.At.Format("Mon 2 Jan 2006, 15:04 MST") + "."
	case share.ReasonWrongCode:
		return fmt.Sprintf("That code is not right. %d %s left.", e.Count, views.Plural(e.Count, "try", "tries"))
	}
	return refusal(e)
}

// refusal is the sentence for a reason that carries no facts.
func refusal(e *share.Error) string {
	switch e.Reason {
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
		return "Too many wrong attempts. Wait 15 minutes and try again."
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
	}
	return e.Message
}
