// Package views holds what the console's and the portal's pages share: formatting for people,
// widgets both use, and the choice between a whole page and the part htmx asked for. The pages
// themselves live in views/console and views/portal.
package views

import (
	"fmt"
	"time"
)

// Bytes formats a size the way people read it: 1.2 MB.
func Bytes(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}

// When formats a time for people in UTC, with the zone named.
func When(t time.Time) string {
	return t.UTC().Format("Mon 2 Jan 2006, 15:04 MST")
}

// Itoa writes a count in a page.
func Itoa(i int) string { return fmt.Sprint(i) }

// Plural picks the word that agrees with n.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// Quantity is a count and the word that agrees with it: "1 opening", "3 openings".
func Quantity(n int, one, many string) string {
	return Itoa(n) + " " + Plural(n, one, many)
}

// Crumb is one step of a folder path.
type Crumb struct {
	Name string
	URL  string
}

// MatchCount says how many links a Links view matches, as exactly as the share server counted them:
// "3 links match", "more than 10,000 links match", "about 600,000 links match".
func MatchCount(n int, kind string) string {
	switch kind {
	case "bounded":
		return "More than " + grouped(n) + " links match"
	case "estimate":
		return "About " + grouped(roundTo2(n)) + " links match"
	}
	return grouped(n) + " " + Plural(n, "link matches", "links match")
}

// Count writes a number as exactly as it was counted: "3", "More than 10,000", "About 610,000".
func Count(n int, kind string) string {
	switch kind {
	case "bounded":
		return "More than " + grouped(n)
	case "estimate":
		return "About " + grouped(roundTo2(n))
	}
	return grouped(n)
}

// roundTo2 keeps two significant digits: an estimate shown to the unit would claim a precision it
// does not have.
func roundTo2(n int) int {
	p := 1
	for n/p >= 100 {
		p *= 10
	}
	return (n + p/2) / p * p
}

// grouped writes n with thousands separators: 600,000.
func grouped(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0 && s[i-1] != '-'; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// Relative says how far t is from now in words: "in 3 days", "2 hours ago".
func Relative(t, now time.Time) string {
	d := t.Sub(now)
	future := d > 0
	if !future {
		d = -d
	}
	var s string
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		s = fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 48*time.Hour:
		s = fmt.Sprintf("%d h", int(d.Hours()))
	default:
		s = fmt.Sprintf("%d days", int(d.Hours()/24))
	}
	if future {
		return "in " + s
	}
	return s + " ago"
}
