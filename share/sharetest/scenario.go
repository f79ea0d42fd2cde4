package sharetest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/go-openapi/jsonpointer"
)

// Scenario is one exchange with a running server written as a specification: what is sent, the status
// and body fragments that must come back, and hooks to prepare state before and to check side effects
// after. Tables of scenarios replace long stories, so each case can be read on its own.
type Scenario struct {
	Name   string
	Method string // POST when empty: every Share API endpoint is a POST
	Path   string
	Body   string            // JSON for the API; sent as application/json unless Header sets Content-Type
	Token  *string           // nil sends the environment's service token; "" sends none
	Header map[string]string // extra request headers

	WantStatus     int
	WantContent    []string // fragments the body must contain
	NotWantContent []string // fragments the body must not contain (secrets, other tenants' data)
	// WantJSON maps a JSON Pointer (RFC 6901, "/result/count") to the value the JSON body holds there,
	// compared as JSON (so 5 matches 5.0). A nil value means the member is absent or null: fragments
	// cannot say that a field is missing, nor tell "count":1 from "count":12.
	WantJSON map[string]any
	// WantErrors are entries result.errors must hold, each matched by one entry on its own, so that a
	// code, the field it names and what it says are checked together.
	WantErrors []FieldError

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
	if len(s.WantJSON) > 0 || len(s.WantErrors) > 0 {
		s.checkJSON(t, method, raw)
	}
	if s.After != nil {
		s.After(t, e, res, body)
	}
}

// FieldError is an entry of the envelope's result.errors, as Pangea lists what is wrong with a request.
type FieldError struct {
	Code   string // "" matches any code
	Source string // the JSON Pointer of the field at fault; "" for the request as a whole
	Detail string // a fragment of what the entry says; "" matches anything
}

func (s Scenario) checkJSON(t *testing.T, method string, raw []byte) {
	t.Helper()
	var doc any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Errorf("%s %s: body is not JSON: %v; body: %.600s", method, s.Path, err, raw)
		return
	}
	for ptr, want := range s.WantJSON {
		got, _ := Pointer(doc, ptr)
		if g, w := asJSON(got), asJSON(want); g != w {
			t.Errorf("%s %s: %s is %s, want %s", method, s.Path, ptr, g, w)
		}
	}
	listed, _ := Pointer(doc, "/result/errors")
	entries, _ := listed.([]any)
	for _, want := range s.WantErrors {
		if !slices.ContainsFunc(entries, want.matches) {
			t.Errorf("%s %s: result.errors lacks %+v; got %s", method, s.Path, want, asJSON(listed))
		}
	}
}

func (fe FieldError) matches(entry any) bool {
	m, _ := entry.(map[string]any)
	source, _ := m["source"].(string)
	detail, _ := m["detail"].(string)
	return source == fe.Source && (fe.Code == "" || m["code"] == fe.Code) && strings.Contains(detail, fe.Detail)
}

// Pointer resolves a JSON Pointer (RFC 6901) in a decoded JSON document; ok is false where it leads nowhere.
func Pointer(doc any, ptr string) (v any, ok bool) {
	p, err := jsonpointer.New(ptr)
	if err != nil {
		return nil, false
	}
	v, _, err = p.Get(doc)
	return v, err == nil
}

func asJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprintf("%#v (not JSON: %v)", v, err)
	}
	return string(b)
}
