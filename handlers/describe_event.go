package handlers

import (
	"context"
	"strings"

	"github.com/sharedesk/sharedesk/api"
	"github.com/sharedesk/sharedesk/views/console"
)

// withCreator names who created the link on its "created" event when the share server could not (a
// link made in this console without an email has no sender): this console's audit log knows.
func (c *Console) withCreator(ctx context.Context, linkID string, evs []api.LinkEvent) {
	for i := range evs {
		if evs[i].Type != "created" || evs[i].Actor != "" {
			continue
		}
		who, err := c.db.Creator(ctx, linkID)
		if err != nil {
			c.log.WarnContext(ctx, "link creator", "link", linkID, "err", err)
		}
		evs[i].Actor = who
		return
	}
}

// eventRow words one event of a link's history for the people reading its timeline.
func eventRow(ev api.LinkEvent) console.EventRow {
	return console.EventRow{
		Type:    ev.Type,
		What:    describeEvent(ev),
		Who:     describeActor(ev.Actor),
		Client:  ev.Client,
		Outcome: ev.Outcome,
		At:      ev.At,
	}
}

// describeEvent says what happened in a sentence: "Code sent by SMS to +1•••••0123", "Downloaded
// report.pdf", "Wrong password". Addresses in codes' events are masked by the share server already.
func describeEvent(ev api.LinkEvent) string {
	switch ev.Type {
	case "created":
		return "Link created"
	case "sent":
		if ev.Outcome == "failed" {
			return "The email to " + orSomeone(ev.Detail) + " could not be delivered"
		}
		return "Link emailed to " + orSomeone(ev.Detail)
	case "opened":
		// The page was loaded, before any sign-in. The Opened column and the access limit count
		// sign-ins, so this is worded apart from them.
		return "Visited the link's page"
	case "code_requested":
		return describeCode(ev)
	case "signed_in":
		what := "Signed in"
		switch ev.Method {
		case "password":
			what += " with the password"
		case "email_otp":
			what += " with an email code"
		case "sms_otp":
			what += " with a text code"
		}
		return withDetail(what, ev.Detail)
	case "failed_attempt":
		return describeFailure(ev)
	case "file_downloaded":
		return "Downloaded " + orItem(ev.ObjectName)
	case "zip_downloaded":
		what := "Downloaded a zip"
		if ev.Detail != "" {
			what += " of " + ev.Detail
		}
		if ev.ObjectName != "" {
			what += ": " + ev.ObjectName
		}
		return what
	case "file_uploaded":
		return "Uploaded " + orItem(ev.ObjectName)
	case "renamed":
		if was, ok := strings.CutPrefix(ev.Detail, "was "); ok {
			return "Renamed " + was + " to " + orItem(ev.ObjectName)
		}
		return "Renamed an item to " + orItem(ev.ObjectName)
	case "deleted":
		return "Deleted " + orItem(ev.ObjectName)
	case "access_limit_reached":
		return "Access limit reached"
	case "revoked":
		return "Link revoked"
	case "expired":
		return "Link expired"
	}
	// A type this console does not know yet (a newer share server): say what the server said.
	return withDetail(strings.ReplaceAll(ev.Type, "_", " "), ev.Detail)
}

// describeCode words a request for a one-time code: sent, not delivered, or refused by the hourly quota.
func describeCode(ev api.LinkEvent) string {
	how := "by email"
	if ev.Method == "sms_otp" {
		how = "by SMS"
	}
	to := ""
	if ev.Detail != "" {
		to = " to " + ev.Detail
	}
	switch ev.Outcome {
	case "failed":
		return "Code could not be sent " + how + to
	case "refused":
		return "Code refused " + how + to + ": too many codes asked for this hour"
	}
	return "Code sent " + how + to
}

// describeFailure words a failed attempt: a wrong secret, or an opening refused by a limit.
func describeFailure(ev api.LinkEvent) string {
	if ev.Outcome == "refused" {
		if ev.Detail == "access limit reached" {
			return "Opening refused: access limit reached"
		}
		return withDetail("Refused", ev.Detail)
	}
	switch ev.Method {
	case "password":
		return "Wrong password"
	case "email_otp":
		return "Wrong email code"
	case "sms_otp":
		return "Wrong text code"
	}
	return withDetail("Failed attempt", ev.Detail)
}

// describeActor names who did it: the recipient, the sweeper, a staff email or an API token's name.
func describeActor(actor string) string {
	switch actor {
	case "recipient":
		return "Recipient"
	case "sweeper":
		return "sharedesk (automatic)"
	}
	return actor
}

func withDetail(what, detail string) string {
	if detail == "" {
		return what
	}
	return what + " (" + detail + ")"
}

func orSomeone(s string) string {
	if s == "" {
		return "someone"
	}
	return s
}

func orItem(s string) string {
	if s == "" {
		return "an item"
	}
	return s
}
