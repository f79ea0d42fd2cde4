package sharetest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// PhoneWidth is the narrowest screen every page must fit without sideways scrolling.
const PhoneWidth = 390

// axeFailImpacts are the axe-core impacts that fail a page. axeAlsoFail are rules of lower impact that
// fail it all the same: each once broke a page (the demo banner outside any landmark, the development
// sign-in without a main region), and a screen-reader user finds content by its landmarks.
var (
	axeFailImpacts = map[string]bool{"serious": true, "critical": true}
	axeAlsoFail    = map[string]bool{"region": true, "landmark-one-main": true, "landmark-unique": true}
)

var axeSource = sync.OnceValues(func() ([]byte, error) {
	_, here, _, _ := runtime.Caller(0)
	return os.ReadFile(filepath.Join(filepath.Dir(here), "..", "..", "web", "node_modules", "axe-core", "axe.min.js"))
})

// RequireAxe skips (or fails) a test when axe-core, pinned in web/package.json, is not installed.
func RequireAxe(t testing.TB) {
	t.Helper()
	if _, err := axeSource(); err != nil {
		Missing(t, "the npm package axe-core", "run make deps (npm ci --prefix web)", err)
	}
}

// AxeProblem is one axe-core rule a page breaks, with the elements that break it.
type AxeProblem struct {
	Rule   string    `json:"id"`
	Impact string    `json:"impact"`
	Help   string    `json:"help"`
	Nodes  []AxeNode `json:"nodes"`
}

// AxeNode is one element that breaks a rule.
type AxeNode struct {
	Target  []any  `json:"target"`
	Summary string `json:"failureSummary"`
}

// Axe runs axe-core on the page the browser shows and returns the problems that fail it: every
// serious or critical violation, and the landmark rules in axeAlsoFail. axe is evaluated through the
// DevTools protocol, so the page's Content-Security-Policy stays as strict as it is for people.
func Axe(t testing.TB, ctx context.Context) []AxeProblem {
	t.Helper()
	RequireAxe(t)
	src, _ := axeSource()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](string(src)+";undefined")); err != nil {
		t.Fatalf("inject axe-core: %v", err)
	}
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](
		`axe.run(document, {resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations))`,
		chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("run axe-core: %v", err)
	}
	var all, failing []AxeProblem
	if err := json.Unmarshal([]byte(out), &all); err != nil {
		t.Fatalf("read axe-core's answer: %v", err)
	}
	for _, p := range all {
		if axeFailImpacts[p.Impact] || axeAlsoFail[p.Rule] {
			failing = append(failing, p)
		}
	}
	return failing
}

// FormatAxe lists problems for a person: rule, impact, what to do, and each element with axe's advice.
func FormatAxe(problems []AxeProblem) string {
	var b strings.Builder
	for _, p := range problems {
		fmt.Fprintf(&b, "  - %s (%s): %s\n", p.Rule, p.Impact, p.Help)
		for i, n := range p.Nodes {
			if i == 5 {
				fmt.Fprintf(&b, "      … and %d more\n", len(p.Nodes)-5)
				break
			}
			summary := strings.Join(strings.Fields(n.Summary), " ")
			fmt.Fprintf(&b, "      %v: %s\n", n.Target, summary)
		}
	}
	return b.String()
}

// ColorScheme makes the page's prefers-color-scheme "light" or "dark".
func ColorScheme(scheme string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return err
	})
}

// TimeZone makes the browser's local time zone the IANA zone tz (e.g. "Asia/Kolkata").
func TimeZone(tz string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetTimezoneOverride, emulation.SetTimezoneOverrideParams{TimezoneID: tz})
		return err
	})
}

// Locale makes the browser's own locale (what Intl formats with by default) the BCP 47 tag locale.
func Locale(locale string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{Locale: locale})
		return err
	})
}

