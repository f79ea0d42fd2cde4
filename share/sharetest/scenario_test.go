package sharetest

import (
	"encoding/json"
	"testing"
)

func TestPointer(t *testing.T) {
	var doc any
	if err := json.Unmarshal([]byte(`{"result":{"count":3,"a/b":{"~x":true},"items":[{"id":"one"}],"kind":null}}`), &doc); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		ptr    string
		want   string
		wantOK bool
	}{
		{"/result/count", "3", true},
		{"/result/a~1b/~0x", "true", true},
		{"/result/items/0/id", `"one"`, true},
		{"/result/kind", "null", true},
		{"/result/items/1", "null", false},
		{"/result/items/x", "null", false},
		{"/result/missing", "null", false},
		{"/result/count/deeper", "null", false},
		{"result", "null", false},
	} {
		got, ok := Pointer(doc, tc.ptr)
		if asJSON(got) != tc.want || ok != tc.wantOK {
			t.Errorf("Pointer(%q): got %s, %v; want %s, %v", tc.ptr, asJSON(got), ok, tc.want, tc.wantOK)
		}
	}
}

func TestFieldErrorMatches(t *testing.T) {
	entry := map[string]any{"code": "BadState", "source": "/expires_at", "detail": "must be in the future"}
	for _, tc := range []struct {
		fe   FieldError
		want bool
	}{
		{FieldError{Code: "BadState", Source: "/expires_at", Detail: "in the future"}, true},
		{FieldError{Source: "/expires_at"}, true},
		{FieldError{Code: "BadFormat", Source: "/expires_at"}, false},
		{FieldError{Code: "BadState", Source: "/max_access_count"}, false},
		{FieldError{Code: "BadState", Source: "/expires_at", Detail: "in the past"}, false},
		{FieldError{Code: "BadState"}, false}, // "" is the request as a whole, not any field
	} {
		if got := tc.fe.matches(entry); got != tc.want {
			t.Errorf("%+v matches %v: got %v, want %v", tc.fe, entry, got, tc.want)
		}
	}
}
