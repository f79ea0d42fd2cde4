package httpapi

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"unicode/utf8"

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

func str(min, max int) *field      { return &field{kind: kString, min: min, max: max} }
func integer(min int) *field       { return &field{kind: kInt, min: min} }
func byteCount() *field            { return &field{kind: kInt, wide: true} }
func boolean() *field              { return &field{kind: kBool} }
func datetime() *field             { return &field{kind: kTime} }
func stringMap() *field            { return &field{kind: kStringMap} }
func filterObject() *field         { return &field{kind: kFilter} }
func enum(values ...string) *field { return &field{kind: kString, enum: values} }
func array(items *field, min, max int) *field {
	return &field{kind: kArray, items: items, min: min, max: max}
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
		s, ok := v.(string)
		if !ok {
			errs.Add("InvalidString", ptr, "must be a string")
			return v
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
	case kInt:
		n, ok := v.(json.Number)
		if str, isStr := v.(string); isStr {
			if _, err := strconv.ParseInt(str, 10, 64); err == nil {
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
	case kBool:
		if _, ok := v.(bool); !ok {
			errs.Add("BadFormat", ptr, "must be true or false")
		}
	case kTime:
		s, ok := v.(string)
		if !ok {
			errs.Add("BadFormat", ptr, "must be an RFC 3339 date-time string")
			return v
		}
		if _, err := share.ParseTime(s); err != nil {
			errs.Add("BadFormat", ptr, err.Error())
		}
	case kArray:
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
	case kObject:
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
				errs.Add("UnexpectedProperty", ptr+"/"+escape(k), fmt.Sprintf("unknown property %q", k))
			}
		}
		names := make([]string, 0, len(f.props))
		for k := range f.props {
			names = append(names, k)
		}
		sort.Strings(names)
		for _, k := range names {
			if val, present := m[k]; present {
				m[k] = f.props[k].check(val, ptr+"/"+escape(k), errs, changed)
			} else {
				f.props[k].check(nil, ptr+"/"+escape(k), errs, changed)
			}
		}
	case kStringMap:
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
				errs.Add("InvalidString", ptr+"/"+escape(k), "must be a string of at most 1024 bytes with a key of at most 128")
			}
		}
	case kFilter:
		if _, ok := v.(map[string]any); !ok {
			errs.Add("BadFormat", ptr, "must be an object")
		}
	}
	return v
}

func escape(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '~':
			out = append(out, '~', '0')
		case '/':
			out = append(out, '~', '1')
		default:
			out = append(out, s[i])
		}
	}
	return string(out)
}

var (
	tagList    = array(str(1, 64), 0, 32)
	objectID   = str(1, 64)
	authSchema = object(map[string]*field{"auth_type": enum(share.AuthEmailOTP, share.AuthSMSOTP, share.AuthPassword).req(), "auth_context": str(1, 320).req()})
	linkItem   = object(map[string]*field{
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
		return map[string]*field{"filter": filterObject(), "last": str(1, 4096), "order": enum("asc", "desc"), "order_by": str(1, 64), "size": integer(1),
			// sharedesk extension: how to count the matches (see share.CountExact and friends).
			"ext_count": enum(share.CountExact, share.CountBounded, share.CountEstimate, share.CountNone)}
	}
)

// Schemas of the JSON endpoints, by path under /v1.
func schemas() map[string]*field {
	return map[string]*field{
		"share/link/create": withCommon(map[string]*field{"links": array(linkItem, 1, 100).req()}),
		"share/link/get":    withCommon(map[string]*field{"id": str(1, 64).req()}),
		"share/link/list":   withCommon(listProps()),
		"share/link/delete": withCommon(map[string]*field{"ids": array(str(1, 64), 1, 100).req()}),
		"share/link/send": withCommon(map[string]*field{
			"links":        array(object(map[string]*field{"id": str(1, 64).req(), "email": str(1, 254).req()}), 1, 100).req(),
			"sender_email": str(1, 254).req(),
			"sender_name":  str(0, 256),
		}),
		"buckets": withCommon(map[string]*field{}),
		"folder/create": withCommon(map[string]*field{
			"name": str(0, 255), "parent_id": str(0, 64), "folder": str(0, 4096), "metadata": stringMap(), "tags": tagList,
			"file_ttl": str(0, 32),
		}),
		"put": withCommon(map[string]*field{
			"transfer_method": str(1, 32), "name": str(0, 255), "parent_id": str(0, 64), "folder": str(0, 4096),
			"size": byteCount(), "sha1": str(40, 40), "sha256": str(64, 64), "sha512": str(128, 128), "md5": str(32, 32),
			"crc32c": str(1, 8), "mimetype": str(0, 255), "metadata": stringMap(), "tags": tagList, "file_ttl": str(0, 32),
			// Accepted by the schema so the refusal can say why (see refuseUnsupported).
			"format": str(0, 32), "password": str(0, 1024), "password_algorithm": str(0, 64), "source_url": str(0, 4096),
		}),
		"get": withCommon(map[string]*field{"id": objectID.req(), "transfer_method": str(1, 32), "password": str(0, 1024)}),
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
