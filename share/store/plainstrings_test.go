package store

import (
	"encoding/json"
	"reflect"
	"testing"
)

// plainStrings must agree with encoding/json on everything it accepts, and leave the rest to it.
func TestPlainStrings(t *testing.T) {
	for _, raw := range []string{`[]`, `["pos_abc"]`, `["a","b"]`, `["a", "b"]`, `["a\"b"]`, `["a\\b"]`, `["\u00e9"]`,
		`["é"]`, `["a,b"]`, `[1]`, `[""]`, `["a"`, `null`, `["a",]`} {
		got, ok := plainStrings(raw)
		var want []string
		err := json.Unmarshal([]byte(raw), &want)
		if ok && (err != nil || !reflect.DeepEqual(got, want)) {
			t.Errorf("plainStrings(%s) got %q, json says %q (%v)", raw, got, want, err)
		}
	}
	for _, raw := range []string{`[]`, `["pos_abc"]`, `["a","b"]`} {
		if _, ok := plainStrings(raw); !ok {
			t.Errorf("plainStrings(%s) should take the fast path", raw)
		}
	}
}
