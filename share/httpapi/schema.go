package httpapi

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/go-openapi/jsonpointer"
	"github.com/sharedesk/sharedesk/share"
)

// field is a small JSON schema: enough to check every request of the Share API and to report each
// problem with Pangea's error codes and a JSON pointer, before the body is decoded into its Go type.
type field struct {
	kind     kind
	required bool
	min, max int  // string length in characters, array items, or integer minimum (max unused)
	wide     bool // an integer of 64 bits (byte sizes) rather than 32
	enum     []string
	items    *field
	props    map[string]*field
}

type kind int

const (
	kString kind = iota
	kInt
	kBool
	kTime
	kArray
	kObject
	kStringMap // object of string values
	kFilter    // object checked later by the listing's own filter parser
)

func str(lo, hi int) *field        { return &field{kind: kString, min: lo, max: hi} }
func integer(lo int) *field        { return &field{kind: kInt, min: lo} }
func byteCount() *field            { return &field{kind: kInt, wide: true} }
func boolean() *field              { return &field{kind: kBool} }
func datetime() *field             { return &field{kind: kTime} }
func stringMap() *field            { return &field{kind: kStringMap} }
func filterObject() *field         { return &field{kind: kFilter} }
func enum(values ...string) *field { return &field{kind: kString, enum: values} }
func array(items *field, lo, hi int) *field {
	return &field{kind: kArray, items: items, min: lo, max: hi}
}
func object(props map[string]*field) *field { return &field{kind: kObject, props: props} }
func (f *field) req() *field                { c := *f; c.required = true; return &c }

// withCommon adds the properties every request may carry: the bucket and Pangea's tenant and config ids
// (accepted so SDK requests pass; this server has one tenant).
func withCommon(props map[string]*field) *field {
	props["bucket_id"] = str(36, 36)
	props["tenant_id"] = str(1, 256)
	props["config_id"] = str(1, 256)
	return object(props)
}

// check reports every problem of v against f and returns v normalised: whole numbers sent as strings
// ("10", as Pangea's SDKs send typed filters and counts) become numbers, so every integer field of every
// endpoint takes both forms. changed is set when anything was rewritten.
func (f *field) check(v any, ptr string, errs *share.Validation, changed *bool) any {
	if v == nil {
		if f.required {
			errs.Add("FieldRequired", ptr, "is required")
		}
		return v
	}
	switch f.kind {
	case kString:
		return f.checkString(v, ptr, errs)
	case kInt:
		return f.checkInt(v, ptr, errs, changed)
	case kBool:
		return f.checkBool(v, ptr, errs)
	case kTime:
		return f.checkTime(v, ptr, errs)
	case kArray:
		return f.checkArray(v, ptr, errs, changed)
	case kObject:
		return f.checkObject(v, ptr, errs, changed)
	case kStringMap:
		return f.checkStringMap(v, ptr, errs)
	case kFilter:
		return f.checkFilter(v, ptr, errs)
	}
	return v
}

// asString is v as a string; when v is not one, it notes the error (code, detail) at ptr.
func asString(v any, ptr string, errs *share.Validation, code, detail string) (string, bool) {
	s, ok := v.(string)
	if !ok {
		errs.Add(code, ptr, detail)
	}
	return s, ok
}

// checkString checks length in characters, or membership of an enum.
func (f *field) checkString(v any, ptr string, errs *share.Validation) any {
	s, ok := asString(v, ptr, errs, "InvalidString", "must be a string")
	if !ok {
		return v
	}
	// Every text of every request, not only names and titles: an address, a tag or a metadata value
	// with a direction control would show in another order wherever it is displayed.
	if share.HasBidiControl(s) {
		errs.Add("BadFormat", ptr, share.BidiProblem)
	}
	n := utf8.RuneCountInString(s)
	if len(f.enum) > 0 {
		for _, e := range f.enum {
			if s == e {
				return v
			}
		}
		errs.Add("NotEnumMember", ptr, fmt.Sprintf("must be one of %v", f.enum))
		return v
	}
	if n < f.min {
		if n == 0 && f.required {
			errs.Add("FieldRequired", ptr, "must not be empty")
		} else {
			errs.Add("BelowMinLength", ptr, fmt.Sprintf("must have at least %d characters", f.min))
		}
	} else if f.max > 0 && n > f.max {
		errs.Add("AboveMaxLength", ptr, fmt.Sprintf("must have at most %d characters", f.max))
	}
	return v
}

