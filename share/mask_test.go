package share

import "testing"

func TestMask(t *testing.T) {
	tests := []struct {
		name, in, want string
		mask           func(string) string
	}{
		{"email", "jane@example.com", "j***@example.com", MaskEmail},
		{"email with a non-ASCII first letter", "émile@example.fr", "é***@example.fr", MaskEmail},
		{"not an email", "jane", "***", MaskEmail},
		{"phone", "+15551230123", "+1••••••0123", MaskPhone},
		{"long phone keeps a 3-digit country code", "+3531234567890", "+35•••••••7890", MaskPhone},
		{"too short to mask", "+1555", "•••", MaskPhone},
	}
	for _, tt := range tests {
		if got := tt.mask(tt.in); got != tt.want {
			t.Errorf("%s: mask(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}
