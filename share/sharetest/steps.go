package sharetest

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// stepTimeout bounds one step of a browser story, well under the browser's own limit, so a step that
// hangs fails where it hangs.
const stepTimeout = 15 * time.Second

// GoTo opens an address and waits until the page has loaded.
func GoTo(t testing.TB, b context.Context, url string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatalf("open %s: %v", url, err)
	}
	WaitJS(t, b, `document.readyState === "complete"`)
}

// Do runs chromedp steps, fifteen seconds at the most; when they fail the test stops, saying where the
// browser was and what the page said.
func Do(t testing.TB, b context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b, stepTimeout)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		loc, _ := chromedp.Run(b, chromedp.Location())
		text, _ := chromedp.Run(b, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
		t.Fatalf("at %s: %v\npage:\n%.2000s", loc, err, text)
	}
}

// Script runs a script for what it does: a click, a submit, a value typed in.
func Script(t testing.TB, b context.Context, code string) {
	t.Helper()
	if _, err := chromedp.Run(b, chromedp.Evaluate[any](code)); err != nil {
		t.Fatalf("%s: %v", code, err)
	}
}

// JS is what a script gives, as a string. A read can fail while the page is being replaced, so it is
// tried again for two seconds.
func JS(t testing.TB, b context.Context, code string) string {
	t.Helper()
	var err error
	for range 20 {
		var s string
		if s, err = chromedp.Run(b, chromedp.Evaluate[string](code)); err == nil {
			return s
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("%s: %v", code, err)
	return ""
}

// Step runs one named step of a browser story as a subtest; the story stops at the first step that
// fails, since the next ones start from the page it should have left.
func Step(t *testing.T, name string, step func(t *testing.T)) {
	t.Helper()
	if !t.Run(name, step) {
		t.FailNow()
	}
}
