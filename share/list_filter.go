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
		field, op, kind, ok := s.filterKey(key)
		if !ok {
			v.Add("UnexpectedProperty", src, fmt.Sprintf("unknown filter %q", key))
			continue
		}
		var values []any
		switch op {
		case OpContains, OpIn, OpAll:
			values, ok = listValues(kind, op, raw[key], src, v)
		default:
			values, ok = scalarValue(kind, raw[key], src, v)
		}
		if ok {
			conds = append(conds, Cond{Field: field, Op: op, Values: values})
		}
	}
	return conds
}

// filterKey splits a wire key ("title__contains") into its field, resolving aliases, and operator
// (OpEq when none is given). ok is false for a field the listing does not have, or an operator its
// kind does not take. A tags filter always asks for all of the given tags.
func (s ListSpec) filterKey(key string) (field, op string, kind FieldKind, ok bool) {
	field, op = key, OpEq
	if i := strings.LastIndex(key, "__"); i > 0 {
		field, op = key[:i], key[i+2:]
	}
	if alias, aliased := s.Aliases[field]; aliased {
		field = alias
	}
	kind, ok = s.Fields[field]
	if !ok || !opAllowed(kind, op) {
		return "", "", kind, false
	}
	if kind == KindTags {
		op = OpAll
	}
	return field, op, kind, true
}

// listValues reads the values of a list operator (contains, in, all). A bad list is refused whole
// (ok false); a bad item is reported and left out, and the others still filter.
func listValues(kind FieldKind, op string, val any, src string, v *Validation) (values []any, ok bool) {
	list, ok := val.([]any)
	if !ok {
		if str, isStr := val.(string); isStr && op != OpIn {
			list = []any{str} // one substring given bare: accept it as a list of one
		} else {
			v.Add("BadFormat", src, "must be an array of strings")
			return nil, false
		}
	}
	if len(list) == 0 {
		v.Add("BelowMinItems", src, "must not be empty")
		return nil, false
	}
	if len(list) > 100 {
		v.Add("AboveMaxItems", src, "at most 100 values")
		return nil, false
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
		values = append(values, str)
	}
	return values, true
}

// scalarValue reads the one value of a comparison (eq, gt, gte, lt, lte), reporting a bad one.
func scalarValue(kind FieldKind, val any, src string, v *Validation) ([]any, bool) {
	val, err := scalar(kind, val)
	if err != nil {
		code := "BadFormat"
		if kind == KindActivity {
			code = "NotEnumMember"
		}
		v.Add(code, src, err.Error())
		return nil, false
	}
	return []any{val}, true
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
