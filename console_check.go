package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/sharedesk/sharedesk/api"
)

// apiProblem is a console setting that does not work: which setting, what is wrong with it (safe to
// show on /readyz), and the details for the operator's log.
type apiProblem struct {
	Setting, Problem, Detail string
}

func (p *apiProblem) Error() string {
	if p.Detail == "" {
		return p.Setting + ": " + p.Problem
	}
	return p.Setting + ": " + p.Problem + " (" + p.Detail + ")"
}

// apiCheck checks the console's line to the share API: the address, that it is a Share API, and that
// the token is accepted. The settings are named as the operator gave them.
type apiCheck struct {
	client                   *api.Client
	urlSetting, tokenSetting string
}

// validateAPIURL accepts only absolute http(s) URLs without credentials, query or fragment.
func validateAPIURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Hostname() == "" {
		return &apiProblem{
			Setting: "--api-url",
			Problem: fmt.Sprintf("%q is not an http:// or https:// address (e.g. https://share.example.com)", raw),
		}
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return &apiProblem{
			Setting: "--api-url",
			Problem: "must be a plain base address, without credentials, query or fragment",
		}
	}
	return nil
}

// run checks the line to the API. At start (probe) it goes in two steps so the token never goes to
// something that is not a Share API: first a request without it, which a Share API answers with a 401 in
// its JSON envelope and a request id of its own kind, then `buckets` with the token. While running, the
// address is the one already checked, so only the second step runs (the first would put a refused-token
// line in the share server's log at every probe).
func (c apiCheck) run(ctx context.Context, probe bool) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if c.client.TokenFile != nil {
		if err := c.client.TokenFile.Err(); err != nil {
			return &apiProblem{
				Setting: c.tokenSetting,
				Problem: "the service token file cannot be used " +
					"(the token read earlier is still in use; a restart would fail)",
				Detail: err.Error(),
			}
		}
	}
	if probe {
		if err := c.probe(ctx); err != nil {
			return err
		}
	}
	if _, err := c.client.Buckets(ctx); err != nil {
		var ae *api.Error
		if errors.As(err, &ae) && ae.HTTPStatus == http.StatusUnauthorized {
			return &apiProblem{
				Setting: c.tokenSetting,
				Problem: "the share API refused the service token (unknown or revoked): create one with `sharedesk " +
					"token create --name console`",
				Detail: "token " + c.fingerprint(),
			}
		}
		if !errors.As(err, &ae) {
			return &apiProblem{Setting: c.urlSetting, Problem: unreachable(err), Detail: err.Error()}
		}
		return &apiProblem{
			Setting: c.urlSetting,
			Problem: "the share API failed the first request",
			Detail:  err.Error(),
		}
	}
	return nil
}

// unreachable words a failure to get any answer.
func unreachable(err error) string {
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return "the share API did not answer in time"
	}
	return "the share API cannot be reached"
}

// probe asks without the token and accepts only what a Share API answers: 401 Unauthorized in its
// envelope, with a prq_ request id. A redirect is refused, not followed.
func (c apiCheck) probe(ctx context.Context) error {
	req, err := http.NewRequestWithContext(
		ctx,
		http.MethodPost,
		c.client.BaseURL+"/v1/buckets",
		strings.NewReader("{}"),
	)
	if err != nil {
		return &apiProblem{Setting: c.urlSetting, Problem: "is not a usable address", Detail: err.Error()}
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.client.HTTP.Do(req)
	if err != nil {
		return &apiProblem{Setting: c.urlSetting, Problem: unreachable(err), Detail: err.Error()}
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode/100 == 3 {
		return &apiProblem{
			Setting: c.urlSetting,
			Problem: "answers with a redirect; give the address it redirects to (the token was not sent)",
			Detail:  fmt.Sprintf("HTTP %d to %s", resp.StatusCode, loc),
		}
	}
	var env struct {
		RequestID string `json:"request_id"`
		Status    string `json:"status"`
	}
	if resp.StatusCode != http.StatusUnauthorized || json.Unmarshal(raw, &env) != nil || env.Status != "Unauthorized" ||
		!strings.HasPrefix(env.RequestID, "prq_") {
		return &apiProblem{
			Setting: c.urlSetting,
			Problem: "does not answer as a Share API (the token was not sent to it)",
			Detail: fmt.Sprintf(
				"POST %s/v1/buckets without a token answered HTTP %d %s",
				c.client.BaseURL,
				resp.StatusCode,
				resp.Header.Get("Content-Type"),
			),
		}
	}
	return nil
}

func (c apiCheck) fingerprint() string {
	if c.client.TokenFile != nil {
		return api.Fingerprint(c.client.TokenFile.Token())
	}
	return api.Fingerprint(c.client.Token)
}

// readiness answers /readyz with the same check, at most once every few seconds (the endpoint needs
// no sign-in, so it must not let anyone drive calls to the API).
type readiness struct {
	check apiCheck
	log   *slog.Logger
	every time.Duration

	mu      sync.Mutex
	at      time.Time
	lastErr error
}

func (r *readiness) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	if time.Since(r.at) >= r.every {
		err := r.check.run(req.Context(), false)
		if err != nil && (r.lastErr == nil || err.Error() != r.lastErr.Error()) {
			r.log.WarnContext(req.Context(), "console not ready", "err", err.Error())
		}
		r.at, r.lastErr = time.Now(), err
	}
	err := r.lastErr
	r.mu.Unlock()
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if err != nil {
		w.WriteHeader(http.StatusServiceUnavailable)
		msg := err.Error()
		var p *apiProblem
		if errors.As(err, &p) {
			msg = p.Setting + ": " + p.Problem
		}
		fmt.Fprintln(w, "not ready: "+msg)
		return
	}
	fmt.Fprintln(w, "ready")
}

// withProbes serves /healthz and /readyz beside the console.
func withProbes(console http.Handler, ready http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/", console)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	mux.Handle("GET /readyz", ready)
	return mux
}
