package console

// The words for link events in lists across links (the dashboard, the activity page).

// ActivityTypes are the event types the Activity page can be narrowed to, in the order a link's life
// usually runs: the page offers them, and the console drops any other from the address.
func ActivityTypes() []string {
	return []string{"created", "sent", "opened", "code_requested", "signed_in", "failed_attempt", "file_downloaded",
		"zip_downloaded", "file_uploaded", "renamed", "deleted", "access_limit_reached", "revoked", "expired"}
}

func activityLabel(typ string) string {
	switch typ {
	case "created":
		return "Created"
	case "sent":
		return "Sent"
	case "opened":
		return "Opened"
	case "code_requested":
		return "Code requested"
	case "signed_in":
		return "Signed in"
	case "failed_attempt":
		return "Failed sign-in"
	case "file_downloaded":
		return "Downloaded"
	case "zip_downloaded":
		return "Downloaded a zip"
	case "file_uploaded":
		return "Uploaded"
	case "renamed":
		return "Renamed"
	case "deleted":
		return "Deleted"
	case "access_limit_reached":
		return "Used up"
	case "revoked":
		return "Revoked"
	case "expired":
		return "Expired"
	}
	return typ
}

// activityTone picks the badge colour: failures stand out.
func activityTone(r ActivityRow) string {
	switch {
	case r.Type == "failed_attempt" || r.Out != "":
		return "failed"
	case r.Type == "revoked" || r.Type == "expired" || r.Type == "access_limit_reached":
		return "expired"
	}
	return "ok"
}

func activityMethod(m string) string {
	switch m {
	case "password":
		return "password"
	case "email_otp":
		return "email code"
	case "sms_otp":
		return "text code"
	}
	return m
}

// activityDetails are the facts of an event worth a glance: how, what, to or from whom.
func activityDetails(r ActivityRow) []string {
	var out []string
	for _, s := range []string{activityMethod(r.Method), r.Object, r.Detail} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// activityLinkName names the link of an event: its title, or its id once it has none or is gone.
func activityLinkName(r ActivityRow) string {
	if r.LinkTitle != "" {
		return r.LinkTitle
	}
	return r.LinkID
}
