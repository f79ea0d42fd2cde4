package share

import (
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzParseFilter feeds arbitrary JSON filters to both listings' parsers: they must never panic, and
// every condition they return must name a known field with a value of the right type.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{
		`{"title":"x"}`, `{"title__contains":["a","b"]}`, `{"id__in":[]}`, `{"access_count__gt":1.5}`,
		`{"created_at__lte":"2026-01-01T00:00:00Z"}`, `{"tags":["a"]}`, `{"tags":"a"}`, `{"target":"pos_x"}`,
		`{"__":1}`, `{"a__b__c":1}`, `{"size__gte":-9223372036854775808}`, `{"folder":"/a/b"}`,
		`{"ext_person__contains":["KIM@Partner"," +1 555 "]}`, `{"ext_person":"x"}`, `{"ext_activity":"opened"}`,
		`{"ext_activity":["opened"]}`, `{"ext_person__contains":"  "}`,
	} {
		f.Add(s)
	}
	specs := []ListSpec{LinkListSpec(), ObjectListSpec()}
	f.Fuzz(func(t *testing.T, raw string) {
		dec := json.NewDecoder(bytes.NewReader([]byte(raw)))
		dec.UseNumber()
		var m map[string]any
		if dec.Decode(&m) != nil {
			return
		}
		for _, spec := range specs {
			var v Validation
			for _, c := range spec.ParseFilter(m, "/filter", &v) {
				kind, ok := spec.Fields[c.Field]
				if !ok {
					t.Fatalf("condition on unknown field %q", c.Field)
				}
				for _, val := range c.Values {
					switch val.(type) {
					case string:
						if kind == KindNumber || kind == KindTime {
							t.Fatalf("%s: string value for a numeric field", c.Field)
						}
					case int64:
						if kind == KindText || kind == KindTags {
							t.Fatalf("%s: number value for a text field", c.Field)
						}
					default:
						t.Fatalf("%s: value of type %T", c.Field, val)
					}
				}
			}
		}
	})
}

// FuzzDecodeCursor checks that no forged cursor is accepted and none panics.
func FuzzDecodeCursor(f *testing.F) {
	keys, err := NewKeys(bytes.Repeat([]byte{7}, 32))
	if err != nil {
		f.Fatal(err)
	}
	q := ListQuery{BucketID: "pro_x", OrderBy: "created_at", Conds: []Cond{{Field: "title", Op: OpEq, Values: []any{"a"}}}}
	good := keys.encodeCursor(q, Position{Value: int64(42), ID: "psl_a"})
	f.Add(good)
	f.Add(good[:len(good)-1])
	f.Add("e30.AAAAAAAAAAAAAAAAAAAAAA")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		p, err := keys.decodeCursor(q, KindTime, s)
		if err != nil {
			return
		}
		if s != good {
			// A different string can only verify if it decodes to the same payload; the MAC forbids anything else.
			payload, _, _ := bytes.Cut([]byte(s), []byte("."))
			goodPayload, _, _ := bytes.Cut([]byte(good), []byte("."))
			if !bytes.Equal(payload, goodPayload) {
				t.Fatalf("forged cursor %q accepted as %+v", s, p)
			}
		}
		if _, ok := p.Value.(int64); !ok {
			t.Fatalf("cursor value of type %T for a time field", p.Value)
		}
	})
}
