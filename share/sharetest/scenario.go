package sharetest

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
)

// Scenario is one exchange with a running server written as a specification: what is sent, the status
// and body fragments that must come back, and hooks to prepare state before and to check side effects
// after. Tables of scenarios replace long stories, so each case can be read on its own.
type Scenario struct {
	Name   string
	Method string // POST when empty: every Share API endpoint is a POST
	Path   string
	Body   string            // JSON for the API; sent as application/json
	Token  *string           // nil sends the environment's service token; "" sends none
	Header map[string]string // extra request headers

	WantStatus     int
	WantContent    []string // fragments the body must contain
	NotWantContent []string // fragments the body must not contain (secrets, other tenants' data)

	Before func(t *testing.T, e *Env)
	After  func(t *testing.T, e *Env, res *http.Response, body string)
}

// Run runs each scenario as a subtest against e, in order (later scenarios may depend on earlier).
func Run(t *testing.T, e *Env, scenarios []Scenario) {
	t.Helper()
	for _, s := range scenarios {
		t.Run(s.Name, func(t *testing.T) { s.Test(t, e) })
	}
}

// Test sends the scenario's request and checks what came back.
func (s Scenario) Test(t *testing.T, e *Env) {
	t.Helper()
	if s.Before != nil {
		s.Before(t, e)
	}
	method := s.Method
	if method == "" {
		method = http.MethodPost
	}
	req, err := http.NewRequestWithContext(context.Background(), method, e.URL+s.Path, strings.NewReader(s.Body))
	if err != nil {
		t.Fatal(err)
	}
	if s.Body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	token := e.Token
	if s.Token != nil {
		token = *s.Token
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range s.Header {
		req.Header.Set(k, v)
	}
	res, err := e.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	body := string(raw)
	if res.StatusCode != s.WantStatus {
		t.Errorf("%s %s: status %d, want %d; body: %.600s", method, s.Path, res.StatusCode, s.WantStatus, body)
	}
	for _, want := range s.WantContent {
		if !strings.Contains(body, want) {
			t.Errorf("%s %s: body lacks %q; body: %.600s", method, s.Path, want, body)
		}
	}
	for _, unwanted := range s.NotWantContent {
		if strings.Contains(body, unwanted) {
			t.Errorf("%s %s: body contains %q, which it must not", method, s.Path, unwanted)
		}
	}
	if s.After != nil {
		s.After(t, e, res, body)
	}
}
