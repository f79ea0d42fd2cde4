package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/sharedesk/sharedesk/api"
)

// TestOpenAPIMatchesRequestSchemas compares the document with the schemas the server checks requests
// against: the same endpoints, properties, required fields, lengths, limits and enums. The API tests
// catch drift in what they send and receive; this catches it in fields no test happens to send.
func TestOpenAPIMatchesRequestSchemas(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	server := schemas()
	var documented []string
	for path, item := range doc.Paths.Map() {
		if item.Post != nil && len(item.Servers) == 0 {
			documented = append(documented, strings.TrimPrefix(path, "/"))
		}
	}
	var served []string
	for name := range server {
		served = append(served, name)
	}
	sort.Strings(documented)
	sort.Strings(served)
	if !slices.Equal(documented, served) {
		t.Errorf("endpoints: the document has %v, the server %v", documented, served)
	}
	for name, f := range server {
		item := doc.Paths.Value("/" + name)
		if item == nil || item.Post == nil || item.Post.RequestBody == nil {
			continue
		}
		content := item.Post.RequestBody.Value.Content
		var bodies []*openapi3.Schema
		if mt := content.Get("application/json"); mt != nil {
			bodies = append(bodies, baseSchema(mt.Schema.Value))
		} else {
			t.Errorf("%s: no JSON request body in the document", name)
		}
		if name == "put" {
			// put's multipart request part carries the same options as its JSON body.
			if mt := content.Get("multipart/form-data"); mt != nil && mt.Schema.Value.Properties["request"] != nil {
				bodies = append(bodies, baseSchema(mt.Schema.Value.Properties["request"].Value))
			} else {
				t.Errorf("%s: no multipart request part in the document", name)
			}
		}
		for _, s := range bodies {
			var diffs []string
			compareSchema(f, s, "", &diffs)
			for _, d := range diffs {
				t.Errorf("%s: %s", name, d)
			}
		}
	}
}

// baseSchema returns the schema a request body is built on: for allOf [base, narrowing] the base,
// which holds every property; the narrowing (put's transfer_method per body) only refuses more, as the
// server does after its first check.
func baseSchema(s *openapi3.Schema) *openapi3.Schema {
	if s.Type == nil && len(s.AllOf) > 0 && s.AllOf[0].Value != nil {
		return s.AllOf[0].Value
	}
	return s
}

func compareSchema(f *field, s *openapi3.Schema, ptr string, diffs *[]string) {
	fail := func(format string, args ...any) {
		*diffs = append(*diffs, fmt.Sprintf("%s: ", ptr)+fmt.Sprintf(format, args...))
	}
	if s == nil {
		fail("missing in the document")
		return
	}
	typ := func(want string) bool {
		if s.Type == nil || !s.Type.Is(want) {
			fail("document type %v, server %s", s.Type, want)
			return false
		}
		return true
	}
	switch f.kind {
	case kString:
		if !typ("string") {
			return
		}
		if len(f.enum) > 0 {
			var got []string
			for _, e := range s.Enum {
				got = append(got, fmt.Sprint(e))
			}
			if !slices.Equal(sortedCopy(got), sortedCopy(f.enum)) {
				fail("document enum %v, server %v", got, f.enum)
			}
			return
		}
		if len(s.Enum) > 0 {
			// order_by and transfer_method are plain strings to the first check and are matched
			// against their lists later (listing spec, handler): each listed value must pass the first.
			for _, e := range s.Enum {
				if n := len([]rune(fmt.Sprint(e))); n < f.min || (f.max > 0 && n > f.max) {
					fail("document enum value %q is outside the server's %d..%d characters", e, f.min, f.max)
				}
			}
			return
		}
		if s.MinLength != uint64(f.min) {
			fail("document minLength %d, server %d", s.MinLength, f.min)
		}
		if got := maxOf(s.MaxLength); got != uint64(f.max) {
			fail("document maxLength %d, server %d", got, f.max)
		}
	case kInt:
		// Every integer of a request may also be sent as a string of digits.
		if s.Type == nil || !s.Type.Includes("integer") || !s.Type.Includes("string") || s.Pattern == "" {
			fail("document type %v, server an integer or a string of digits", s.Type)
			return
		}
		if s.Min == nil || *s.Min != float64(f.min) {
			fail("document minimum %v, server %d", s.Min, f.min)
		}
		maxInt := float64(math.MaxInt32)
		if f.wide {
			maxInt = math.MaxInt64
		}
		if s.Max == nil || *s.Max != maxInt {
			fail("document maximum %v, server %.0f", s.Max, maxInt)
		}
	case kBool:
		typ("boolean")
	case kTime:
		if typ("string") && s.Format != "date-time" {
			fail("document format %q, server date-time", s.Format)
		}
	case kArray:
		if !typ("array") {
			return
		}
		if s.MinItems != uint64(f.min) || maxOf(s.MaxItems) != uint64(f.max) {
			fail("document items %d..%d, server %d..%d", s.MinItems, maxOf(s.MaxItems), f.min, f.max)
		}
		if s.Items == nil {
			fail("no items in the document")
			return
		}
		compareSchema(f.items, s.Items.Value, ptr+"/0", diffs)
	case kObject:
		if !typ("object") {
			return
		}
		if s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has {
			fail("the document must refuse unknown properties, as the server does")
		}
		var docProps, srvProps []string
		for k := range s.Properties {
			docProps = append(docProps, k)
		}
		for k := range f.props {
			srvProps = append(srvProps, k)
		}
		if !slices.Equal(sortedCopy(docProps), sortedCopy(srvProps)) {
			fail("document properties %v, server %v", sortedCopy(docProps), sortedCopy(srvProps))
		}
		var srvRequired []string
		for k, p := range f.props {
			if p.required {
				srvRequired = append(srvRequired, k)
			}
		}
		if !slices.Equal(sortedCopy(s.Required), sortedCopy(srvRequired)) {
			fail("document requires %v, server %v", sortedCopy(s.Required), sortedCopy(srvRequired))
		}
		for k, p := range f.props {
			ds := s.Properties[k]
			if ds == nil {
				continue
			}
			// The server takes null for an optional property as if it were absent, and refuses it
			// for a required one.
			inner, nullable := unwrapNull(ds.Value)
			if nullable == p.required {
				*diffs = append(*diffs, fmt.Sprintf("%s/%s: document allows null %v, server %v", ptr, k, nullable, !p.required))
			}
			compareSchema(p, inner, ptr+"/"+k, diffs)
		}
	case kStringMap:
		if !typ("object") {
			return
		}
		v := s.AdditionalProperties.Schema
		if s.MaxProps == nil || *s.MaxProps != 64 || v == nil || maxOf(v.Value.MaxLength) != 1024 {
			fail("the document's map must allow 64 string entries of at most 1024")
		}
	case kFilter:
		typ("object")
	}
}

