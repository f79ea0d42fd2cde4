package httpapi

import (
	"mime"
	"strings"
	"testing"
)

// FuzzContentDisposition checks that any file name yields one header line that parses back to the
// same name (or to the safe fallback), so no name can inject header text.
func FuzzContentDisposition(f *testing.F) {
	for _, s := range []string{"report.pdf", `a"b.txt`, "naïve résumé.docx", "evil\r\nSet-Cookie: x=1", "tab\there", "; filename=x", "", "\\..\\..\\boot.ini", "日本語.txt"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		h := ContentDisposition("attachment", name)
		if strings.ContainsAny(h, "\r\n\x00") {
			t.Fatalf("header for %q contains a line break or NUL: %q", name, h)
		}
		kind, params, err := mime.ParseMediaType(h)
		if err != nil || kind != "attachment" {
			t.Fatalf("header for %q does not parse: %q (%v)", name, h, err)
		}
		if got := params["filename"]; got != name && got != "download" {
			t.Fatalf("name %q came back as %q from %q", name, got, h)
		}
	})
}
