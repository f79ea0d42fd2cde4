package dbutil

import "testing"

func TestLike(t *testing.T) {
	tests := []struct {
		sub, want string
	}{
		{"ann", "%ann%"},
		{"50%_off", `%50\%\_off%`},
		{`a\b`, `%a\\b%`},
	}
	for _, tt := range tests {
		if got := LikePattern(tt.sub); got != tt.want {
			t.Errorf("LikePattern(%q) = %q, want %q", tt.sub, got, tt.want)
		}
	}
	if got, want := Like(false, "name"), `name LIKE ? ESCAPE '\'`; got != want {
		t.Errorf("SQLite: Like = %q, want %q", got, want)
	}
	if got, want := Like(true, "name"), `name ILIKE ? ESCAPE '\'`; got != want {
		t.Errorf("PostgreSQL: Like = %q, want %q", got, want)
	}
}
