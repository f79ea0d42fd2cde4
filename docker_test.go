package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The image's environment puts share-server where the Dockerfile exposes it (SHAREDESK_SHARE_LISTEN,
// even with the console's SHAREDESK_LISTEN set), the image declares a HEALTHCHECK with the built-in
// command, and every port it names is exposed.
func TestImageListensWhereExposed(t *testing.T) {
	raw, err := os.ReadFile("Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	df := string(raw)
	if !regexp.MustCompile(`(?m)^HEALTHCHECK .*\n?.*"healthcheck", "http://127\.0\.0\.1:8081/readyz"`).MatchString(df) {
		t.Error("the Dockerfile declares no HEALTHCHECK running `sharedesk healthcheck` against the share server")
	}
	exposed := regexp.MustCompile(`(?m)^EXPOSE (.*)$`).FindStringSubmatch(df)
	if exposed == nil {
		t.Fatal("no EXPOSE")
	}
	for _, port := range regexp.MustCompile(`0\.0\.0\.0:(\d+)`).FindAllStringSubmatch(df, -1) {
		if !strings.Contains(exposed[1], port[1]) {
			t.Errorf("the image listens on %s, which EXPOSE (%s) does not name", port[1], exposed[1])
		}
	}

	addr, other := freeAddr(t), freeAddr(t)
	t.Setenv("SHAREDESK_SHARE_LISTEN", addr)
	t.Setenv("SHAREDESK_LISTEN", other) // the console's, in the same environment
	runShareServer(t, "--data-dir", t.TempDir())
	requireListensOnlyOn(t, addr, "SHAREDESK_SHARE_LISTEN", other, "the console's SHAREDESK_LISTEN")
}

// TestShareServerTakesShareListenFromConfig: one config file for serve and share-server puts the share
// server where serve would (share-listen), not on the console's listen.
func TestShareServerTakesShareListenFromConfig(t *testing.T) {
	addr, other := freeAddr(t), freeAddr(t)
	file := filepath.Join(t.TempDir(), "sharedesk.toml")
	if err := os.WriteFile(file, []byte("listen = \""+other+"\"\nshare-listen = \""+addr+"\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	runShareServer(t, "--data-dir", t.TempDir(), "--config", file)
	requireListensOnlyOn(t, addr, "the config's share-listen", other, "the console's listen")
}

// requireListensOnlyOn waits for share-server to answer on addr (named by setting) and fails if it also
// answers on other (named by otherSetting).
func requireListensOnlyOn(t *testing.T, addr, setting, other, otherSetting string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/healthz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("share-server does not answer on %s %s", setting, addr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if resp, err := http.Get("http://" + other + "/healthz"); err == nil {
		resp.Body.Close()
		t.Errorf("share-server answers on %s %s", otherSetting, other)
	}
}
