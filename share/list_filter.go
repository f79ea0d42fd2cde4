package share

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/go-openapi/jsonpointer"
)

// ParseFilter turns a wire filter object ({"title__contains": ["q"], …}) into conditions, reporting
// every bad key or value with a JSON pointer under base. Numbers must arrive as json.Number.
func (s ListSpec) ParseFilter(raw map[string]any, base string, v *Validation) []Cond {
	keys := make([]string, 0, len(raw))
	for k := range raw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var conds []Cond
	for _, key := range keys {
		src := base + "/" + jsonpointer.Escape(key)
		field, op := key, OpEq
		if i := strings.LastIndex(key, "__"); i > 0 {
			field, op = key[:i], key[i+2:]
		}
		if alias, ok := s.Aliases[field]; ok {
			field = alias
		}
		kind, ok := s.Fields[field]
		if !ok || !opAllowed(kind, op) {
			v.Add("UnexpectedProperty", src, fmt.Sprintf("unknown filter %q", key))
			continue
		}
		if kind == KindTags {
			op = OpAll
		}
		c := Cond{Field: field, Op: op}
		val := raw[key]
		switch op {
		case OpContains, OpIn, OpAll:
			list, ok := val.([]any)
			if !ok {
				if str, isStr := val.(string); isStr && op != OpIn {
					list = []any{str} // one substring given bare: accept it as a list of one
				} else {
					v.Add("BadFormat", src, "must be an array of strings")
					continue
				}
			}
			if len(list) == 0 {
				v.Add("BelowMinItems", src, "must not be empty")
				continue
			}
			if len(list) > 100 {
				v.Add("AboveMaxItems", src, "at most 100 values")
				continue
			}
			for i, item := range list {
				str, ok := item.(string)
				if kind == KindPerson && ok {
					str = strings.TrimSpace(str)
				}
				if !ok || str == "" {
					v.Add("InvalidString", fmt.Sprintf("%s/%d", src, i), "must be a non-empty string")
					continue
				}
				c.Values = append(c.Values, str)
			}
		default:
			val, err := scalar(kind, val)
			if err != nil {
				code := "BadFormat"
				if kind == KindActivity {
					code = "NotEnumMember"
				}
				v.Add(code, src, err.Error())
				continue
			}
			c.Values = []any{val}
		}
		conds = append(conds, c)
	}
	return conds
}

func opAllowed(kind FieldKind, op string) bool {
	switch kind {
	case KindText:
		return op == OpEq || op == OpContains || op == OpIn
	case KindNumber, KindTime:
		return op == OpEq || op == OpGt || op == OpGte || op == OpLt || op == OpLte
	case KindTags:
		return op == OpEq
	case KindPerson:
		return op == OpContains
	case KindActivity, KindBool:
		return op == OpEq
	}
	return false
}

func scalar(kind FieldKind, val any) (any, error) {
	switch kind {
	case KindText:
		s, ok := val.(string)
		if !ok {
			return nil, fmt.Errorf("must be a string")
		}
		return s, nil
	case KindBool:
		if b, ok := val.(bool); ok {
			return b, nil
		}
		return nil, fmt.Errorf("must be true or false")
	case KindActivity:
		s, _ := val.(string)
		switch s {
		case ActivityOpened, ActivityNeverOpened, ActivityDownloaded:
			return s, nil
		}
		return nil, fmt.Errorf("must be %s, %s or %s", ActivityOpened, ActivityNeverOpened, ActivityDownloaded)
	case KindNumber:
		if f, ok := val.(float64); ok { // decoded without UseNumber
			if f != float64(int64(f)) {
				return nil, fmt.Errorf("must be an integer")
			}
			return int64(f), nil
		}
		n, ok := val.(json.Number)
		if str, isStr := val.(string); isStr {
			// Pangea's SDKs send typed range filters as strings ("access_count__gt": "3").
			n, ok = json.Number(str), true
		}
		if !ok {
			return nil, fmt.Errorf("must be an integer")
		}
		i, err := strconv.ParseInt(string(n), 10, 64)
		if err != nil {
			return nil, fmt.Errorf("must be an integer")
		}
		return i, nil
	case KindTime:
		s, ok := val.(string)
		if !ok {
			return nil, fmt.Errorf("must be an RFC 3339 date-time string")
		}
		t, err := ParseTime(s)
		if err != nil {
			return nil, err
		}
		return Micros(t), nil
	}
	return nil, fmt.Errorf("unsupported")
}

// ParseTime parses an RFC 3339 date-time, with or without fractional seconds.
func ParseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("must be an RFC 3339 date-time such as 2026-01-02T15:04:05Z")
	}
	return t.UTC(), nil
}