// checkInt takes a JSON number or a string of digits, rewriting the latter as a number.
func (f *field) checkInt(v any, ptr string, errs *share.Validation, changed *bool) any {
	n, ok := v.(json.Number)
	if str, isStr := v.(string); isStr {
		// Only what would be a JSON integer literal: "+5" and "007" parse as numbers but are not
		// integers as the document describes them, and would make the rewritten body invalid JSON.
		if i, err := strconv.ParseInt(str, 10, 64); err == nil && strconv.FormatInt(i, 10) == str || str == "-0" {
			n, ok = json.Number(str), true
			v, *changed = n, true
		}
	}
	if !ok {
		errs.Add("BadFormat", ptr, "must be an integer")
		return v
	}
	bits := 32
	if f.wide {
		bits = 64
	}
	i, err := strconv.ParseInt(string(n), 10, bits)
	if err != nil {
		errs.Add("BadFormat", ptr, fmt.Sprintf("must be a whole number that fits in %d bits", bits))
		return v
	}
	if i < int64(f.min) {
		errs.Add("BadFormat", ptr, fmt.Sprintf("must be at least %d", f.min))
	}
	return v
}

func (f *field) checkBool(v any, ptr string, errs *share.Validation) any {
	if _, ok := v.(bool); !ok {
		errs.Add("BadFormat", ptr, "must be true or false")
	}
	return v
}

func (f *field) checkTime(v any, ptr string, errs *share.Validation) any {
	s, ok := asString(v, ptr, errs, "BadFormat", "must be an RFC 3339 date-time string")
	if !ok {
		return v
	}
	if _, err := share.ParseTime(s); err != nil {
		errs.Add("BadFormat", ptr, err.Error())
	}
	return v
}

// checkArray checks the item count, then every item.
func (f *field) checkArray(v any, ptr string, errs *share.Validation, changed *bool) any {
	list, ok := v.([]any)
	if !ok {
		errs.Add("BadFormat", ptr, "must be an array")
		return v
	}
	if len(list) < f.min {
		errs.Add("BelowMinItems", ptr, fmt.Sprintf("must have at least %d items", f.min))
	}
	if f.max > 0 && len(list) > f.max {
		errs.Add("AboveMaxItems", ptr, fmt.Sprintf("must have at most %d items", f.max))
		return v
	}
	for i, item := range list {
		if item == nil {
			errs.Add("FieldRequired", fmt.Sprintf("%s/%d", ptr, i), "must not be null")
			continue
		}
		list[i] = f.items.check(item, fmt.Sprintf("%s/%d", ptr, i), errs, changed)
	}
	return v
}

// checkObject reports unknown properties, then checks every known one in name order (so errors come
// in a stable order), present or not.
func (f *field) checkObject(v any, ptr string, errs *share.Validation, changed *bool) any {
	m, ok := v.(map[string]any)
	if !ok {
		errs.Add("BadFormat", ptr, "must be an object")
		return v
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if _, known := f.props[k]; !known {
			errs.Add("UnexpectedProperty", ptr+"/"+jsonpointer.Escape(k), fmt.Sprintf("unknown property %q", k))
		}
	}
	names := make([]string, 0, len(f.props))
	for k := range f.props {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if val, present := m[k]; present {
			m[k] = f.props[k].check(val, ptr+"/"+jsonpointer.Escape(k), errs, changed)
		} else {
			f.props[k].check(nil, ptr+"/"+jsonpointer.Escape(k), errs, changed)
		}
	}
	return v
}

// checkStringMap bounds a metadata-style object of strings.
func (f *field) checkStringMap(v any, ptr string, errs *share.Validation) any {
	m, ok := v.(map[string]any)
	if !ok {
		errs.Add("BadFormat", ptr, "must be an object of strings")
		return v
	}
	if len(m) > 64 {
		errs.Add("AboveMaxItems", ptr, "at most 64 entries")
	}
	for k, val := range m {
		if s, ok := val.(string); !ok || len(s) > 1024 || len(k) > 128 {
			errs.Add(
				"InvalidString",
				ptr+"/"+jsonpointer.Escape(k),
				"must be a string of at most 1024 bytes with a key of at most 128",
			)
		} else if share.HasBidiControl(s) || share.HasBidiControl(k) {
			errs.Add("BadFormat", ptr+"/"+jsonpointer.Escape(k), share.BidiProblem)
		}
	}
	return v
}

func (f *field) checkFilter(v any, ptr string, errs *share.Validation) any {
	if _, ok := v.(map[string]any); !ok {
		errs.Add("BadFormat", ptr, "must be an object")
	}
	return v
}

var (
	tagList    = array(str(1, 64), 0, 32)
	objectID   = str(1, 64)
	authSchema = object(
		map[string]*field{
			"auth_type":    enum(share.AuthEmailOTP, share.AuthSMSOTP, share.AuthPassword).req(),
			"auth_context": str(1, 320).req(),
		},
	)
	linkItem = object(map[string]*field{
		"targets":          array(objectID, 1, 1000).req(),
		"link_type":        enum(share.LinkDownload, share.LinkUpload, share.LinkEditor),
		"expires_at":       datetime(),
		"max_access_count": integer(1),
		"authenticators":   array(authSchema, 1, 10).req(),
		"title":            str(0, 256),
		"message":          str(0, 4096),
		"tags":             tagList,
		"send_params": object(map[string]*field{
			"recipient_email": str(0, 254), "sender_email": str(0, 254), "sender_name": str(0, 256),
		}),
		"notify_email": str(0, 254),
	})
	listProps = func() map[string]*field {
		return map[string]*field{
			"filter":   filterObject(),
			"last":     str(1, 4096),
			"order":    enum("asc", "desc"),
			"order_by": str(1, 64),
			"size":     integer(1),
			// sharedesk extension: how to count the matches (see share.CountExact and friends).
			"ext_count": enum(share.CountExact, share.CountBounded, share.CountEstimate, share.CountNone),
		}
	}
)

