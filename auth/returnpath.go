package auth

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxReturnPath bounds a return path: it is stored with the sign-in attempt and echoed in Location.
const maxReturnPath = 2048

// SafeReturnPath accepts a `next`/return URL only when it is a relative path on this origin, and
// returns it normalised (path escaped once, query kept, fragment dropped). Browsers strip tabs and
// newlines from URLs and treat `\` as `/`, so "/\t/evil.example" or "/\evil.example" would leave the
// origin; anything that could become a scheme, an authority or such a character, whether written
// plainly or percent-encoded (once or more), is refused rather than repaired.
func SafeReturnPath(raw string) (string, bool) {
	if raw == "" || len(raw) > maxReturnPath || !utf8.ValidString(raw) || hasUnsafeRune(raw) {
		return "", false
	}
	if !strings.HasPrefix(raw, "/") {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return "", false
	}
	// Decode the path until it stops changing: every decoded form must still be a plain local path.
	// Five rounds is more than any real path needs; deeper nesting is refused.
	p := u.EscapedPath()
	for round := 0; ; round++ {
		// Browsers resolve dot segments ("/.//evil.example" becomes "//evil.example") and no console
		// path has one or an empty segment, so both are refused anywhere in the path.
		if !strings.HasPrefix(p, "/") || strings.Contains(p, "//") || hasDotSegment(p) || hasUnsafeRune(p) {
			return "", false
		}
		d, err := url.PathUnescape(p)
		if err != nil || !utf8.ValidString(d) {
			return "", false
		}
		if d == p {
			break
		}
		if round == 5 {
			return "", false
		}
		p = d
	}
	out := u.EscapedPath()
	if u.RawQuery != "" {
		out += "?" + u.RawQuery
	}
	return out, true
}

func hasDotSegment(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// ReturnPathOr is SafeReturnPath with a fallback for anything refused.
func ReturnPathOr(raw, fallback string) string {
	if p, ok := SafeReturnPath(raw); ok {
		return p
	}
	return fallback
}

// hasUnsafeRune reports control characters (C0, DEL, C1), spaces other than U+0020 and Unicode
// format characters (bidi controls and the like), none of which belong in a path we redirect to.
func hasUnsafeRune(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f) || r == '\\' ||
			(unicode.IsSpace(r) && r != ' ') || unicode.Is(unicode.Cf, r)
	})
}