// Phone is a 390 px wide phone screen (mobile, touch, portrait).
func Phone() chromedp.Action[chromedp.Void] {
	return chromedp.EmulateViewport(PhoneWidth, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile,
		chromedp.EmulateTouch, chromedp.EmulatePortrait)
}

// Desktop is a 1280 px wide desktop screen.
func Desktop() chromedp.Action[chromedp.Void] { return chromedp.EmulateViewport(1280, 900) }

// sideways measures the page against the screen and names the widest elements that stick out of it,
// skipping those inside a container that scrolls on its own (a table in .table-wrap is allowed to).
//
// The width is the initial containing block's (clientWidth): on a phone the browser widens the layout
// viewport, and so innerWidth, to fit a page that is too wide, so innerWidth alone would always pass.
const sideways = `(() => {
  const width = Math.min(window.innerWidth, document.documentElement.clientWidth);
  const scroll = document.documentElement.scrollWidth;
  const clipped = (el) => {
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX;
      if (o === "auto" || o === "scroll" || o === "hidden" || o === "clip") return true;
    }
    return false;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.classList.length ? "." + [...el.classList].join(".") : "");
  // Elements inside a scrolling box usually stay in it; those that escape it (positioned ones whose
  // containing block is outside) are named only when nothing else sticks out.
  const free = [], inBox = [];
  for (const el of document.body.querySelectorAll("*")) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.right > width + 1) (clipped(el) ? inBox : free).push([Math.round(r.right), name(el)]);
  }
  const wide = free.length ? free : inBox;
  wide.sort((a, b) => b[0] - a[0]);
  return JSON.stringify({width, scroll, wide: wide.slice(0, 6).map(([r, n]) => n + " (right edge " + r + " px)")});
})()`

// SidewaysScroll reports whether the page the browser shows scrolls sideways (its document is wider
// than the window), naming the elements that stick out; "" when it fits.
func SidewaysScroll(t testing.TB, ctx context.Context) string {
	t.Helper()
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](sideways))
	if err != nil {
		t.Fatalf("measure the page: %v", err)
	}
	var m struct {
		Width, Scroll int
		Wide          []string
	}
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	if m.Scroll <= m.Width {
		return ""
	}
	return fmt.Sprintf("the page is %d px wide in a %d px window; sticking out: %s", m.Scroll, m.Width,
		strings.Join(m.Wide, ", "))
}

// CheckPage checks the page the browser shows as people will see it: axe-core on a 390 px phone in
// the light theme, nothing scrolling sideways there, and axe-core again on a desktop in the dark theme
// (so contrast is checked in both themes). Screen and theme change in place, without loading the page
// again, so pages reached by a POST can be checked too. It leaves the browser on a light desktop.
func CheckPage(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	views := []struct {
		name   string
		screen chromedp.Action[chromedp.Void]
		scheme string
		fits   bool // measure sideways scrolling
	}{{"phone, light", Phone(), "light", true}, {"desktop, dark", Desktop(), "dark", false}}
	for _, view := range views {
		if err := chromedp.Do(ctx, view.screen, ColorScheme(view.scheme)); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if problems := Axe(t, ctx); len(problems) > 0 {
			t.Errorf("%s (%s) at %s: axe-core finds %d serious or critical problems:\n%s", name, view.name, loc,
				len(problems), FormatAxe(problems))
		}
		if view.fits {
			if wide := SidewaysScroll(t, ctx); wide != "" {
				t.Errorf("%s at %s scrolls sideways at %d px: %s", name, loc, PhoneWidth, wide)
			}
		}
	}
	if err := chromedp.Do(ctx, Desktop(), ColorScheme("light")); err != nil {
		t.Fatal(err)
	}
}

// WaitJS polls a script until it is true (chromedp's own waits do not follow pages across sites).
func WaitJS(t testing.TB, ctx context.Context, cond string) {
	t.Helper()
	for range 150 {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond)); err == nil && ok {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	loc, _ := chromedp.Run(ctx, chromedp.Location())
	t.Fatalf("waited in vain for %s at %s", cond, loc)
}