// Schemas of the JSON endpoints, by path under /v1.
func schemas() map[string]*field {
	return map[string]*field{
		"share/link/create": withCommon(map[string]*field{"links": array(linkItem, 1, 100).req()}),
		"share/link/get":    withCommon(map[string]*field{"id": str(1, 64).req()}),
		"share/link/list":   withCommon(listProps()),
		"share/link/delete": withCommon(map[string]*field{
			"ids": array(str(1, 64), 1, 100).req(),
			// sharedesk extension: who revokes, for the revoked links' record and history.
			"ext_revoked_by": str(0, 254),
		}),
		"share/link/send": withCommon(map[string]*field{
			"links": array(
				object(map[string]*field{"id": str(1, 64).req(), "email": str(1, 254).req()}),
				1,
				100,
			).req(),
			"sender_email": str(1, 254).req(),
			"sender_name":  str(0, 256),
			// sharedesk extension: each address can open what it was sent (see share.SendOptions).
			"ext_add_authenticators": boolean(),
		}),
		"buckets": withCommon(map[string]*field{}),
		"ext/link/events": withCommon(map[string]*field{
			"id": str(1, 64).req(), "last": str(0, 20), "size": integer(1), "order": enum("asc", "desc"),
		}),
		"ext/link/revoked/list": withCommon(map[string]*field{
			"search": array(str(1, 256), 0, 10), "last": str(1, 4096), "size": integer(1),
		}),
		"ext/link/revoked/get": withCommon(map[string]*field{"id": str(1, 64).req()}),
		"ext/link/update": withCommon(map[string]*field{
			"id": str(1, 64).req(), "expires_at": datetime(), "max_access_count": integer(1),
			"add_authenticators":    array(authSchema, 0, share.MaxAuthenticators),
			"remove_authenticators": array(authSchema, 0, share.MaxAuthenticators),
			"actor":                 str(0, 254),
		}),
		"ext/tokens/list":   withCommon(map[string]*field{}),
		"ext/tokens/create": withCommon(map[string]*field{"name": str(1, 100).req()}),
		"ext/tokens/revoke": withCommon(map[string]*field{"id": str(1, 64).req()}),
		"ext/events/list": withCommon(map[string]*field{
			"types": array(enum(share.EventTypes()...), 1, len(share.EventTypes())),
			"actor": str(1, 320), "since": datetime(),
			"size": integer(1), "last": str(0, 48), "count": boolean(),
		}),
		"folder/create": withCommon(map[string]*field{
			"name": str(0, 255), "parent_id": str(0, 64), "folder": str(0, 4096),
			"metadata": stringMap(), "tags": tagList, "file_ttl": str(0, 32),
		}),
		"put": withCommon(map[string]*field{
			"transfer_method": str(1, 32), "name": str(0, 255), "parent_id": str(0, 64), "folder": str(0, 4096),
			"size": byteCount(), "sha1": str(40, 40), "sha256": str(64, 64), "sha512": str(128, 128),
			"md5": str(32, 32), "crc32c": str(1, 8),
			"mimetype": str(0, 255), "metadata": stringMap(), "tags": tagList, "file_ttl": str(0, 32),
			// Accepted by the schema so the refusal can say why (see refuseUnsupportedPut).
			"format": str(0, 32), "password": str(0, 1024), "password_algorithm": str(0, 64),
			"source_url": str(0, 4096),
		}),
		"get": withCommon(
			map[string]*field{"id": objectID.req(), "transfer_method": str(1, 32), "password": str(0, 1024)},
		),
		"list": withCommon(func() map[string]*field {
			p := listProps()
			p["include_external_bucket_key"] = boolean()
			return p
		}()),
		"delete": withCommon(map[string]*field{"id": objectID.req(), "force": boolean()}),
		"update": withCommon(map[string]*field{
			"id": objectID.req(), "name": str(1, 255), "parent_id": str(0, 64), "folder": str(0, 4096),
			"tags": tagList, "add_tags": tagList, "remove_tags": tagList,
			"metadata": stringMap(), "add_metadata": stringMap(), "remove_metadata": stringMap(),
			"updated_at": datetime(), "file_ttl": str(0, 32),
			"add_password": str(0, 1024), "add_password_algorithm": str(0, 64), "remove_password": str(0, 1024),
		}),
		"get_archive": withCommon(map[string]*field{
			"ids": array(objectID, 1, 100).req(), "format": enum("zip", "tar"), "transfer_method": str(1, 32),
		}),
	}
}
