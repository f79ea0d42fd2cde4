package httpapi

import (
	"mime"
	"strings"
	"testing"
)

// TestContentDispositionFallback: a name that is not ASCII reaches both kinds of client: those that
// read filename* get it whole, those that read only filename= get an ASCII stand-in with its extension.
func TestContentDispositionFallback(t *testing.T) {
	tests := []struct{ name, wantFallback string }{
		{"report.pdf", "report.pdf"},
		{"naïve résumé.docx", "na_ve r_sum_.docx"},
		{"日本語.txt", "___.txt"},
	}
	for _, tt := range tests {
		h := ContentDisposition("attachment", tt.name)
		_, params, err := mime.ParseMediaType(h)
		if err != nil || params["filename"] != tt.name {
			t.Errorf("%q: header %q parses to %q (%v), want the name itself", tt.name, h, params["filename"], err)
		}
		// What a client that ignores filename* sees: the header without it.
		without, _, _ := strings.Cut(h, "; filename*=")
		_, params, err = mime.ParseMediaType(without)
		if plain := params["filename"]; err != nil || plain != tt.wantFallback {
			t.Errorf("%q: filename= is %q (%v), want %q (header %q)", tt.name, plain, err, tt.wantFallback, h)
		}
	}
}
