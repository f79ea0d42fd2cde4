package auth

import "testing"

func TestSafeReturnPath(t *testing.T) {
	tests := []struct {
		raw  string
		want string // "" means refused
	}{
		{"/links", "/links"},
		{"/links?q=board&size=50", "/links?q=board&size=50"},
		{"/links/psl_abc", "/links/psl_abc"},
		{"/files?folder=pfo_1#top", "/files?folder=pfo_1"},
		{"/links?q=a%5Cb", "/links?q=a%5Cb"},
		{"/links?next=//evil.example", "/links?next=//evil.example"},
		{"/caf%C3%A9", "/caf%C3%A9"},
		{"", ""},
		{"links", ""},
		{"https://evil.example", ""},
		{"http://evil.example/links", ""},
		{"HTTPS://evil.example", ""},
		{"javascript:alert(1)", ""},
		{"data:text/html,<script>alert(1)</script>", ""},
		{"//evil.example", ""},
		{"///evil.example", ""},
		{"/.//evil.example", ""},
		{"/..//evil.example", ""},
		{"/x/..//evil.example", ""},
		{"/links/.%2F/evil.example", ""},
		{"/%2E%2E//evil.example", ""},
		{"/links//x", ""},
		{"/\\evil.example", ""},
		{"\\/evil.example", ""},
		{"\\\\evil.example", ""},
		{"/\t/evil.example/x", ""},
		{"/%09/evil.example/x", ""},
		{"/%0a/evil.example", ""},
		{"/%0d%0a/evil.example", ""},
		{"/%0D/evil.example", ""},
		{"/\n/evil.example", ""},
		{"/\r\n/evil.example", ""},
		{"/links\r\nSet-Cookie: x=1", ""},
		{"/%2f/evil.example", ""},
		{"/%2F%2Fevil.example", ""},
		{"/%5cevil.example", ""},
		{"/%5C%5Cevil.example", ""},
		{"/%252f/evil.example", ""},
		{"/%25252f%25252fevil.example", ""},
		{"/%2525252f/evil.example", ""},
		{"/%00/links", ""},
		{"/links%00", ""},
		{"/\x00", ""},
		{"/\x7f", ""},
		{"/\u0085/evil.example", ""},
		{"/\u2028/evil.example", ""},
		{"/\u202e/evil.example", ""},
		{"/%E2%80%AE/evil.example", ""},
		{" /links", ""},
		{"\t//evil.example", ""},
		{"/%", ""},
		{"/%zz", ""},
		{"/%ff", ""},
		{"//user@evil.example", ""},
		{"/@evil.example", "/@evil.example"},
		{"/" + string(make([]byte, 3000)), ""},
	}
	for _, tt := range tests {
		got, ok := SafeReturnPath(tt.raw)
		if got != tt.want || ok != (tt.want != "") {
			t.Errorf("SafeReturnPath(%q) = %q, %v; want %q", tt.raw, got, ok, tt.want)
		}
	}
}

// TestReturnPathOr: addresses the old local-path check let through fall back to the default.
func TestReturnPathOr(t *testing.T) {
	for _, raw := range []string{"/%09/evil.example/x", "https://evil.example", "/\\evil.example"} {
		if got := ReturnPathOr(raw, "/links"); got != "/links" {
			t.Errorf("ReturnPathOr(%q) = %q, want /links", raw, got)
		}
	}
}
