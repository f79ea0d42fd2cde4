package views

import "testing"

func TestMatchCount(t *testing.T) {
	cases := []struct {
		n    int
		kind string
		want string
	}{
		{0, "exact", "0 links match"},
		{1, "exact", "1 link matches"},
		{3, "", "3 links match"},
		{12345, "exact", "12,345 links match"},
		{10000, "bounded", "More than 10,000 links match"},
		{612345, "estimate", "About 610,000 links match"},
		{10049, "estimate", "About 10,000 links match"},
		{1999999, "estimate", "About 2,000,000 links match"},
		{87, "estimate", "About 87 links match"},
	}
	for _, c := range cases {
		if got := MatchCount(c.n, c.kind); got != c.want {
			t.Errorf("MatchCount(%d, %q) got %q, want %q", c.n, c.kind, got, c.want)
		}
	}
}

func TestQuantity(t *testing.T) {
	cases := []struct {
		n    int
		want string
	}{
		{0, "0 openings"},
		{1, "1 opening"},
		{2, "2 openings"},
	}
	for _, c := range cases {
		if got := Quantity(c.n, "opening", "openings"); got != c.want {
			t.Errorf("Quantity(%d) got %q, want %q", c.n, got, c.want)
		}
	}
}
