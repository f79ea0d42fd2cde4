package sharetest

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// ChromiumEnv names the variable that points the browser tests at a Chromium or Chrome of one's own.
const ChromiumEnv = "SHAREDESK_TEST_CHROMIUM"

// ChromiumPath is the browser the tests drive: $SHAREDESK_TEST_CHROMIUM, else the first Chromium or
// Chrome on PATH, else Debian's /usr/bin/chromium, which make deps (and CI) installs.
func ChromiumPath() string {
	if p := os.Getenv(ChromiumEnv); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return "/usr/bin/chromium"
}

// Browser starts headless Chromium for one test and returns a context to drive it with chromedp. The
// browser is stopped after two minutes, whatever the test is doing: a hung page fails the test.
func Browser(t testing.TB) context.Context {
	t.Helper()
	return BrowserFor(t, 2*time.Minute)
}

// BrowserFor is Browser for a test that needs the browser longer than two minutes (one that checks
// many pages in turn).
func BrowserFor(t testing.TB, limit time.Duration) context.Context {
	t.Helper()
	RequireChromium(t)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(ChromiumPath()),
		chromedp.NoSandbox, // the tests run as root here
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("lang", "en-GB"),
		// One renderer for every site: chromedp then follows navigations between the console and the
		// identity provider (they are different sites, as in production).
		chromedp.Flag("disable-features", "IsolateOrigins,site-per-process"),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, limit)
	t.Cleanup(func() { cancelTimeout(); cancelCtx(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// Screenshot saves a PNG of the page to $SHAREDESK_SCREENSHOTS/name.png when that variable is set
// (make screenshots); otherwise it does nothing.
func Screenshot(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("SHAREDESK_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Screenshots saves the page as name.png in the light theme and as name-dark.png in the dark one
// (prefers-color-scheme) when SHAREDESK_SCREENSHOTS is set; otherwise it does nothing. The page is
// left in the light theme.
func Screenshots(t testing.TB, ctx context.Context, name string) {
	t.Helper()
	if os.Getenv("SHAREDESK_SCREENSHOTS") == "" {
		return
	}
	Screenshot(t, ctx, name)
	if err := chromedp.Do(ctx, ColorScheme("dark")); err != nil {
		t.Fatal(err)
	}
	Screenshot(t, ctx, name+"-dark")
	if err := chromedp.Do(ctx, ColorScheme("light")); err != nil {
		t.Fatal(err)
	}
}
