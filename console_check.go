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

// run checks in two steps so the token never goes to something that is not a Share API: first a
// request without it (a Share API answers 401 with its JSON envelope), then `buckets` with it.
func (c apiCheck) run(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
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
		problem := "the share API cannot be reached"
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			problem = "the share API did not answer in time"
		}
		return &apiProblem{Setting: c.urlSetting, Problem: problem, Detail: err.Error()}
	}
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	var env struct {
		RequestID string `json:"request_id"`
		Status    string `json:"status"`
	}
	if json.Unmarshal(raw, &env) != nil || env.Status == "" || env.RequestID == "" {
		return &apiProblem{
			Setting: c.urlSetting,
			Problem: "does not answer as a Share API (the token was not sent to it)",
			Detail: fmt.Sprintf(
				"POST %s/v1/buckets answered HTTP %d %s",
				c.client.BaseURL,
				resp.StatusCode,
				resp.Header.Get("Content-Type"),
			),
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
		return &apiProblem{
			Setting: c.urlSetting,
			Problem: "the share API failed the first request",
			Detail:  err.Error(),
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
		err := r.check.run(req.Context())
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
