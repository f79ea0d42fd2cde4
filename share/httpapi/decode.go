package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/go-openapi/jsonpointer"
	"github.com/sharedesk/sharedesk/share"
)

// decode reads a request whose whole body is JSON: one declaring a length over maxJSON is refused
// before anything is read.
func (s *Server) decode(r *http.Request, schemaName string, out any) error {
	if r.ContentLength > s.maxJSON {
		return share.Invalid("AboveMaxLength", "", fmt.Sprintf("the request body is larger than %d bytes", s.maxJSON))
	}
	return s.decodeJSONPart(r.Body, schemaName, out)
}

// decodeJSONPart reads JSON of at most maxJSON bytes from body, checks it against the endpoint's schema
// and decodes it into out. Every problem becomes a ValidationError. It never looks at the request's
// Content-Length: in a multipart upload that counts the file too, which --max-upload-size limits.
func (s *Server) decodeJSONPart(body io.Reader, schemaName string, out any) error {
	raw, err := io.ReadAll(io.LimitReader(body, s.maxJSON+1))
	if err != nil {
		return share.Invalid("BadFormat", "", "the request body could not be read")
	}
	if int64(len(raw)) > s.maxJSON {
		return share.Invalid("AboveMaxLength", "", fmt.Sprintf("the request body is larger than %d bytes", s.maxJSON))
	}
	return decodeJSON(raw, s.schemas[schemaName], out)
}

// decodeJSON validates raw against schema and decodes it into out.
func decodeJSON(raw []byte, schema *field, out any) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		raw = []byte("{}")
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return share.Invalid("BadFormat", "", "the body is not valid JSON: "+jsonErrorText(err))
	}
	if dec.More() {
		return share.Invalid("BadFormat", "", "the body has data after the JSON object")
	}
	if _, ok := doc.(map[string]any); !ok {
		return share.Invalid("BadFormat", "", "the body must be a JSON object")
	}
	var v share.Validation
	rejectNUL(doc, "", &v)
	if err := v.Err(); err != nil {
		return err
	}
	changed := false
	doc = schema.check(doc, "", &v, &changed)
	if err := v.Err(); err != nil {
		return err
	}
	if changed {
		var err error
		if raw, err = json.Marshal(doc); err != nil {
			return share.Invalid("BadFormat", "", jsonErrorText(err))
		}
	}
	if err := json.Unmarshal(raw, out); err != nil {
		// The schema admitted something the Go type cannot hold; say so rather than fail with a 500.
		return share.Invalid("BadFormat", "", jsonErrorText(err))
	}
	return nil
}

// rejectNUL refuses NUL characters anywhere in the document: PostgreSQL cannot store them in text,
// and no field of this API has a use for them.
func rejectNUL(v any, ptr string, errs *share.Validation) {
	switch x := v.(type) {
	case string:
		if strings.ContainsRune(x, 0) {
			errs.Add("InvalidString", ptr, "must not contain NUL characters")
		}
	case []any:
		for i, item := range x {
			rejectNUL(item, fmt.Sprintf("%s/%d", ptr, i), errs)
		}
	case map[string]any:
		for k, item := range x {
			if strings.ContainsRune(k, 0) {
				errs.Add("InvalidString", ptr, "property names must not contain NUL characters")
				continue
			}
			rejectNUL(item, ptr+"/"+jsonpointer.Escape(k), errs)
		}
	}
}

func jsonErrorText(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("%s at byte %d", se.Error(), se.Offset)
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("%s must be %s", te.Field, te.Type)
	}
	return err.Error()
}
