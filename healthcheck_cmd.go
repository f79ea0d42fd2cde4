package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"
)

// cmdHealthcheck asks a /healthz or /readyz URL and succeeds only on a 2xx answer, for container health
// checks in images that have no curl.
func cmdHealthcheck(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("healthcheck", stdout)
	timeout := fs.Duration("timeout", 5*time.Second, "how long to wait for an answer")
	target, err := parseWithArg(
		fs,
		args,
		"usage: sharedesk healthcheck [--timeout 5s] URL (e.g. http://127.0.0.1:8081/readyz)",
	)
	if err != nil {
		return err
	}
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("healthcheck needs an http(s) URL, got %q", target)
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	// A redirect (e.g. to a sign-in page) is not health: answer on the status itself.
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("unhealthy: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("unhealthy: %s answered %d: %s", u.Redacted(), resp.StatusCode, body)
	}
	fmt.Fprintf(stdout, "healthy: %s answered %d\n", u.Redacted(), resp.StatusCode)
	return nil
}
