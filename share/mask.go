package share

import "strings"

// Addresses are masked wherever they are kept or shown beyond their owner: the link history stores
// only the masked form, and the portal shows it when asking where to send a code.

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
