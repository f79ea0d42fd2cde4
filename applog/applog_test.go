package applog_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"

	"github.com/sharedesk/sharedesk/applog"
)

func TestRedact(t *testing.T) {
	const tok = "abcdefghijklmnopqrstuvwxyz234567"
	tests := []struct{ in, want string }{
		{"/s/" + tok, "/s/[redacted]"},
		{"/s/" + tok + "/password", "/s/[redacted]/password"},
		{"/s/" + tok + "/verify?x=1", "/s/[redacted]/verify?x=1"},
		{"https://share.example.com/s/" + tok, "https://share.example.com/s/[redacted]"},
		{`open "http://127.0.0.1:8081/s/` + tok + `": refused`, `open "http://127.0.0.1:8081/s/[redacted]": refused`},
		{"/v1/download/eyJwYXlsb2FkIn0.c2lnbmF0dXJl", "/v1/download/[redacted]"},
		{"/v1beta/download/p.s", "/v1beta/download/[redacted]"},
		{"/v1/upload/p.s?part=1", "/v1/upload/[redacted]?part=1"},
		{"https://bucket.s3.amazonaws.com/k?X-Amz-Credential=AK%2F1&X-Amz-Signature=deadbeef&X-Amz-Expires=300",
			"https://bucket.s3.amazonaws.com/k?X-Amz-Credential=[redacted]&X-Amz-Signature=[redacted]&X-Amz-Expires=300"},
		{"/upload?expires=1&sig=abc123", "/upload?expires=1&sig=[redacted]"},
		{"/auth/callback?code=SplxlOBeZQQYbYS6WxSbIA&state=af0ifjsldkj", "/auth/callback?code=[redacted]&state=[redacted]"},
		{"smtp://share:hunter2@mail.example.com:587?from=a@b", "smtp://share:[redacted]@mail.example.com:587?from=a@b"},
		{"/links?q=board&size=50", "/links?q=board&size=50"},
		{"/s//" + tok, "/s//[redacted]"},
		{"/S/" + tok, "/S/[redacted]"},
		{"//s/" + tok + "/password", "//s/[redacted]/password"},
		{"/v1//download/p.s", "/v1//download/[redacted]"},
		{"/V1/Download/p.s", "/V1/Download/[redacted]"},
		{"https://sms.example.com/hook?api_key=K1&apikey=K2&client_secret=K3&x-api-key=K4&access_key=K5&jwt=K6&session=K7&to=x",
			"https://sms.example.com/hook?api_key=[redacted]&apikey=[redacted]&client_secret=[redacted]&x-api-key=[redacted]&access_key=[redacted]&jwt=[redacted]&session=[redacted]&to=x"},
		{"/p/f/pfo_123", "/p/f/pfo_123"},
		{"/v1/share/link/get", "/v1/share/link/get"},
	}
	for _, tt := range tests {
		if got := applog.Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"short", 10, "short"},
		{strings.Repeat("a", 20), 10, "aa…[cut]"},
		{"ééééééééé", 10, "é…[cut]"},
	}
	for _, tt := range tests {
		got := applog.Clip(tt.in, tt.max)
		if got != tt.want || len(got) > tt.max {
			t.Errorf("Clip(%q, %d) = %q (%d bytes), want %q", tt.in, tt.max, got, len(got), tt.want)
		}
	}
}

// TestLoggerCleansEveryField: whatever a caller logs (strings, errors, groups, attributes bound
// with With), the line carries no token and no field longer than the limit.
func TestLoggerCleansEveryField(t *testing.T) {
	const tok = "abcdefghijklmnopqrstuvwxyz234567"
	var buf bytes.Buffer
	log := applog.New(&buf, slog.LevelDebug).With("url", "https://x.example/s/"+tok)
	huge := strings.Repeat("A", 900<<10)
	log.Info("opened /s/"+tok, "path", "/s/"+tok+"/code", "err", errors.New(`Get "http://h/v1/download/p.sig": EOF`),
		slog.Group("req", "uri", "/s/"+tok), "error_description", huge)
	line := buf.String()
	if strings.Contains(line, tok) || strings.Contains(line, "p.sig") {
		t.Errorf("log line contains a secret: %s", line)
	}
	var fields map[string]any
	if err := json.Unmarshal([]byte(line), &fields); err != nil {
		t.Fatalf("not one JSON line: %v", err)
	}
	if got := len(fields["error_description"].(string)); got > applog.MaxField {
		t.Errorf("a 900 KB field was logged with %d bytes, want at most %d", got, applog.MaxField)
	}
	if len(line) > 8*applog.MaxField {
		t.Errorf("the line is %d bytes", len(line))
	}
}
