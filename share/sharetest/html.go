package sharetest

import (
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
)

// HTML parses a page for tests, which then read it through data-testid attributes rather than by
// matching markup, so a change of wording or layout elsewhere on the page does not break them.
func HTML(t testing.TB, body string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatalf("not HTML: %v", err)
	}
	return doc
}

// TestID finds the elements marked data-testid="id".
func TestID(t testing.TB, body, id string) *goquery.Selection {
	t.Helper()
	return HTML(t, body).Find(`[data-testid="` + id + `"]`)
}

// Texts is the text of each element marked id, in page order, with runs of white space made one space.
func Texts(t testing.TB, body, id string) []string {
	t.Helper()
	var out []string
	TestID(t, body, id).Each(func(_ int, s *goquery.Selection) {
		out = append(out, strings.Join(strings.Fields(s.Text()), " "))
	})
	return out
}

// Text is the text of the elements marked id, joined by " | " ("" when there is none).
func Text(t testing.TB, body, id string) string {
	t.Helper()
	return strings.Join(Texts(t, body, id), " | ")
}

// Want is what the element marked ID should read, for CheckTexts.
type Want struct{ ID, Text string }

// CheckTexts checks that each element marked by a want's ID reads as wanted; page names the page in
// the failures.
func CheckTexts(t testing.TB, page, body string, wants ...Want) {
	t.Helper()
	for _, w := range wants {
		if got := Text(t, body, w.ID); got != w.Text {
			t.Errorf("%s %s: got %q, want %q", page, w.ID, got, w.Text)
		}
	}
}
