package share

import (
	"slices"
	"testing"
)

func TestPersonTerms(t *testing.T) {
	tests := []struct {
		term string
		want []string
	}{
		{"KIM@Partner", []string{"KIM@Partner"}},
		{"5551234567", []string{"5551234567"}},
		{"+15551234567", []string{"+15551234567"}},
		{"555-123-4567", []string{"555-123-4567", "5551234567"}},
		{"+1 (555) 123 4567", []string{"+1 (555) 123 4567", "+15551234567"}},
		{"0900.123/4", []string{"0900.123/4", "09001234"}},
		{"user12-34@example.com", []string{"user12-34@example.com"}}, // letters: an address, not a phone
		{"--", []string{"--"}},                                       // no digit: nothing to normalise
	}
	for _, tt := range tests {
		if got := PersonTerms(tt.term); !slices.Equal(got, tt.want) {
			t.Errorf("PersonTerms(%q): got %q, want %q", tt.term, got, tt.want)
		}
	}
}
