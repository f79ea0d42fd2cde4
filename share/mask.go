package share

import "strings"

// Addresses are masked wherever they are kept or shown beyond their owner: the link history stores
// only the masked form, and the portal shows the same form when asking where to send a code, so a
// recipient and the staff reading the history see one address the same way. That is why masking
// lives here, beside what is stored, and not in the portal's views.

// Masked is how an email or SMS authenticator's address is shown beyond its owner; "" for a password.
func (a Authenticator) Masked() string {
	switch a.Type {
	case AuthEmailOTP:
		return MaskEmail(a.Context)
	case AuthSMSOTP:
		return MaskPhone(a.Context)
	}
	return ""
}

// MaskEmail shows enough of an address to recognise it: j***@example.com.
func MaskEmail(addr string) string {
	local, domain, ok := strings.Cut(addr, "@")
	if !ok || local == "" {
		return "***"
	}
	r := []rune(local)
	return string(r[0]) + "***@" + domain
}

// MaskPhone keeps the country code and the last four digits: +1•••••0123.
func MaskPhone(p string) string {
	if len(p) < 7 {
		return "•••"
	}
	cc := 2
	if len(p) > 12 {
		cc = 3
	}
	return p[:cc] + strings.Repeat("•", len(p)-cc-4) + p[len(p)-4:]
}