// unwrapNull returns s without the {"type": "null"} alternative of anyOf [s, null], and whether it had one.
func unwrapNull(s *openapi3.Schema) (*openapi3.Schema, bool) {
	if len(s.AnyOf) != 2 {
		return s, false
	}
	for i, alt := range s.AnyOf {
		if alt.Value.Type != nil && alt.Value.Type.Is("null") {
			return s.AnyOf[1-i].Value, true
		}
	}
	return s, false
}

func maxOf(p *uint64) uint64 {
	if p == nil {
		return 0
	}
	return *p
}

func sortedCopy(s []string) []string {
	c := slices.Clone(s)
	sort.Strings(c)
	return c
}

// TestIntegersAsStringsAgree sends every request integer as numbers and strings to the server's own
// check and to the document's schema of the same body: whatever the server takes the document must
// take, and what the document takes the server must take too, except a string of digits too large
// for the field (a pattern cannot bound a number).
func TestIntegersAsStringsAgree(t *testing.T) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(OpenAPI())
	if err != nil {
		t.Fatal(err)
	}
	fields := []struct {
		endpoint, body string // body has %s where the integer goes
		bits           int
		into           func() any
	}{
		{"share/link/list", `{"size":%s}`, 32, func() any { return new(api.LinkListRequest) }},
		{"list", `{"size":%s}`, 32, func() any { return new(api.ListRequest) }},
		{"share/link/create", `{"links":[{"targets":["pos_x"],"authenticators":[{"auth_type":"password","auth_context":"12345678"}],"max_access_count":%s}]}`,
			32, func() any { return new(api.LinkCreateRequest) }},
		{"put", `{"transfer_method":"put-url","name":"a.bin","size":%s}`, 64, func() any { return new(api.PutRequest) }},
	}
	values := []string{`10`, `"10"`, `0`, `"0"`, `"-0"`, `-1`, `"-1"`, `"+5"`, `"007"`, `"1.5"`, `1.5`, `""`, `" 1"`, `"1e3"`,
		`"ten"`, `2147483647`, `"2147483647"`, `2147483648`, `"2147483648"`, `"9223372036854775807"`, `"9223372036854775808"`, `true`}
	server := schemas()
	for _, f := range fields {
		body := doc.Paths.Value("/" + f.endpoint).Post.RequestBody.Value.Content.Get("application/json").Schema.Value
		for _, v := range values {
			raw := fmt.Sprintf(f.body, v)
			serverErr := decodeJSON([]byte(raw), server[f.endpoint], f.into())
			var value any
			if err := json.Unmarshal([]byte(raw), &value); err != nil {
				t.Fatal(err)
			}
			docErr := body.VisitJSON(value, openapi3.EnableJSONSchema2020())
			s, isString := strings.CutPrefix(v, `"`)
			_, rangeErr := strconv.ParseInt(strings.TrimSuffix(s, `"`), 10, f.bits)
			tooLarge := isString && errors.Is(rangeErr, strconv.ErrRange)
			switch {
			case serverErr == nil && docErr != nil:
				t.Errorf("%s %s: the server takes it, the document refuses it: %v", f.endpoint, raw, docErr)
			case serverErr != nil && docErr == nil && !tooLarge:
				t.Errorf("%s %s: the document takes it, the server refuses it: %v", f.endpoint, raw, serverErr)
			}
		}
	}
}
