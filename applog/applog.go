// Package applog sets up structured JSON logs in which every line logged with a request's context
// carries that request's id, no capability token or signature appears, and no field is unbounded.
package applog

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

type ctxKey struct{}

// WithRequestID returns ctx carrying a request id for log lines.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// RequestID returns the request id in ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// Limits on what one log field may hold. Request paths, error texts from providers and anything
// else a client controls pass through log fields; without a bound one request can write megabytes.
const (
	MaxField = 1024     // any string field
	MaxStack = 16 << 10 // the "stack" field of a recovered panic
)

// Redacted replaces a secret in a logged path or URL.
const Redacted = "[redacted]"

var (
	// Path segments that are bearer capabilities: a share link's token (/s/{token}), a signed
	// download or upload URL's token (/v1/download/{token}, /v1/upload/{token}, also under /v1beta).
	// Any letter case and repeated slashes too: the server answers /s//{token} (redirect) and /S/{token}.
	tokenPath = regexp.MustCompile(`(?i)(/+s/+|/+v1(?:beta)?/+(?:download|upload)s?/+)[^/?#\s"'<>\\]+`)
	// Query parameters that carry signatures, credentials or one-time codes, whatever the URL.
	// Names are matched by what they contain (api_key, x-api-key, client_secret, jwt, session_id, …), so
	// a webhook or provider URL with its own naming is covered too.
	secretQuery = regexp.MustCompile(
		`(?i)([?&;][^=&#?\s"'<>]*` +
			`(?:sig|token|code|state|key|secret|pass|otp|auth|session|jwt|credential|cookie|nonce)` +
			`[^=&#?\s"'<>]*=)[^&#\s"'<>]*`,
	)
	// A password in a URL's userinfo (smtp://user:pass@host).
	userinfo = regexp.MustCompile(`(://[^/\s:@]*:)[^@\s/]+@`)
)

// Redact removes link tokens, URL signatures and credentials from a path, URL or any text that may
// contain one (an error message quoting a URL). It is the one redaction every logger uses: the
// handler New returns applies it to every string it writes.
func Redact(s string) string {
	if strings.Contains(s, "/") {
		s = tokenPath.ReplaceAllString(s, "${1}"+Redacted)
	}
	if strings.Contains(s, "=") {
		s = secretQuery.ReplaceAllString(s, "${1}"+Redacted)
	}
	if strings.Contains(s, "://") {
		s = userinfo.ReplaceAllString(s, "${1}"+Redacted+"@")
	}
	return s
}

// Clip shortens s to at most limit bytes, on a character boundary, saying how much was cut. Every
// externally supplied text that is stored or logged goes through it.
func Clip(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	const mark = "…[cut]"
	cut := limit - len(mark)
	if cut < 0 {
		cut = 0
	}
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + mark
}

type handler struct{ slog.Handler }

func (h handler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, clean("msg", r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(cleanAttr(a))
		return true
	})
	if id := RequestID(ctx); id != "" {
		out.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, out)
}

func (h handler) WithAttrs(attrs []slog.Attr) slog.Handler {
	cleaned := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		cleaned[i] = cleanAttr(a)
	}
	return handler{h.Handler.WithAttrs(cleaned)}
}

func (h handler) WithGroup(name string) slog.Handler { return handler{h.Handler.WithGroup(name)} }

// cleanAttr redacts and clips every string an attribute holds, including errors and Stringers,
// which often quote URLs.
func cleanAttr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, clean(a.Key, v.String()))
	case slog.KindGroup:
		group := v.Group()
		cleaned := make([]any, len(group))
		for i, g := range group {
			cleaned[i] = cleanAttr(g)
		}
		return slog.Group(a.Key, cleaned...)
	case slog.KindAny:
		switch x := v.Any().(type) {
		case error:
			return slog.String(a.Key, clean(a.Key, x.Error()))
		case fmt.Stringer:
			return slog.String(a.Key, clean(a.Key, x.String()))
		case []string:
			parts := make([]string, len(x))
			for i, s := range x {
				parts[i] = clean(a.Key, s)
			}
			return slog.String(a.Key, Clip(strings.Join(parts, ","), MaxField))
		case []byte:
			return slog.String(a.Key, clean(a.Key, strconv.Quote(string(x))))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

func clean(key, s string) string {
	limit := MaxField
	if key == "stack" {
		limit = MaxStack
	}
	// Clip first so the regular expressions never run over a huge input, then again because a
	// redaction can only shorten but the mark must stay at the end.
	return Clip(Redact(Clip(s, 4*limit)), limit)
}

// New returns a JSON logger writing to w that adds request_id from the context, redacts secrets
// from every string (Redact) and clips every field (Clip).
func New(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(handler{slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level})})
}
