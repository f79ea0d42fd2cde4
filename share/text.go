package share

import "strings"

// isBidiControl reports whether r is a Unicode bidirectional formatting character: the embeddings and
// overrides U+202A–U+202E, the isolates U+2066–U+2069, and the marks U+200E, U+200F and U+061C. In a
// name or title they make text display in an order other than the stored one ("invoice‮fdp.exe"
// shows as "invoiceexe.pdf").
func isBidiControl(r rune) bool {
	return (r >= 0x202A && r <= 0x202E) || (r >= 0x2066 && r <= 0x2069) || r == 0x200E || r == 0x200F || r == 0x061C
}

// HasBidiControl reports whether s contains a bidirectional formatting character.
func HasBidiControl(s string) bool { return strings.IndexFunc(s, isBidiControl) >= 0 }

// BidiProblem is the detail of a ValidationError for text with bidirectional formatting characters.
const BidiProblem = "must not contain Unicode direction controls (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C)"

// Displayable removes bidirectional formatting characters, so text stored before they were refused
// shows in its real order wherever it is displayed (pages, emails, archive entries, file names).
func Displayable(s string) string {
	if !HasBidiControl(s) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if isBidiControl(r) {
			return -1
		}
		return r
	}, s)
}

// displayable returns a copy of the link with its human-readable text made Displayable.
func (l Link) displayable() Link {
	l.Title, l.Message, l.SenderName = Displayable(l.Title), Displayable(l.Message), Displayable(l.SenderName)
	return l
}
